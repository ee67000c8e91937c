import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { formErrorsFromZod } from '../../lib/form-errors';
import { buildListView, parseListQuery, type ColumnSpec } from '../../lib/list-query';
import { auditFilterSchema, rawFilters } from './schema';
import { auditLogPage } from './service';

const AUDIT_PAGE_SIZE = 50;

const COLUMNS: ColumnSpec[] = [
  { key: 'at', labelKey: 'audit:list.columns.at', sortable: false },
  { key: 'actor', labelKey: 'audit:list.columns.actor', sortable: false },
  { key: 'action', labelKey: 'audit:list.columns.action', sortable: false },
  { key: 'application', labelKey: 'audit:list.columns.application', sortable: false },
  { key: 'object', labelKey: 'audit:list.columns.object', sortable: false },
  { key: 'origin', labelKey: 'audit:list.columns.origin', sortable: false },
  { key: 'details', labelKey: 'audit:list.columns.details', sortable: false },
];

/** Platform administrator: search the audit log (date range, actor, action, application), 50 entries a page. */
export function auditRoutes(deps: Deps): Router {
  const router = Router();
  const { db, config } = deps;

  const searchLog: RequestHandler = async (req, res) => {
    const raw = rawFilters(req.query as Record<string, unknown>);
    const parsed = auditFilterSchema.safeParse(raw);
    const listQuery = parseListQuery(req.query, { sortable: ['at'], defaultSort: 'at', defaultDir: 'desc', pageSizes: [AUDIT_PAGE_SIZE] });
    const { items, total, actions } = await auditLogPage(db, parsed.success ? parsed.data : undefined, config.timeZone, listQuery);
    if (raw.action && !actions.includes(raw.action)) actions.push(raw.action);
    const list = buildListView({ base: paths.platform.audit, query: listQuery, total, columns: COLUMNS, pageSizes: [AUDIT_PAGE_SIZE], extra: raw });
    res.status(parsed.success ? 200 : 400).render('audit/list.njk', {
      list,
      items,
      values: raw,
      actions: actions.map((a) => ({ value: a, text: a })),
      filtered: Object.values(raw).some((v) => v !== ''),
      errors: parsed.success ? null : formErrorsFromZod(parsed.error),
    });
  };

  router.get(paths.platform.audit, requireAdministrator(config), requirePlatformAdministrator, searchLog);

  return router;
}
