import crypto from 'node:crypto';
import type { Actor } from '../../core/administrators/repository';
import { onBehalfOf } from '../../core/administrators/absence';
import type { Knex } from 'knex';
import { formatDate, type Language } from '../../platform/i18n';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { paginate, type ListQuery, type SortDirection } from '../../lib/list-query';
import { recordApplicationAudit, type AuditContext } from '../../core/audit/audit';
import { addDays, zonedTimeToUtc } from '../../lib/time-zone';
import { enqueueEmails, type EmailToQueue } from '../../core/outbox/enqueue';
import { QUEUE_STATUSES, StaleStateError, canReactivate, transition, type Status } from '../../core/application/status';
import {
  acceptedCardholderTerms,
  consumeRun,
  countMatching,
  findRun,
  findTarget,
  insertRun,
  keysInScope,
  lastHistoryId,
  matchingIds,
  queuePage,
  queueTotals,
  rowsInScope,
  seekValue,
  saveRunResults,
  statusBeforeCancellation,
  type ActionTarget,
  type ApprovalRun,
  type QueueRow,
  type QueueSearch,
  type QueueSort,
  type QueueTotals,
  type RunOutcome,
} from './repository';
import { additionalApproverApproved } from '../../core/application/approval-requests';
import { applicationsWithOpenRequest, hasOpenInformationRequest } from '../../core/information-requests/information-requests';
import { isOwnApplication } from '../../core/application/separation';
import { erasePin, hasPin } from '../../core/application/pin-repository';
import { KEYSET_SORTS, SELECT_ALL_LIMIT, type ApprovalAction, type ConfirmInput, type KeysetSort, type QueueCursor, type QueueFilters } from './schema';
import { isSqlite, type Db } from '../../platform/db';
import { APPROVAL_DEADLINE_MAX, isOverdue, overdueCutoffs as cutoffsOfEveryDeadline, type DeadlineRules } from '../../core/application/approval-deadline';
import type { HolidayCountry } from '../../lib/business-days';
import type { Faults } from '../../platform/deps';
import { cachePerDb } from '../../core/data-version/versioned-cache';

/** A cancelled application can be reactivated until this many days after its initiation (SPEC §3.3), not after. */

/** Who acted and from where, for the audit log. */

/** Every approval deadline a key may have (1–30 business days), each with its overdue cut-off instant at `now`. */
function overdueCutoffs(now: Date, rules: DeadlineRules): string[] {
  return cutoffsOfEveryDeadline(APPROVAL_DEADLINE_MAX, now, rules);
}

/**
 * The queue's filters with the initiation dates turned into instants (local days in the service's time zone), and,
 * with the overdue filter, the cut-offs of every approval deadline at `deadlines.now`.
 */
export function queueSearch(
  accountIds: number[],
  filters: QueueFilters,
  q: string,
  timeZone: string,
  deadlines?: { now: Date; country: HolidayCountry },
): QueueSearch {
  return {
    accountIds,
    filters,
    q,
    ...(filters.overdue && deadlines ? { overdueCutoffs: overdueCutoffs(deadlines.now, { timeZone, country: deadlines.country }) } : {}),
    ...(filters.from ? { fromIso: zonedTimeToUtc(filters.from, '00:00', timeZone).toISOString() } : {}),
    ...(filters.to ? { toIsoExclusive: zonedTimeToUtc(addDays(filters.to, 1), '00:00', timeZone).toISOString() } : {}),
  };
}

export { QUEUE_SORTS } from './repository';

type QueueKey = { id: number; name: string; number: string; companyName: string };

/** Kept per process under the `keys` data version (bumped by every write to access_key or account, anywhere). */
const queueKeysCache = cachePerDb<QueueKey[]>('keys', 500);

/** The access keys of the actor's BCs, which the queue's key filter offers. */
export async function queueKeys(db: Db, actor: Pick<Actor, 'accountIds'>): Promise<QueueKey[]> {
  return queueKeysCache(db).get(actor.accountIds.join(','), () => keysInScope(db, actor.accountIds));
}

/**
 * How far from the cursor's page a link may lead: the numbered links go two pages either side of the current one
 * (lib/list-query), so at most one page is skipped past the cursor (a bounded OFFSET); farther is read by number.
 */
const SEEK_MAX_PAGES_AWAY = 2;

/** The cursors of the links around a page read in a keyset sort: after its last row (Next), before its first (Previous). */
export interface PageCursors {
  /** The cursor the page was read with, when it was (the current page's own link keeps it). */
  used?: QueueCursor;
  after?: QueueCursor;
  before?: QueueCursor;
}

