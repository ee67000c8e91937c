import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Actor } from '../../core/administrators/repository';
import type { Deps } from '../../platform/deps';
import { NotFoundError, UnauthenticatedError } from '../../lib/errors';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import {
  buildListView,
  labelledColumns,
  listQueryString,
  paginate,
  parseListQuery,
  type ColumnSpec,
  type ListSpec,
  type PageLinkRel,
} from '../../lib/list-query';
import { requireAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { paths } from '../../platform/paths';
import { auditRequestContext } from '../../core/audit/audit';
import type { QueueRow, QueueSort } from './repository';
import { formatDate, tFor, type Language } from '../../platform/i18n';
import {
  cursorParams,
  isAction,
  parseConfirmForm,
  parseIds,
  parseQueueCursor,
  parseQueueFilters,
  FILTER_FIELDS,
  SELECT_ALL_LIMIT,
  type ApprovalAction,
  type FilterValues,
} from './schema';
import {
  confirmationRows,
  createRun,
  executeRun,
  idsInScope,
  QUEUE_SORTS,
  queueKeys,
  queuePageData,
  queueSearch,
  overdueOnPage,
  reactivate,
  ReactivationTooLate,
  runOf,
  selectAllMatching,
  withOpenInformationRequest,
  type PageCursors,
} from './service';

const LIST_SPEC: ListSpec<QueueSort> = {
  sortable: QUEUE_SORTS,
  defaultSort: 'createdAt',
  defaultDir: 'asc',
  pageSizes: [10, 25, 50, 100],
  defaultPageSize: 50,
};
const COLUMNS: ColumnSpec[] = labelledColumns('approvals:columns', [
  'reference',
  'name',
  'company',
  'accountNumber',
  'keyName',
  'priority',
  'createdAt',
  'cardType',
  'plasticType',
]);
/** The confirmation page lists at most this many of the selected applications (the count says how many in all). */
const CONFIRM_SHOWN = 200;

/**
 * The rows as the table shows them: every label translated and every value formatted here, once per distinct value,
 * so the template's loop only prints (a 50-row page otherwise makes ~250 translation and formatting calls).
 */
function shapeRows(rows: QueueRow[], lang: Language, timeZone: string, informationRequested: Set<number> = new Set(), overdue: Set<number> = new Set()) {
  const t = tFor(lang);
  // "Select application {{reference}}": translated once with a placeholder, filled per row.
  const REF = '\u0000ref\u0000';
  const [selectBefore, selectAfter = ''] = t('approvals:list.selectRow', { reference: REF }).split(REF);
  // Each distinct value translated (or formatted) once per page: a page has a few keys, titles and days.
  const once = <T extends string>(fn: (value: T) => string) => {
    const done = new Map<T, string>();
    return (value: T): string => {
      let text = done.get(value);
      if (text === undefined) done.set(value, (text = fn(value)));
      return text;
    };
  };
  const title = once((v: string) => t(`applications:titles.${v}`));
  const priority = once((v: string) => t(`applications:priorities.${v}`));
  const cardProduct = once((v: string) => t(`accounts:cardProducts.${v}`, { defaultValue: v }));
  const plasticType = once((v: string) => t(`accounts:plasticTypes.${v}`, { defaultValue: v }));
  return rows.map((row) => ({
    id: row.id,
    reference: row.reference,
    href: paths.admin.applications.show(row.id),
    selectLabel: `${selectBefore}${row.reference}${selectAfter}`,
    name: [row.title ? title(row.title) : '', row.firstName ?? '', row.lastName ?? ''].filter(Boolean).join(' '),
    companyName: row.companyName,
    accountNumber: row.accountNumber,
    keyName: row.keyName,
    urgent: row.priority === 'urgent',
    /** A request for information not closed: the application cannot be approved yet. */
    informationRequested: informationRequested.has(row.id),
    /** Pending approval longer than its key's deadline (issue 16 item 3). */
    overdue: overdue.has(row.id),
    priority: priority(row.priority),
    createdAt: formatDate(lang, row.createdAt, timeZone),
    cardProduct: cardProduct(row.cardProduct),
    plasticType: plasticType(row.plasticType),
  }));
}

function actorOf(req: Request): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  return req.actor;
}

function filterExtra(values: FilterValues): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const f of FILTER_FIELDS) if (values[f] && !(f === 'stage' && values[f] === 'ready')) extra[f] = values[f];
  return extra;
}

