import type { Knex } from 'knex';
import type { SortDirection } from '../../lib/list-query';
import type { Priority } from '../../core/application/create';
import { QUEUE_STATUSES, type Status } from '../../core/application/status';
import { countsByKeyAndStatus, countsByStatusAndPriority } from '../../core/application/counts-repository';
import { HotRead, whereIdIn, type Db } from '../../platform/db';
import { applicationListQuery, readApplicationList, type ApplicationListRow } from '../../core/application/repository';
import { orderApplications, URGENT_FIRST, whereApplicationText, whereCreatedBetween, type SortTerm } from '../../core/application/search';
import type { KeysetSort, QueueFilters, Stage } from './schema';

/** The status each part of the queue shows. */
const STAGE_STATUS: Record<Stage, Status> = {
  ready: 'pending_approval',
  additional: 'awaiting_additional_approval',
};
/** Statuses an application of the queue may be in: what return, cancel and the priority changes start from. */

export const QUEUE_SORTS = ['reference', 'name', 'company', 'accountNumber', 'keyName', 'priority', 'createdAt', 'cardType', 'plasticType'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** A row of the queue: the application as every list shows it. */
export type QueueRow = ApplicationListRow;

export interface QueueTotals {
  all: number;
  urgent: number;
  normal: number;
  /** Signed applications still waiting for the additional approver (the other part of the queue). */
  awaitingAdditional: number;
}

export interface QueueSearch {
  accountIds: number[];
  filters: QueueFilters;
  /** Initiation-date bounds already converted to instants: created_at >= fromIso and < toIsoExclusive. */
  fromIso?: string;
  toIsoExclusive?: string;
  q: string;
  /**
   * With the overdue filter: for a deadline of n business days, `overdueCutoffs[n - 1]` is the instant before which an
   * application must have become pending to be overdue (core/application/approval-deadline `overdueBefore`).
   */
  overdueCutoffs?: string[];
}

/** Sort expressions: whitelisted keys only (the id breaks ties). */
const SORT_TERMS: Record<QueueSort, SortTerm[]> = {
  reference: ['ap.reference'],
  name: ['ap.last_name', 'ap.first_name'],
  company: ['a.company_name'],
  accountNumber: ['a.number'],
  keyName: ['k.name'],
  priority: [URGENT_FIRST],
  cardType: ['a.card_product'],
  plasticType: ['k.plastic_type'],
  createdAt: ['ap.created_at'],
};

function applySort(qb: Knex.QueryBuilder, sort: QueueSort, dir: SortDirection): Knex.QueryBuilder {
  return orderApplications(qb, SORT_TERMS[sort], dir);
}

const NEEDS_ACCOUNT: QueueSort[] = ['company', 'accountNumber', 'cardType'];
const NEEDS_KEY: QueueSort[] = ['keyName', 'plasticType'];

/** The applications matching the queue's filters, within the actor's BCs (the WHERE of every queue query). */
function matching(db: Db, s: QueueSearch, bcFromIndex = true): Knex.QueryBuilder {
  const qb = db('application as ap').where('ap.status', STAGE_STATUS[s.filters.stage]);
  // `+ap.account_id` (the same value) keeps the BC list out of the index choice: see queuePage.
  whereIdIn(qb, 'ap.account_id', s.accountIds, { notFromIndex: !bcFromIndex });
  if (s.filters.keyId) qb.where('ap.access_key_id', s.filters.keyId);
  if (s.filters.priority) qb.where('ap.priority', s.filters.priority);
  whereCreatedBetween(qb, s.fromIso, s.toIsoExclusive);
  whereApplicationText(qb, s.q);
  if (s.filters.overdue && s.overdueCutoffs) whereOverdue(qb, s.overdueCutoffs);
  return qb;
}

/** Pending since before its key's cut-off: `COALESCE(submitted_at, status_changed_at) < CASE deadline WHEN 1 THEN … END`. */
function whereOverdue(qb: Knex.QueryBuilder, cutoffs: string[]): Knex.QueryBuilder {
  const cases = cutoffs.map((_c, i) => `WHEN ${i + 1} THEN ?`).join(' ');
  return qb.whereRaw(
    `COALESCE(ap.submitted_at, ap.status_changed_at) < (SELECT CASE dk.approval_deadline_days ${cases} END FROM access_key dk WHERE dk.id = ap.access_key_id)`,
    cutoffs,
  );
}

function hasFilters(s: QueueSearch): boolean {
  return Boolean(s.filters.keyId || s.filters.priority || s.fromIso || s.toIsoExclusive || s.q || s.filters.overdue);
}

/**
 * The header totals of both parts of the queue: all ready, urgent ready (normal = the difference), waiting for the
 * additional approver; read from the pre-counted table (applications/counts.ts) with its status index alone.
 */
export async function queueTotals(db: Db, accountIds: number[]): Promise<QueueTotals> {
  const totals: QueueTotals = { all: 0, urgent: 0, normal: 0, awaitingAdditional: 0 };
  for (const c of await countsByStatusAndPriority(db, accountIds, QUEUE_STATUSES)) {
    if (c.status === 'awaiting_additional_approval') {
      totals.awaitingAdditional += c.n;
    } else if (c.status === 'pending_approval') {
      totals.all += c.n;
      if (c.priority === 'urgent') totals.urgent += c.n;
      else totals.normal += c.n;
    }
  }
  return totals;
}

/** How many applications match the filters (the pagination's total). */
export async function countMatching(db: Db, s: QueueSearch, totals: QueueTotals): Promise<number> {
  if (!s.accountIds.length) return 0;
  if (!hasFilters(s)) return s.filters.stage === 'ready' ? totals.all : totals.awaitingAdditional;
  if (!s.fromIso && !s.toIsoExclusive && !s.q && !s.filters.overdue) {
    // Only a key and / or a priority: the pre-counted applications per key (kept in memory under the BCs' version).
    const status = STAGE_STATUS[s.filters.stage];
    let n = 0;
    for (const c of await countsByKeyAndStatus(db, s.accountIds)) {
      if (c.status !== status || (s.filters.keyId && c.keyId !== s.filters.keyId)) continue;
      n += s.filters.priority === 'urgent' ? c.urgent : s.filters.priority === 'normal' ? c.n - c.urgent : c.n;
    }
    return n;
  }
  const [row] = await matching(db, s).count<{ n: number | string }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

function idsInOrder(db: Db, s: QueueSearch, sort: QueueSort, dir: SortDirection, bcFromIndex = true): Knex.QueryBuilder {
  const qb = matching(db, s, bcFromIndex).select('ap.id');
  if (NEEDS_ACCOUNT.includes(sort)) qb.join('account as a', 'a.id', 'ap.account_id');
  if (NEEDS_KEY.includes(sort)) qb.join('access_key as k', 'k.id', 'ap.access_key_id');
  return applySort(qb, sort, dir);
}

/** Where a page read with a seek starts: strictly after (`after`) or before (`before`) this key and id, in list order. */
export interface QueueSeek {
  side: 'after' | 'before';
  value: string | number;
  id: number;
}

/** The sort key of a row for a keyset sort, as `(key, ap.id)` compares it (SORT_TERMS: one NOT NULL term each). */
export function seekValue(row: QueueRow, sort: KeysetSort): string | number {
  if (sort === 'createdAt') return row.createdAt;
  if (sort === 'reference') return row.reference;
  return row.priority === 'urgent' ? 0 : 1;
}

/**
 * Only the rows past the seek's position in the reading order `readDir`: `(key, ap.id) > (?, ?)` ascending, `<`
 * descending (a row value comparison, SQLite and PostgreSQL alike). The redundant `key >= ?` (or `<=`) gives the
 * planner a range on the key alone, which the (status, created_at, account_id) index serves: a row value is used as
 * an index range only when its columns follow each other in the index, and the id does not follow created_at there.
 */
function whereSeek(qb: Knex.QueryBuilder, sort: KeysetSort, readDir: SortDirection, seek: QueueSeek): Knex.QueryBuilder {
  const term = SORT_TERMS[sort][0] as SortTerm;
  const key = typeof term === 'string' ? '??' : term.raw;
  const keyBinding = typeof term === 'string' ? [term] : [];
  const op = readDir === 'asc' ? '>' : '<';
  return qb.whereRaw(`${key} ${op}= ? and (${key}, ap.id) ${op} (?, ?)`, [...keyBinding, seek.value, ...keyBinding, seek.value, seek.id]);
}

/** How many applications are in a status, in every BC (the queue's choice of plan, on each page: a hot read). */
const inStatusEverywhere = new HotRead<{ n: number | string | null }>('select sum(n) as n from application_count where status = ?');

/**
 * One page of the queue. Deferred join: the page's ids are chosen on the application table alone (index on status,
 * BC and date), and only those rows are joined to their BC and key.
 * - With a seek (the Next / Previous links of a keyset sort): the rows just past the cursor, `offset` more skipped
 *   (the numbered links near the current page), never the rows before it: a page deep in the queue costs what the
 *   first one costs.
 * - Otherwise by number (OFFSET): a page in the second half is read from the end, so a page costs at most the
 *   entries of half the queue (the last page costs what the first one costs).
 */
export async function queuePage(
  db: Db,
  s: QueueSearch,
  sort: QueueSort,
  dir: SortDirection,
  limit: number,
  offset: number,
  /** How many match, when known: a page in the second half is then chosen from the end (fewer entries to skip). */
  total?: number,
  seek?: QueueSeek & { sort: KeysetSort },
): Promise<QueueRow[]> {
  if (!s.accountIds.length) return [];
  const reverse = (d: SortDirection): SortDirection => (d === 'desc' ? 'asc' : 'desc');
  let pageDir = dir;
  let size = limit;
  let skip = offset;
  if (seek) {
    // Previous: the rows before the cursor, read backwards from it (the same order reversed is exact: id breaks ties).
    if (seek.side === 'before') pageDir = reverse(dir);
  } else if (total !== undefined && offset > total / 2 && offset < total) {
    // The same rows, counted from the other end: the order is total (id breaks ties), so reversing it is exact.
    pageDir = reverse(dir);
    size = Math.min(limit, total - offset);
    skip = total - offset - size;
  }
  // In date order without filters, two plans: the BCs' entries of the (status, BC, date) index, all sorted; or the
  // (status, date, BC) index walked in date order (from the cursor, with a seek), skipping other BCs' entries. The
  // second reads about (skip + size) × (all in the status / the actor's) entries: cheaper while that stays under the
  // actor's total.
  let bcFromIndex = true;
  if (total !== undefined && sort === 'createdAt' && !hasFilters(s)) {
    const [row] = await inStatusEverywhere.rows(db, [STAGE_STATUS[s.filters.stage]]);
    const everywhere = Number(row?.n ?? 0);
    bcFromIndex = ((skip + size) * everywhere) / Math.max(total, 1) >= total;
  }
  const ids = idsInOrder(db, s, sort, pageDir, bcFromIndex);
  if (seek) whereSeek(ids, seek.sort, pageDir, seek);
  const page = ids.limit(size);
  if (skip) page.offset(skip);
  return readApplicationList(applySort(applicationListQuery(db).whereIn('ap.id', page), sort, dir));
}

/** "Select all": every application matching the filters, in list order, up to `limit` (+1 to know it was capped). */
export async function matchingIds(db: Db, s: QueueSearch, sort: QueueSort, dir: SortDirection, limit: number): Promise<number[]> {
  if (!s.accountIds.length) return [];
  const rows: Array<{ id: number }> = await idsInOrder(db, s, sort, dir).limit(limit);
  return rows.map((r) => Number(r.id));
}

/** The applications among `ids` that are in the actor's BCs (any status), for the confirmation page. */
export async function rowsInScope(db: Db, ids: number[], accountIds: number[]): Promise<QueueRow[]> {
  if (!ids.length || !accountIds.length) return [];
  const out: QueueRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    out.push(
      ...(await readApplicationList(
        applicationListQuery(db)
          .whereIn('ap.id', ids.slice(i, i + 500))
          .whereIn('ap.account_id', accountIds),
      )),
    );
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** The actor's access keys (for the key filter), deleted ones included: their applications may still wait. */
export async function keysInScope(db: Db, accountIds: number[]): Promise<Array<{ id: number; name: string; number: string; companyName: string }>> {
  if (!accountIds.length) return [];
  const rows: Array<{ id: number; name: string; number: string; company_name: string }> = await whereIdIn(
    db('access_key as k').join('account as a', 'a.id', 'k.account_id'),
    'k.account_id',
    accountIds,
  )
    .orderBy([{ column: 'k.name' }, { column: 'k.id' }])
    .select('k.id', 'k.name', 'k.number', 'a.company_name');
  return rows.map((r) => ({ id: Number(r.id), name: r.name, number: r.number, companyName: r.company_name }));
}

// ---- What each action needs to know about one application ------------------------------------------------------

export interface ActionTarget {
  id: number;
  reference: string;
  status: Status;
  priority: Priority;
  createdAt: string;
  email: string;
  language: 'fr' | 'en';
  title: string | null;
  firstName: string | null;
  lastName: string | null;
  additionalApproverRequired: boolean;
  /** Its access key (a new application on it, when a cancelled one can no longer be reactivated). */
  accessKeyId: number;
  /** Its BC (an action on a delegated BC is taken on behalf of the absent administrator). */
  accountId: number;
}

/** One application of the actor's BCs, with its key's additional-approver rule; undefined when not in scope. */
export async function findTarget(db: Db, id: number, accountIds: number[]): Promise<ActionTarget | undefined> {
  if (!accountIds.length) return undefined;
  const r = await db('application as ap')
    .join('access_key as k', 'k.id', 'ap.access_key_id')
    .where('ap.id', id)
    .whereIn('ap.account_id', accountIds)
    .first(
      'ap.id',
      'ap.reference',
      'ap.status',
      'ap.priority',
      'ap.created_at',
      'ap.email',
      'ap.language',
      'ap.title',
      'ap.first_name',
      'ap.last_name',
      'k.additional_approver_required',
      'ap.access_key_id',
      'ap.account_id',
    );
  if (!r) return undefined;
  return {
    id: Number(r.id),
    reference: r.reference,
    status: r.status,
    priority: r.priority,
    createdAt: r.created_at,
    email: r.email,
    language: r.language,
    title: r.title,
    firstName: r.first_name,
    lastName: r.last_name,
    additionalApproverRequired: Boolean(r.additional_approver_required),
    accessKeyId: Number(r.access_key_id),
    accountId: Number(r.account_id),
  };
}

/** The cardholder terms the employee accepted last (for e-mail 6), if any. */
export async function acceptedCardholderTerms(db: Db, applicationId: number): Promise<{ version: string; acceptedAt: string } | undefined> {
  const row = await db('terms_acceptance').where({ application_id: applicationId, kind: 'cardholder' }).orderBy('id', 'desc').first('version', 'accepted_at');
  return row ? { version: String(row.version), acceptedAt: String(row.accepted_at) } : undefined;
}

/** The id of the newest history row of an application (the one a transition just wrote, inside its transaction). */
export async function lastHistoryId(trx: Db, applicationId: number): Promise<number> {
  const row = await trx('application_status_history').where({ application_id: applicationId }).orderBy('id', 'desc').first('id');
  return Number(row?.id);
}

/** The status an application had before it was cancelled (the newest history row into `cancelled`). */
export async function statusBeforeCancellation(db: Db, applicationId: number): Promise<Status | undefined> {
  const row = await db('application_status_history')
    .where({ application_id: applicationId, to_status: 'cancelled' })
    .orderBy('id', 'desc')
    .first('from_status');
  return (row?.from_status as Status | null | undefined) ?? undefined;
}

// ---- Confirmation runs ---------------------------------------------------------------------------------------------

export interface RunOutcome {
  id: number;
  /** Known only for applications in the actor's BCs; never shown for the others. */
  reference: string | null;
  ok: boolean;
  /** Translation key suffix: approvals:outcomes.<code>. */
  code: string;
}

export interface ApprovalRun {
  id: number;
  token: string;
  administratorId: number;
  action: string;
  applicationIds: number[];
  unknownCount: number;
  capped: boolean;
  returnTo: string;
  createdAt: string;
  consumedAt: string | null;
  results: RunOutcome[] | null;
}

function toRun(r: Record<string, unknown>): ApprovalRun {
  return {
    id: Number(r.id),
    token: String(r.token),
    administratorId: Number(r.administrator_id),
    action: String(r.action),
    applicationIds: JSON.parse(String(r.application_ids)) as number[],
    unknownCount: Number(r.unknown_count),
    capped: Boolean(r.capped),
    returnTo: String(r.return_to),
    createdAt: String(r.created_at),
    consumedAt: (r.consumed_at as string | null) ?? null,
    results: r.results ? (JSON.parse(String(r.results)) as RunOutcome[]) : null,
  };
}

export async function insertRun(
  db: Db,
  run: { token: string; administratorId: number; action: string; applicationIds: number[]; unknownCount: number; capped: boolean; returnTo: string; now: Date },
): Promise<void> {
  await db('approval_run').insert({
    token: run.token,
    administrator_id: run.administratorId,
    action: run.action,
    application_ids: JSON.stringify(run.applicationIds),
    unknown_count: run.unknownCount,
    capped: run.capped,
    return_to: run.returnTo,
    created_at: run.now.toISOString(),
  });
}

/** A run of this administrator (another administrator's token is simply not found). */
export async function findRun(db: Db, token: string, administratorId: number): Promise<ApprovalRun | undefined> {
  if (!/^[0-9a-f]{64}$/.test(token)) return undefined;
  const row = await db('approval_run').where({ token, administrator_id: administratorId }).first();
  return row ? toRun(row) : undefined;
}

/** Consumes the run's one-time token: true for the one request that got it, false for any replay. */
export async function consumeRun(db: Db, runId: number, now: Date): Promise<boolean> {
  const n = await db('approval_run').where({ id: runId }).whereNull('consumed_at').update({ consumed_at: now.toISOString() });
  return n === 1;
}

export async function saveRunResults(db: Db, runId: number, results: RunOutcome[]): Promise<void> {
  await db('approval_run')
    .where({ id: runId })
    .update({ results: JSON.stringify(results) });
}