/**
 * What the queue page reads, in this order: the header totals (of the search's BCs, the actor's), how many match the
 * search, then the page's rows — the page the list view shows for that total (lib/list-query `paginate`). With a
 * cursor (a Next / Previous / nearby page link of a keyset sort) the rows are read from the cursor on (a seek),
 * `(page - cursor's page - 1)` pages skipped; a cursor that does not fit (its page on the wrong side of the page asked
 * for or more than two pages from it, the page number clamped because the queue shrank, or nothing left past it) is
 * ignored and the page read by its number.
 */
export async function queuePageData(
  db: Db,
  search: QueueSearch,
  query: ListQuery<QueueSort>,
  cursor?: QueueCursor,
): Promise<{ totals: QueueTotals; total: number; rows: QueueRow[]; cursors: PageCursors }> {
  const totals = await queueTotals(db, search.accountIds);
  const total = await countMatching(db, search, totals);
  const window = paginate(query, total);
  const pagesAway = cursor ? (cursor.side === 'after' ? window.page - cursor.page : cursor.page - window.page) : 0;
  let usable = cursor && window.page === query.page && pagesAway >= 1 && pagesAway <= SEEK_MAX_PAGES_AWAY ? cursor : undefined;
  let rows = usable
    ? await queuePage(db, search, query.sort, query.dir, window.pageSize, (pagesAway - 1) * window.pageSize, total, {
        sort: usable.sort,
        side: usable.side,
        value: usable.value,
        id: usable.id,
      })
    : [];
  // Nothing left on the cursor's side (the applications after it were processed meanwhile): the page by its number.
  if (!rows.length) {
    usable = undefined;
    rows = await queuePage(db, search, query.sort, query.dir, window.pageSize, window.offset, total);
  }
  return { totals, total, rows, cursors: pageCursors(rows, query, window.page, usable) };
}

function isKeysetSort(sort: QueueSort): sort is KeysetSort {
  return (KEYSET_SORTS as readonly string[]).includes(sort);
}

function pageCursors(rows: QueueRow[], query: ListQuery<QueueSort>, page: number, used: QueueCursor | undefined): PageCursors {
  const sort = query.sort;
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!isKeysetSort(sort) || !first || !last) return {};
  const at = (side: 'after' | 'before', row: QueueRow): QueueCursor => ({ side, sort, dir: query.dir, page, value: seekValue(row, sort), id: row.id });
  return { ...(used ? { used } : {}), after: at('after', last), before: at('before', first) };
}

/** Of the page's applications, those with a request for information not closed (the queue's flag). */
export async function withOpenInformationRequest(db: Db, rows: QueueRow[]): Promise<Set<number>> {
  return applicationsWithOpenRequest(
    db,
    rows.map((r) => r.id),
  );
}

/**
 * Of the page's applications, those pending approval past their key's deadline (the queue's "overdue" tag): from the
 * rows themselves (their key's deadline comes with them), as the overdue filter selects them in SQL.
 */
export function overdueOnPage(rows: QueueRow[], now: Date, rules: DeadlineRules): Set<number> {
  const cutoffs = overdueCutoffs(now, rules);
  return new Set(
    rows.filter((r) => r.status === 'pending_approval' && isOverdue(r.submittedAt ?? r.statusChangedAt, r.approvalDeadlineDays, cutoffs)).map((r) => r.id),
  );
}

/** Of the selected ids, those of applications in the actor's BCs (never trust the ids posted). */
export async function idsInScope(db: Db, actor: Pick<Actor, 'accountIds'>, ids: number[]): Promise<number[]> {
  return (await rowsInScope(db, ids, actor.accountIds)).map((r) => r.id);
}

/** The actor's confirmation (run) with this token, or undefined. */
export async function runOf(db: Db, actor: Pick<Actor, 'id'>, token: string): Promise<ApprovalRun | undefined> {
  return findRun(db, token, actor.id);
}

/**
 * The confirmation page's rows: those of these applications in the actor's BCs, each with the warning the action
 * would meet now (refusalFor), or 'notFound'.
 */
export async function confirmationRows(
  db: Db,
  actor: Pick<Actor, 'accountIds' | 'email'>,
  action: ApprovalAction,
  ids: number[],
): Promise<Array<QueueRow & { warning: string | null }>> {
  const shown = await rowsInScope(db, ids, actor.accountIds);
  const rows = [];
  for (const row of shown) {
    const target = await findTarget(db, row.id, actor.accountIds);
    rows.push({ ...row, warning: target ? await refusalFor(db, action, target, actor) : 'notFound' });
  }
  return rows;
}

