import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { NotFoundError } from '../../lib/errors';
import { buildListView, parseListQuery, type ColumnSpec } from '../../lib/list-query';
import { auditRequestContext } from '../../core/audit/audit';
import { fileParamsSchema } from './schema';
import { transmissionFile, transmissionsPage, transmitNow } from './service';

const PAGE_SIZE = 20;

const COLUMNS: ColumnSpec[] = [
  { key: 'number', labelKey: 'transmissions:list.columns.number', sortable: false },
  { key: 'at', labelKey: 'transmissions:list.columns.at', sortable: false },
  { key: 'by', labelKey: 'transmissions:list.columns.by', sortable: false },
  { key: 'applications', labelKey: 'transmissions:list.columns.applications', sortable: false },
  { key: 'delivery', labelKey: 'transmissions:list.columns.delivery', sortable: false },
  { key: 'files', labelKey: 'transmissions:list.columns.files', sortable: false },
];

/**
 * Platform administrator: the transmissions to the issuer (src/core/transmission), "Transmit now", each file again.
 *
 * Routes:
 *   GET  /platform/transmissions                         the list (and, below it, the card status import: issue 13 part 4)
 *   POST /platform/transmissions/transmit                "Transmit now" (CSRF, audited as the administrator's)
 *   GET  /platform/transmissions/:number/files/:name     a file again, as an attachment (audited)
 *   (issue 13 part 4 mounts the status file upload here, e.g. POST /platform/transmissions/status-import)
 */
export function transmissionRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock, config } = deps;
  const platformOnly = [requireAdministrator(config), requirePlatformAdministrator];

  const showTransmissions: RequestHandler = async (req, res) => {
    const listQuery = parseListQuery(req.query, { sortable: ['number'], defaultSort: 'number', defaultDir: 'desc', pageSizes: [PAGE_SIZE] });
    const { items, total } = await transmissionsPage(db, listQuery);
    const list = buildListView({ base: paths.platform.transmissions.list, query: listQuery, total, columns: COLUMNS, pageSizes: [PAGE_SIZE] });
    res.render('transmissions/list.njk', { list, items, destination: config.transmission.sftp ? 'sftp' : 'folder' });
  };

  const transmit: RequestHandler = async (req, res) => {
    const { created, deliveries } = await transmitNow(deps, auditRequestContext(req), clock.now());
    const failed = deliveries.filter((d) => !d.delivered);
    req.log?.info(
      { transmission: created?.number ?? null, applications: created?.applicationCount ?? 0, failed: failed.length, by: req.actor?.id },
      'transmit now',
    );
    if (created && !failed.some((d) => d.number === created.number)) {
      setFlash(req, 'transmissions:flash.transmitted', { number: created.number, count: created.applicationCount });
    } else if (created) {
      setFlash(req, 'transmissions:flash.deliveryFailed', { number: created.number, count: created.applicationCount }, 'info');
    } else {
      setFlash(req, 'transmissions:flash.nothingToTransmit', undefined, 'info');
    }
    res.redirect(303, paths.platform.transmissions.list);
  };

  const downloadFile: RequestHandler = async (req, res) => {
    const parsed = fileParamsSchema.safeParse(req.params);
    if (!parsed.success) throw new NotFoundError('transmission file');
    const { body, headers } = await transmissionFile(db, auditRequestContext(req), parsed.data, clock.now());
    res.set(headers);
    res.end(body);
  };

  router.get(paths.platform.transmissions.list, ...platformOnly, showTransmissions);
  router.post(paths.platform.transmissions.transmit, ...platformOnly, transmit);
  router.get(paths.platform.transmissions.file(), ...platformOnly, downloadFile);

  return router;
}