/**
 * The cursor each pagination link carries (keyset sorts; none in the others): Next and the numbered pages after the
 * current one start after its last row, Previous and the numbered pages before it end before its first row, the
 * current page keeps the cursor it was read with. First, Previous to page 1 and Last go by number: page 1 is read
 * from the start and the last page from the end, each as cheap as a page read from a cursor.
 */
function cursorLinkParams(cursors: PageCursors, current: number): (page: number, rel: PageLinkRel) => Record<string, string> {
  return (page, rel) => {
    if (rel === 'first' || rel === 'last' || page === 1) return {};
    if (page > current && cursors.after) return cursorParams(cursors.after);
    if (page < current && cursors.before) return cursorParams(cursors.before);
    if (page === current && cursors.used) return cursorParams(cursors.used);
    return {};
  };
}

/** The approval queue (SPEC §3.6): list, selection, confirmation, action per application, results; reactivation. */
export function approvalRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const admin = requireAdministrator(config);
  const tz = config.timeZone;

  /** The queue for a query (GET) or for the selection form's hidden fields (POST re-rendered with an error). */
  async function renderQueue(req: Request, res: Response, source: unknown, selectionErrors: FormErrors | null) {
    const actor = actorOf(req);
    const keys = await queueKeys(db, actor);
    const {
      filters,
      values,
      errors: filterErrors,
    } = parseQueueFilters(
      source,
      keys.map((k) => k.id),
    );
    const query = parseListQuery(source, LIST_SPEC);
    const now = clock.now();
    const search = queueSearch(actor.accountIds, filters, query.q, tz, { now, country: config.holidayCountry });
    const { totals, total, rows, cursors } = await queuePageData(db, search, query, parseQueueCursor(source, query.sort, query.dir));
    const overdue = filters.stage === 'ready' ? overdueOnPage(rows, now, { timeZone: tz, country: config.holidayCountry }) : new Set<number>();
    const extra = filterExtra(values);
    const list = buildListView({
      base: paths.admin.approvals.list,
      query,
      total,
      columns: COLUMNS,
      pageSizes: LIST_SPEC.pageSizes,
      extra,
      pageLinkParams: cursorLinkParams(cursors, paginate(query, total).page),
    });
    const errors = selectionErrors ?? filterErrors;
    res.status(selectionErrors || filterErrors ? 400 : 200).render('approvals/list.njk', {
      list,
      rows: shapeRows(rows, req.lang, tz, await withOpenInformationRequest(db, rows), overdue),
      // The selection form carries the page's cursor, so that "back to the list" returns to the same rows.
      cursorFields: Object.entries(cursors.used ? cursorParams(cursors.used) : {}).map(([name, value]) => ({ name, value })),
      keyOptions: keys.map((k) => ({ value: String(k.id), label: `${k.name} (${k.number}) – ${k.companyName}`, selected: String(k.id) === values.key })),
      totals,
      // The pending tab's count: the queue's own total, not counted again.
      navCounts: { pending: totals.all },
      total,
      values,
      q: query.q,
      stage: filters.stage,
      errors,
      filterErrors: filterErrors ? filterErrors.fieldErrors : {},
      selectAllLimit: SELECT_ALL_LIMIT,
      stageHrefs: {
        ready: paths.admin.approvals.list,
        additional: `${paths.admin.approvals.list}?stage=additional`,
      },
    });
  }

  const showQueue: RequestHandler = async (req, res) => {
    await renderQueue(req, res, req.query, null);
  };

  /** Ticked rows or "select all matching the filter", and the button pressed → a confirmation of its own. */
  const selectApplications: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const action = body.action;
    if (!isAction(action))
      return renderQueue(req, res, body, formErrors([{ field: 'actions', key: 'approvals:select.errors.action', href: '#queue-actions' }]));
    const keys = await queueKeys(db, actor);
    const { filters, values } = parseQueueFilters(
      body,
      keys.map((k) => k.id),
    );
    const query = parseListQuery(body, LIST_SPEC);
    let ids: number[];
    let capped = false;
    if (body.selectAll === 'yes') {
      ({ ids, capped } = await selectAllMatching(
        db,
        queueSearch(actor.accountIds, filters, query.q, tz, { now: clock.now(), country: config.holidayCountry }),
        query.sort,
        query.dir,
      ));
    } else {
      ids = parseIds(body.ids);
    }
    if (!ids.length) return renderQueue(req, res, body, formErrors([{ field: 'ids', key: 'approvals:select.errors.none', href: '#select-all' }]));
    // Never trust the ids: only the actor's BCs' applications go on; the others are counted, never shown.
    const inScope = await idsInScope(db, actor, ids);
    const cursor = parseQueueCursor(body, query.sort, query.dir);
    const returnTo = listQueryString(query, { ...filterExtra(values), ...(cursor ? cursorParams(cursor) : {}) });
    const token = await createRun(db, actor, { action, ids: inScope, unknownCount: ids.length - inScope.length, capped, returnTo, now: clock.now() });
    res.redirect(303, paths.admin.approvals.confirm(token));
  };

  async function renderConfirm(req: Request, res: Response, token: string, values: Record<string, string>, errors: FormErrors | null) {
    const actor = actorOf(req);
    const run = await runOf(db, actor, token);
    if (!run) throw new NotFoundError('approval run');
    if (run.consumedAt) return res.redirect(303, paths.admin.approvals.results(run.token));
    const action = run.action as ApprovalAction;
    const rows = await confirmationRows(db, actor, action, run.applicationIds.slice(0, CONFIRM_SHOWN));
    res.status(errors ? 400 : 200).render('approvals/confirm.njk', {
      run,
      action,
      rows,
      count: run.applicationIds.length,
      hiddenCount: Math.max(0, run.applicationIds.length - rows.length),
      values,
      errors,
      urgentFee: config.urgentFeeEur,
      selectAllLimit: SELECT_ALL_LIMIT,
      backHref: `${paths.admin.approvals.list}?${run.returnTo}`,
    });
  }

  const showConfirm: RequestHandler = async (req, res) => {
    await renderConfirm(req, res, String(req.params.token), { comment: '', urgentTermsAccepted: '' }, null);
  };

  const confirmRun: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const token = String(req.params.token);
    const run = await runOf(db, actor, token);
    if (!run) throw new NotFoundError('approval run');
    if (run.consumedAt) {
      setFlash(req, 'approvals:confirm.alreadyUsed', undefined, 'info');
      return res.redirect(303, paths.admin.approvals.results(run.token));
    }
    const action = run.action as ApprovalAction;
    const { input, values, errors } = parseConfirmForm(action, (req.body ?? {}) as Record<string, unknown>);
    if (errors) return renderConfirm(req, res, token, values, errors);
    const results = await executeRun(db, actor, run, input, { now: clock.now(), timeZone: tz, audit: auditRequestContext(req), faults: deps.faults });
    if (!results) {
      setFlash(req, 'approvals:confirm.alreadyUsed', undefined, 'info');
    } else {
      req.log?.info({ action, count: results.length, succeeded: results.filter((r) => r.ok).length }, 'approval queue action');
    }
    res.redirect(303, paths.admin.approvals.results(run.token));
  };

  const showResults: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const run = await runOf(db, actor, String(req.params.token));
    if (!run || !run.consumedAt) throw new NotFoundError('approval run');
    const results = run.results ?? [];
    res.render('approvals/results.njk', {
      run,
      action: run.action,
      succeeded: results.filter((r) => r.ok),
      refused: results.filter((r) => !r.ok),
      finished: run.results !== null,
      backHref: `${paths.admin.approvals.list}?${run.returnTo}`,
    });
  };

  const reactivateApplication: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const raw = req.params.id;
    if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw new NotFoundError('application');
    const id = Number(raw);
    try {
      await reactivate(db, actor, id, { now: clock.now(), audit: auditRequestContext(req), faults: deps.faults });
    } catch (err) {
      // Past the 90 days: a page that says why and what to do, not the generic refusal.
      if (err instanceof ReactivationTooLate) return res.status(409).render('approvals/reactivation-too-late.njk', { application: err.application });
      throw err;
    }
    setFlash(req, 'applications:reactivate.done');
    res.redirect(303, paths.admin.applications.show(id));
  };

  router.get(paths.admin.approvals.list, admin, showQueue);
  router.post(paths.admin.approvals.select, admin, selectApplications);
  router.route(paths.admin.approvals.confirm()).get(admin, showConfirm).post(admin, confirmRun);
  router.get(paths.admin.approvals.results(), admin, showResults);
  router.post(paths.admin.applications.reactivate(), admin, reactivateApplication);

  return router;
}
