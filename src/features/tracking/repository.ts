import type { Knex } from 'knex';
import { whereIdIn, type Db } from '../../platform/db';
import type { SortDirection } from '../../lib/list-query';
import { STATUSES } from '../../core/application/status';
import { applicationListQuery, readApplicationList, type ApplicationListRow } from '../../core/application/repository';
import type { TrackingFilters } from './schema';
import { orderApplications, URGENT_FIRST, whereApplicationText, whereCreatedBetween, type SortTerm } from '../../core/application/search';

/** Tracking queries: every one takes the actor's BC ids and filters on them (`application.account_id` is denormalised). */

export interface SummaryKey {
  id: number;
  name: string;
  number: string;
  deletedAt: string | null;
  accountId: number;
  accountNumber: string;
  companyName: string;
}

/** Every key of the BCs (deleted ones too: the caller keeps those that have applications). */
export async function keysOfAccounts(db: Db, accountIds: number[]): Promise<SummaryKey[]> {
  if (!accountIds.length) return [];
  const rows: Array<{ id: number; name: string; number: string; deleted_at: string | null; account_id: number; account_number: string; company_name: string }> =
    await db('access_key as k')
      .join('account as a', 'a.id', 'k.account_id')
      .modify((qb) => whereIdIn(qb, 'k.account_id', accountIds))
      .orderBy([
        { column: 'a.company_name', order: 'asc' },
        { column: 'a.number', order: 'asc' },
        { column: 'k.name', order: 'asc' },
        { column: 'k.id', order: 'asc' },
      ])
      .select('k.id', 'k.name', 'k.number', 'k.deleted_at', 'k.account_id', 'a.number as account_number', 'a.company_name');
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    number: r.number,
    deletedAt: r.deleted_at,
    accountId: Number(r.account_id),
    accountNumber: r.account_number,
    companyName: r.company_name,
  }));
}

/** The batch named in a filter, if it is one of the BCs' (id, file name and date, to say what the list shows). */
export async function batchInScope(db: Db, batchId: number, accountIds: number[]): Promise<{ id: number; fileName: string; createdAt: string } | undefined> {
  if (!accountIds.length) return undefined;
  const row: { id: number; file_name: string; created_at: string } | undefined = await db('bulk_batch')
    .where({ id: batchId })
    .whereIn('account_id', accountIds)
    .first('id', 'file_name', 'created_at');
  return row ? { id: Number(row.id), fileName: row.file_name, createdAt: row.created_at } : undefined;
}

export const TRACKING_SORTS = ['reference', 'name', 'key', 'status', 'priority', 'createdAt', 'statusChangedAt'] as const;
export type TrackingSort = (typeof TRACKING_SORTS)[number];

/** A row of the list and of its export: the application as every list shows it. */
export type TrackingRow = ApplicationListRow;

/** The filters within the BCs on a query over `application as ap`: the WHERE of every list query. */
function applyFilters(qb: Knex.QueryBuilder, accountIds: number[], f: TrackingFilters): Knex.QueryBuilder {
  qb.whereIn('ap.account_id', accountIds);
  if (f.keyId) qb.where('ap.access_key_id', f.keyId);
  if (f.batchId) qb.where('ap.batch_id', f.batchId);
  if (f.statuses.length) qb.whereIn('ap.status', f.statuses);
  if (f.priority) qb.where('ap.priority', f.priority);
  if (f.origin) qb.where('ap.origin', f.origin);
  whereCreatedBetween(qb, f.fromIso, f.toIsoExclusive);
  whereApplicationText(qb, f.q);
  return qb;
}

function matching(db: Db, accountIds: number[], f: TrackingFilters): Knex.QueryBuilder {
  return applyFilters(db('application as ap'), accountIds, f);
}

/** Status order as in the application's life (STATUSES), not alphabetical. */
const STATUS_ORDER_SQL = `CASE ap.status ${STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${STATUSES.length} END`;

/** Whitelisted sorts (the id breaks ties). */
const SORT_TERMS: Record<TrackingSort, SortTerm[]> = {
  reference: ['ap.reference'],
  name: ['ap.last_name', 'ap.first_name'],
  key: ['k.name', 'k.number'],
  status: [{ raw: STATUS_ORDER_SQL }],
  priority: [URGENT_FIRST],
  createdAt: ['ap.created_at'],
  statusChangedAt: ['ap.status_changed_at'],
};

function applySort(qb: Knex.QueryBuilder, sort: TrackingSort, dir: SortDirection): Knex.QueryBuilder {
  return orderApplications(qb, SORT_TERMS[sort], dir);
}

export async function countMatching(db: Db, accountIds: number[], f: TrackingFilters): Promise<number> {
  if (!accountIds.length) return 0;
  const [row] = await matching(db, accountIds, f).count<{ n: number | string }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

/**
 * One page of the list. Deferred join: the page's ids are chosen on the application table alone (joined to the key
 * only when sorting by it), then only those rows are read with their details.
 */
export async function listPage(
  db: Db,
  accountIds: number[],
  f: TrackingFilters,
  page: { sort: TrackingSort; dir: SortDirection; limit: number; offset: number },
): Promise<TrackingRow[]> {
  if (!accountIds.length) return [];
  const ids = matching(db, accountIds, f).select('ap.id');
  if (page.sort === 'key') ids.join('access_key as k', 'k.id', 'ap.access_key_id');
  applySort(ids, page.sort, page.dir).limit(page.limit).offset(page.offset);
  return readApplicationList(applySort(applicationListQuery(db).whereIn('ap.id', ids), page.sort, page.dir));
}

/** The ids of every matching row in list order (at most `limit`): chosen on the application table alone, as a page's. */
export async function matchingIdsInOrder(
  db: Db,
  accountIds: number[],
  f: TrackingFilters,
  sort: TrackingSort,
  dir: SortDirection,
  limit: number,
): Promise<number[]> {
  if (!accountIds.length) return [];
  const ids = matching(db, accountIds, f).select('ap.id');
  if (sort === 'key') ids.join('access_key as k', 'k.id', 'ap.access_key_id');
  const rows = (await applySort(ids, sort, dir).limit(limit)) as Array<{ id: number | string }>;
  return rows.map((r) => Number(r.id));
}

/** These applications with their details, in the order of `ids`; any not in the actor's BCs is left out. */
export async function rowsByIds(db: Db, accountIds: number[], ids: number[]): Promise<TrackingRow[]> {
  if (!accountIds.length || !ids.length) return [];
  const rows = await readApplicationList(whereIdIn(whereIdIn(applicationListQuery(db), 'ap.id', ids), 'ap.account_id', accountIds, { notFromIndex: true }));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
