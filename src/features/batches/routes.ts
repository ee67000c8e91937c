import { Router, type Request, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { NotFoundError } from '../../lib/errors';
import { buildListView, parseListQuery } from '../../lib/list-query';
import { requireAdministrator } from '../../middleware/auth';
import { paths } from '../../platform/paths';
import { STATUSES } from '../../core/application/status';
import type { BatchSort } from './repository';
import { STATUS_GROUPS, batchApplicationsPage, batchFailedEmails, batchListPage, getBatch, isStatus } from './service';

/** "Suivi du statut des demandes groupées": one row per uploaded file, and each batch's applications. */

const LIST_SPEC = {
  sortable: ['createdAt', 'fileName', 'rowCount'] as const,
  defaultSort: 'createdAt' as const,
  defaultDir: 'desc' as const,
  pageSizes: [20, 50, 100],
};
const BATCH_PAGE_SIZE = 50;

function accountIdsOf(req: Request): number[] {
  return req.actor?.accountIds ?? [];
}

export function batchRoutes(deps: Deps): Router {
  const router = Router();
  const admin = requireAdministrator(deps.config);

  const listAll: RequestHandler = async (req, res) => {
    const accountIds = accountIdsOf(req);
    const query = parseListQuery<BatchSort>(req.query, { ...LIST_SPEC, sortable: [...LIST_SPEC.sortable] });
    const { total, batches } = await batchListPage(deps.db, accountIds, query);
    const list = buildListView({
      base: paths.admin.batches.list,
      query,
      total,
      pageSizes: LIST_SPEC.pageSizes,
      columns: [
        { key: 'createdAt', labelKey: 'batches:columns.createdAt' },
        { key: 'fileName', labelKey: 'batches:columns.fileName' },
        { key: 'administrator', labelKey: 'batches:columns.administrator', sortable: false },
        { key: 'key', labelKey: 'batches:columns.key', sortable: false },
        { key: 'rowCount', labelKey: 'batches:columns.rowCount', className: 'num' },
        ...Object.keys(STATUS_GROUPS).map((g) => ({ key: g, labelKey: `batches:groups.${g}`, sortable: false, className: 'num' })),
      ],
    });
    res.render('batches/list.njk', { list, batches, groups: Object.keys(STATUS_GROUPS) });
  };

  const showOne: RequestHandler = async (req, res) => {
    const accountIds = accountIdsOf(req);
    const id = Number(req.params.id);
    const batch = Number.isSafeInteger(id) ? await getBatch(deps.db, id, accountIds) : undefined;
    if (!batch) throw new NotFoundError('batch');
    const status = isStatus(req.query.status) ? req.query.status : undefined;
    const requested = Number(typeof req.query.page === 'string' ? req.query.page : 1);
    const { total, window, items } = await batchApplicationsPage(deps.db, batch.id, accountIds, {
      ...(status ? { status } : {}),
      page: Number.isSafeInteger(requested) && requested > 0 ? requested : 1,
      pageSize: BATCH_PAGE_SIZE,
    });
    const base = paths.admin.batches.show(batch.id);
    const at = (page: number) => `${base}?${new URLSearchParams({ ...(status ? { status } : {}), page: String(page) }).toString()}`;
    const failedEmails = await batchFailedEmails(deps.db, batch.id, accountIds, deps.clock.now());
    res.render('batches/show.njk', {
      batch,
      failedEmails,
      status: status ?? null,
      statuses: STATUSES.filter((s) => (batch.byStatus[s] ?? 0) > 0).map((s) => ({ status: s, count: batch.byStatus[s] ?? 0, href: `${base}?status=${s}` })),
      total,
      items,
      window,
      pages: {
        ...(window.page > 1 ? { previous: at(window.page - 1) } : {}),
        ...(window.page < window.pageCount ? { next: at(window.page + 1) } : {}),
      },
      base,
    });
  };

  router.get(paths.admin.batches.list, admin, listAll);
  router.get(paths.admin.batches.show(), admin, showOne);
  return router;
}
