import { HotRead, idListParam, isSqlite, whereIdIn, type Db } from '../../platform/db';
import { readCountsVersion } from '../data-version/repository';
import { cachePerDb } from '../data-version/versioned-cache';
import type { Priority } from './create';
import type { Status } from './status';

/**
 * The counts of a set of BCs, kept per process under the BCs' count version (readCountsVersion): a key is
 * `<what>\n<JSON array of BC ids>`.
 */
function countsCache<V>() {
  return cachePerDb<V>((db, key) => readCountsVersion(db, key.slice(key.indexOf('\n') + 1)));
}
const keyOf = (what: string, accountIds: number[]) => `${what}\n${idListParam(accountIds)}`;
const inStatusCache = countsCache<number>();
const byStatusAndPriorityCache = countsCache<Array<{ status: Status; priority: Priority; n: number }>>();
const byKeyAndStatusCache = countsCache<Array<{ keyId: number; status: Status; n: number; urgent: number }>>();

/**
 * Reads of `application_count`: applications pre-counted per BC, key, status and priority, kept by triggers on
 * `application` (migrations/20261127_150_application_counts.ts). Use these for counts over an administrator's BCs
 * (tabs, totals, summaries) instead of counting `application` rows: a few hundred rows read instead of one per
 * application. Counts with other filters (dates, text, origin) still count `application` itself.
 */

/** How many applications of the BCs are in one status, whatever the priority: the tab count of every page. */
const inStatus = new HotRead<{ n: number | string | null }>((ids) => `select sum(n) as n from application_count where status = ? and account_id in (${ids})`);

/** How many applications of the BCs are in this status (optionally of this priority). */
export async function countInStatus(db: Db, accountIds: number[], status: Status, priority?: Priority): Promise<number> {
  if (!accountIds.length) return 0;
  if (!priority) {
    return inStatusCache(db).get(keyOf(status, accountIds), async () => {
      const [row] = await inStatus.rows(db, [status, idListParam(accountIds)]);
      return Number(row?.n ?? 0);
    });
  }
  const qb = whereIdIn(db('application_count').where({ status, priority }), 'account_id', accountIds);
  const [row] = await qb.sum<{ n: number | string | null }[]>({ n: 'n' });
  return Number(row?.n ?? 0);
}

/** Totals per status and priority within the BCs, for some statuses (reads the status index alone). */
export async function countsByStatusAndPriority(
  db: Db,
  accountIds: number[],
  statuses: Status[],
): Promise<Array<{ status: Status; priority: Priority; n: number }>> {
  if (!accountIds.length || !statuses.length) return [];
  return byStatusAndPriorityCache(db).get(keyOf(statuses.join(','), accountIds), () => readCountsByStatusAndPriority(db, accountIds, statuses));
}

async function readCountsByStatusAndPriority(
  db: Db,
  accountIds: number[],
  statuses: Status[],
): Promise<Array<{ status: Status; priority: Priority; n: number }>> {
  const rows: Array<{ status: Status; priority: Priority; n: number | string | null }> = await whereIdIn(
    db('application_count').whereIn('status', statuses),
    'account_id',
    accountIds,
  )
    .groupBy('status', 'priority')
    .select('status', 'priority')
    .sum({ n: 'n' });
  return rows.map((r) => ({ status: r.status, priority: r.priority, n: Number(r.n ?? 0) }));
}

/**
 * Per key and status within the BCs: how many, and how many of them urgent (one entry per key and status in use).
 * The database packs each key's counts into one text ("status:priority:n,…") so a summary of 50 keys reads 50 rows
 * instead of 1,200: turning each row and value into JavaScript costs far more than the grouping itself.
 */
export async function countsByKeyAndStatus(db: Db, accountIds: number[]): Promise<Array<{ keyId: number; status: Status; n: number; urgent: number }>> {
  if (!accountIds.length) return [];
  return byKeyAndStatusCache(db).get(keyOf('keys', accountIds), () => readCountsByKeyAndStatus(db, accountIds));
}

async function readCountsByKeyAndStatus(db: Db, accountIds: number[]): Promise<Array<{ keyId: number; status: Status; n: number; urgent: number }>> {
  const item = "status || ':' || priority || ':' || n";
  const packed = isSqlite(db) ? `group_concat(${item}, ',')` : `string_agg(${item}, ',')`;
  const rows: Array<{ access_key_id: number | string; counts: string }> = await whereIdIn(db('application_count'), 'account_id', accountIds)
    .where('n', '>', 0)
    // account_id first: a key belongs to one BC, so the groups are the same, and they follow the index order (no sort).
    .groupBy('account_id', 'access_key_id')
    .select('access_key_id', db.raw(`${packed} as counts`));
  const out: Array<{ keyId: number; status: Status; n: number; urgent: number }> = [];
  for (const row of rows) {
    const keyId = Number(row.access_key_id);
    const byStatus: Record<string, { keyId: number; status: Status; n: number; urgent: number }> = {};
    // One pass over "status:priority:n,…" (no intermediate arrays: a summary parses a thousand of these).
    const text = row.counts;
    let at = 0;
    while (at < text.length) {
      const colon1 = text.indexOf(':', at);
      const colon2 = text.indexOf(':', colon1 + 1);
      let end = text.indexOf(',', colon2 + 1);
      if (end < 0) end = text.length;
      const status = text.slice(at, colon1) as Status;
      const n = Number(text.slice(colon2 + 1, end));
      let c = byStatus[status];
      if (!c) {
        c = byStatus[status] = { keyId, status, n: 0, urgent: 0 };
        out.push(c);
      }
      c.n += n;
      if (text.startsWith('urgent', colon1 + 1)) c.urgent += n;
      at = end + 1;
    }
  }
  return out;
}