/**
 * Why an action cannot be done on an application as it stands, or null when it can. The same rules decide on the
 * confirmation page (as a warning) and when acting (inside the transaction).
 */
export async function refusalFor(db: Db, action: ApprovalAction, app: ActionTarget, actor: Pick<Actor, 'email'>): Promise<string | null> {
  // Separation of duties: never on one's own application, whatever the action and the status.
  if (isOwnApplication(actor, app)) return 'ownApplication';
  if (action === 'approve') {
    if (app.status === 'awaiting_additional_approval') return 'awaitingAdditionalApprover';
    if (app.status !== 'pending_approval') return 'alreadyProcessed';
    if (app.additionalApproverRequired && !(await additionalApproverApproved(db, app.id))) return 'awaitingAdditionalApprover';
    // Normal priority means a PIN chosen by the employee; without one (e.g. urgent changed to normal) it must go back.
    if (app.priority === 'normal' && !(await hasPin(db, app.id))) return 'pinRequired';
    // A request for information not closed yet (issue 14 part 3): the answer must be read and the request closed first.
    if (await hasOpenInformationRequest(db, app.id)) return 'informationRequestOpen';
    return null;
  }
  if (!QUEUE_STATUSES.includes(app.status)) return 'alreadyProcessed';
  if ((action === 'urgent' || action === 'normal') && app.priority === action) return action === 'urgent' ? 'alreadyUrgent' : 'alreadyNormal';
  return null;
}

function recipientOf(app: ActionTarget) {
  return { to: app.email, language: app.language as Language, applicationId: app.id };
}

function nameData(app: ActionTarget) {
  return { reference: app.reference, title: app.title ?? '', firstName: app.firstName ?? '', lastName: app.lastName ?? '' };
}

/** E-mail 4: returned for correction, with the administrator's comment. */
function returnedEmail(app: ActionTarget, historyId: number, comment: string): EmailToQueue {
  return { idempotencyKey: `returned:${app.id}:${historyId}`, template: 'returned', ...recipientOf(app), data: { ...nameData(app), comment } };
}

/** The cancellation notice, with the comment shown on the employee's status page too. */
function cancelledEmail(app: ActionTarget, historyId: number, comment: string): EmailToQueue {
  return { idempotencyKey: `cancelled:${app.id}:${historyId}`, template: 'cancelled', ...recipientOf(app), data: { ...nameData(app), comment } };
}

/** The reactivation notice: the application is back where it was, with the link and reference to resume it. */
function reactivatedEmail(app: ActionTarget, historyId: number): EmailToQueue {
  return { idempotencyKey: `reactivated:${app.id}:${historyId}`, template: 'reactivated', ...recipientOf(app), data: nameData(app) };
}

/** E-mail 6: approved, pointing to the terms as the employee accepted them. */
async function approvedEmail(trx: Knex.Transaction, app: ActionTarget, historyId: number, timeZone: string): Promise<EmailToQueue> {
  const terms = await acceptedCardholderTerms(trx, app.id);
  return {
    idempotencyKey: `approved:${app.id}:${historyId}`,
    template: 'approved',
    ...recipientOf(app),
    data: {
      ...nameData(app),
      termsVersion: terms?.version ?? '',
      termsAcceptedOn: terms ? formatDate(app.language as Language, terms.acceptedAt, timeZone) : '',
    },
  };
}

const SUCCESS: Record<ApprovalAction, string> = {
  approve: 'approved',
  return: 'returned',
  cancel: 'cancelled',
  urgent: 'priorityUrgent',
  normal: 'priorityNormal',
};
const AUDIT_ACTION: Record<ApprovalAction, string> = {
  approve: 'application.approve',
  return: 'application.return',
  cancel: 'application.cancel',
  urgent: 'application.priority_change',
  normal: 'application.priority_change',
};

/**
 * One action on one application, all or nothing: the conditional transition with its history row, the e-mail in the
 * outbox (idempotency key tied to that history row) and the audit entry commit together or not at all. A second
 * attempt (double submit, another administrator) finds the status changed and is refused: one approval, one e-mail.
 */
