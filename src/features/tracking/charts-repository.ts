import { whereIdIn, type Db } from '../../platform/db';
import { SIGNED_FROM, SIGNED_TO, type ChartEvent } from './charts';

/** The charts' queries: the status history of a time range, and the stored counts of finished stretches of time. */

const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * When the step a history row ends began: the invitation for a signature, the application's last signature before
 * an approval, its last approval before a delivery (both read through the history's (application_id, at) index).
 */
const STEP_START_SQL = `CASE
  WHEN h.to_status IN (${inList(SIGNED_TO)}) AND h.from_status IN (${inList(SIGNED_FROM)}) THEN ap.created_at
  WHEN h.to_status = 'approved' THEN (SELECT max(s.at) FROM application_status_history s
    WHERE s.application_id = h.application_id AND s.at <= h.at AND s.to_status IN (${inList(SIGNED_TO)}) AND s.from_status IN (${inList(SIGNED_FROM)}))
  WHEN h.to_status = 'card_delivered' THEN (SELECT max(s.at) FROM application_status_history s
    WHERE s.application_id = h.application_id AND s.at <= h.at AND s.to_status = 'approved')
END`;

/** Whose applications: every BC's (undefined), the BCs given, and within them one key. */
export interface EventScope {
  accountIds?: readonly number[];
  keyId?: number;
}

/** The status changes with fromIso <= at < toIso (rows that keep the status left out), with each one's key. */
export async function chartEvents(db: Db, range: { fromIso: string; toIso: string }, scope: EventScope = {}): Promise<ChartEvent[]> {
  if (range.fromIso >= range.toIso || scope.accountIds?.length === 0) return [];
  const qb = db('application_status_history as h')
    .join('application as ap', 'ap.id', 'h.application_id')
    .where('h.at', '>=', range.fromIso)
    .where('h.at', '<', range.toIso)
    .where((w) => w.whereNull('h.from_status').orWhereRaw('h.from_status <> h.to_status'))
    .select('ap.access_key_id as k', 'h.from_status as f', 'h.to_status as s', 'h.at as at', db.raw(`${STEP_START_SQL} AS st`));
  // The BC list filters rows found by time; it must not lead the planner away from the history's time index.
  if (scope.accountIds) whereIdIn(qb, 'ap.account_id', scope.accountIds, { notFromIndex: true });
  if (scope.keyId !== undefined) qb.where('ap.access_key_id', scope.keyId);
  const rows = (await qb) as Array<{ k: number | string; f: string | null; s: string; at: string; st: string | null }>;
  return rows.map((r) => ({ keyId: Number(r.k), from: r.f, to: r.s, at: r.at, start: r.st }));
}

export interface StoredPeriodRow {
  start: string;
  end: string;
  keyId: number;
  stats: string;
}

/** Stored counts of the stretches that start at these instants, for these keys (0: every key together). */
export async function storedPeriods(db: Db, startIsos: readonly string[], keyIds: readonly number[]): Promise<StoredPeriodRow[]> {
  if (!keyIds.length || !startIsos.length) return [];
  const rows: Array<{ period_start: string; period_end: string; access_key_id: number | string; stats: string }> = await db('tracking_chart_period')
    .whereIn('period_start', [...new Set(startIsos)])
    .modify((qb) => whereIdIn(qb, 'access_key_id', keyIds))
    .select('period_start', 'period_end', 'access_key_id', 'stats');
  return rows.map((r) => ({ start: r.period_start, end: r.period_end, keyId: Number(r.access_key_id), stats: r.stats }));
}

/**
 * Stores a stretch's counts (one row per key that had a status change in it, and always the row of key 0), in one
 * transaction; another process that stored it meanwhile wins (same numbers). The rows of shorter stretches inside it
 * (the day so far, the week so far) and of stretches over before `forgetBeforeIso` are deleted.
 */
export async function storePeriod(
  db: Db,
  period: { fromIso: string; toIso: string },
  rows: ReadonlyArray<{ keyId: number; stats: string }>,
  opts: { nowIso: string; forgetBeforeIso: string },
): Promise<void> {
  const values = rows.map((r) => ({
    period_start: period.fromIso,
    period_end: period.toIso,
    access_key_id: r.keyId,
    stats: r.stats,
    created_at: opts.nowIso,
  }));
  await db.transaction(async (trx) => {
    for (let i = 0; i < values.length; i += 100) {
      await trx('tracking_chart_period')
        .insert(values.slice(i, i + 100))
        .onConflict(['period_start', 'period_end', 'access_key_id'])
        .ignore();
    }
    await trx('tracking_chart_period')
      .where('period_start', '>=', period.fromIso)
      .where('period_end', '<=', period.toIso)
      .whereNot((w) => w.where('period_start', period.fromIso).where('period_end', period.toIso))
      .delete();
    await trx('tracking_chart_period').where('period_end', '<=', opts.forgetBeforeIso).delete();
  });
}
