import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { buildListView, parseListQuery, type ColumnSpec } from '../../lib/list-query';
import { auditRequestContext } from '../../core/audit/audit';
import { deliveryPage, resendAll, resendOne } from './service';

const PAGE_SIZE = 50;

const COLUMNS: ColumnSpec[] = [
  { key: 'createdAt', labelKey: 'email-delivery:failures.columns.createdAt', sortable: false },
  { key: 'template', labelKey: 'email-delivery:failures.columns.template', sortable: false },
  { key: 'recipient', labelKey: 'email-delivery:failures.columns.recipient', sortable: false },
  { key: 'application', labelKey: 'email-delivery:failures.columns.application', sortable: false },
  { key: 'status', labelKey: 'email-delivery:failures.columns.status', sortable: false },
  { key: 'reason', labelKey: 'email-delivery:failures.columns.reason', sortable: false },
  { key: 'attempts', labelKey: 'email-delivery:failures.columns.attempts', sortable: false, className: 'num' },
  { key: 'action', labelKey: 'email-delivery:failures.columns.action', sortable: false },
];

/** Platform administrator: E-mail delivery (counts by state, failing and dead e-mails of every kind, resend one or all). */
export function emailDeliveryRoutes(deps: Deps): Router {
  const router = Router();
  const { db, config, clock } = deps;
  const platform = [requireAdministrator(config), requirePlatformAdministrator];

  const show: RequestHandler = async (req, res) => {
    const listQuery = parseListQuery(req.query, { sortable: ['id'], defaultSort: 'id', defaultDir: 'desc', pageSizes: [PAGE_SIZE] });
    const page = await deliveryPage(db, clock.now(), listQuery);
    const list = buildListView({ base: paths.platform.emailDelivery.list, query: listQuery, total: page.total, columns: COLUMNS, pageSizes: [PAGE_SIZE] });
    res.render('email-delivery/list.njk', { ...page, list, resendable: page.items.some((i) => !i.notResendable) || page.total > page.items.length });
  };

  const resendEmail: RequestHandler = async (req, res) => {
    const id = Number(req.params.id);
    const outcome =
      Number.isSafeInteger(id) && id > 0 ? await resendOne(db, id, clock.now(), auditRequestContext(req)) : ({ resent: false, reason: 'not-failing' } as const);
    if (outcome.resent) setFlash(req, 'email-delivery:resend.done', { id });
    else setFlash(req, `email-delivery:resend.refused.${outcome.reason}`, { id }, 'info');
    res.redirect(303, paths.platform.emailDelivery.list);
  };

  const resendEvery: RequestHandler = async (req, res) => {
    const { resent, skipped } = await resendAll(db, clock.now(), auditRequestContext(req));
    setFlash(req, resent ? 'email-delivery:resendAll.done' : 'email-delivery:resendAll.none', { count: resent, skipped }, resent ? 'success' : 'info');
    res.redirect(303, paths.platform.emailDelivery.list);
  };

  router.get(paths.platform.emailDelivery.list, ...platform, show);
  router.post(paths.platform.emailDelivery.resendAll, ...platform, resendEvery);
  router.post(paths.platform.emailDelivery.resend(), ...platform, resendEmail);
  return router;
}