async function actOnApplication(
  db: Db,
  actor: Pick<Actor, 'id' | 'email' | 'accountIds' | 'delegations'>,
  action: ApprovalAction,
  applicationId: number,
  input: ConfirmInput,
  ctx: { now: Date; timeZone: string; audit: AuditContext; faults?: Faults },
): Promise<RunOutcome> {
  const { now } = ctx;
  let reference: string | null = null;
  try {
    return await db.transaction(async (trx): Promise<RunOutcome> => {
      const app = await findTarget(trx, applicationId, actor.accountIds);
      if (!app) return { id: applicationId, reference: null, ok: false, code: 'notFound' };
      reference = app.reference;
      const refusal = await refusalFor(trx, action, app, actor);
      if (refusal) return { id: app.id, reference: app.reference, ok: false, code: refusal };
      const adminActor = { type: 'admin' as const, id: actor.id };
      // Out of office: on a BC delegated by an absent administrator, every action is taken on their behalf.
      const delegation = onBehalfOf(actor, app.accountId);
      const behalf = delegation ? { onBehalfOf: delegation.absentId } : {};
      const comment = input.comment || null;
      let code = SUCCESS[action];
      // Returned or cancelled: the comment goes to the employee.
      const sendBack = (from: Status[], to: Status) =>
        transition(trx, { applicationId: app.id, from, to, actor: adminActor, comment, commentForEmployee: true, now, ...behalf });
      const emails: EmailToQueue[] = [];
      switch (action) {
        case 'approve': {
          await transition(trx, { applicationId: app.id, from: ['pending_approval'], to: 'approved', actor: adminActor, comment, now, ...behalf });
          emails.push(await approvedEmail(trx, app, await lastHistoryId(trx, app.id), ctx.timeZone));
          break;
        }
        case 'return': {
          await sendBack(QUEUE_STATUSES, 'returned');
          emails.push(returnedEmail(app, await lastHistoryId(trx, app.id), input.comment));
          break;
        }
        case 'cancel': {
          await sendBack(QUEUE_STATUSES, 'cancelled');
          emails.push(cancelledEmail(app, await lastHistoryId(trx, app.id), input.comment));
          break;
        }
        case 'urgent':
        case 'normal': {
          // The status stays; the history row records the change (event) and the version guards against a double change.
          await transition(trx, {
            applicationId: app.id,
            from: [app.status],
            to: app.status,
            actor: adminActor,
            comment: action === 'urgent' ? comment : null,
            now,
            extra: { priority: action },
            event: `priority_${action}`,
            ...behalf,
          });
          // Urgent: "the PIN chosen will not be used" — it is erased rather than kept unused.
          if (action === 'urgent') await erasePin(trx, app.id, now);
          if (action === 'normal' && input.returnToApplicant) {
            await sendBack([app.status], 'returned');
            emails.push(returnedEmail(app, await lastHistoryId(trx, app.id), input.comment));
            code = 'priorityNormalReturned';
          }
          break;
        }
      }
      await ctx.faults?.beforeActionEmails?.(app.id);
      await enqueueEmails(trx, emails, now);
      await recordApplicationAudit(trx, ctx.audit, {
        at: now,
        action: AUDIT_ACTION[action],
        applicationId: app.id,
        details: {
          from: app.status,
          ...(action === 'urgent' || action === 'normal'
            ? { priority: { from: app.priority, to: action }, urgentTermsAccepted: action === 'urgent' ? input.urgentTermsAccepted : undefined }
            : {}),
          ...(code === 'priorityNormalReturned' ? { returned: true } : {}),
          ...(delegation ? { onBehalfOf: delegation.absentId } : {}),
        },
      });
      return { id: app.id, reference: app.reference, ok: true, code };
    });
  } catch (err) {
    if (err instanceof StaleStateError) return { id: applicationId, reference, ok: false, code: 'alreadyProcessed' };
    throw err;
  }
}

/** A new confirmation: the selection (ids already limited to the actor's BCs) under a random one-time token. */
export async function createRun(
  db: Db,
  actor: Pick<Actor, 'id' | 'email' | 'accountIds' | 'delegations'>,
  input: { action: ApprovalAction; ids: number[]; unknownCount: number; capped: boolean; returnTo: string; now: Date },
): Promise<string> {
  const token = crypto.randomBytes(32).toString('hex');
  await insertRun(db, {
    token,
    administratorId: actor.id,
    action: input.action,
    applicationIds: input.ids,
    unknownCount: input.unknownCount,
    capped: input.capped,
    returnTo: input.returnTo,
    now: input.now,
  });
  return token;
}

/** "Select all matching the filter": the ids, in list order, at most SELECT_ALL_LIMIT. */
export async function selectAllMatching(db: Db, search: QueueSearch, sort: QueueSort, dir: SortDirection): Promise<{ ids: number[]; capped: boolean }> {
  const ids = await matchingIds(db, search, sort, dir, SELECT_ALL_LIMIT + 1);
  return { ids: ids.slice(0, SELECT_ALL_LIMIT), capped: ids.length > SELECT_ALL_LIMIT };
}

/**
 * Applications acted on per transaction in a run, on SQLite. Each one still succeeds or fails on its own (a savepoint
 * of its own inside the group's transaction); the group is synced to disk once: one by one, 5,000 returns took 12 s
 * of disk syncs on the benchmark database, 5 s in groups. SQLite has one writer at a time anyway. On PostgreSQL each
 * application keeps its own transaction: a group would hold its rows and the audit chain's lock until its end, and
 * an administrator acting meanwhile on one of those rows would deadlock with it.
 */
export const RUN_GROUP_SIZE = 50;

/**
 * Carries out a confirmed run once: its token is consumed by a conditional update first, so a replay (back button,
 * double click, second tab) processes nothing. Each application in its own savepoint, RUN_GROUP_SIZE of them per
 * transaction on SQLite; returns the outcomes, or null when the run had already been used.
 */
export async function executeRun(
  db: Db,
  actor: Pick<Actor, 'id' | 'email' | 'accountIds' | 'delegations'>,
  run: ApprovalRun,
  input: ConfirmInput,
  ctx: { now: Date; timeZone: string; audit: AuditContext; faults?: Faults },
): Promise<RunOutcome[] | null> {
  if (!(await consumeRun(db, run.id, ctx.now))) return null;
  const action = run.action as ApprovalAction;
  const results: RunOutcome[] = [];
  const groupSize = isSqlite(db) ? RUN_GROUP_SIZE : 1;
  for (let start = 0; start < run.applicationIds.length; start += groupSize) {
    const group = run.applicationIds.slice(start, start + groupSize);
    const outcomes = await db.transaction(async (trx) => {
      const done: RunOutcome[] = [];
      for (const id of group) done.push(await actOnApplication(trx, actor, action, id, input, ctx));
      return done;
    });
    results.push(...outcomes);
  }
  await saveRunResults(db, run.id, results);
  return results;
}

// ---- Reactivation -----------------------------------------------------------------------------------------------

/**
 * Refused past the 90 days after initiation: not a permissions problem, so the page says why and what to do instead
 * (a new application on the same key).
 */
export class ReactivationTooLate extends ConflictError {
  constructor(readonly application: { id: number; reference: string; createdAt: string; accessKeyId: number }) {
    super('applications:reactivate.errors.tooLate');
  }
}

/**
 * Reactivates a cancelled application: back to the status it had before the cancellation, while less than 90 days
 * have passed since its initiation (else ReactivationTooLate). Conditional like every transition; audited; the
 * employee's e-mail (in their correspondence language) queued in the same transaction.
 */
export async function reactivate(
  db: Db,
  actor: Pick<Actor, 'id' | 'email' | 'accountIds' | 'delegations'>,
  applicationId: number,
  ctx: { now: Date; audit: AuditContext; faults?: Faults },
): Promise<Status> {
  return db.transaction(async (trx) => {
    const app = await findTarget(trx, applicationId, actor.accountIds);
    if (!app) throw new NotFoundError('application');
    if (app.status !== 'cancelled') throw new ConflictError('applications:reactivate.errors.notCancelled');
    if (!canReactivate(app, ctx.now))
      throw new ReactivationTooLate({ id: app.id, reference: app.reference, createdAt: app.createdAt, accessKeyId: app.accessKeyId });
    const previous = await statusBeforeCancellation(trx, app.id);
    if (!previous || previous === 'cancelled') throw new ConflictError('applications:reactivate.errors.notCancelled');
    try {
      await transition(trx, {
        applicationId: app.id,
        from: ['cancelled'],
        to: previous,
        actor: { type: 'admin', id: actor.id },
        now: ctx.now,
        event: 'reactivated',
      });
    } catch (err) {
      if (err instanceof StaleStateError) throw new ConflictError('applications:reactivate.errors.notCancelled');
      throw err;
    }
    await ctx.faults?.beforeActionEmails?.(app.id);
    await enqueueEmails(trx, [reactivatedEmail(app, await lastHistoryId(trx, app.id))], ctx.now);
    await recordApplicationAudit(trx, ctx.audit, {
      at: ctx.now,
      action: 'application.reactivate',
      applicationId: app.id,
      details: { to: previous },
    });
    return previous;
  });
}
