import type { Knex } from 'knex';

/** The status history's rows (`application_status_history`), written by `transition` and at creation. */
export interface StatusHistoryRow {
  application_id: number;
  at: string;
  actor_type: string;
  actor_id: number | null;
  from_status: string | null;
  to_status: string;
  comment: string | null;
  comment_for_employee: boolean;
  event?: string;
}

/** The application's status and version as they are now, in the caller's transaction. */
export async function currentStatus(trx: Knex.Transaction, applicationId: number): Promise<{ status: string; version: number } | undefined> {
  const row = await trx('application').where({ id: applicationId }).first('status', 'version');
  return row ? { status: row.status, version: Number(row.version) } : undefined;
}

/** The statuses of these applications as they are now, in the caller's transaction. */
export async function currentStatuses(trx: Knex.Transaction, ids: number[]): Promise<Array<{ id: number; status: string }>> {
  const rows: Array<{ id: number; status: string }> = await trx('application').whereIn('id', ids).select('id', 'status');
  return rows.map((r) => ({ id: Number(r.id), status: r.status }));
}

/** Moves these applications to `to` where they are still in one of `from`; version + 1. Returns how many changed. */
export async function updateStatusesIfIn(trx: Knex.Transaction, ids: number[], from: string[], change: { to: string; at: string }): Promise<number> {
  return trx('application')
    .whereIn('id', ids)
    .whereIn('status', from)
    .update({ status: change.to, status_changed_at: change.at, updated_at: change.at, version: trx.raw('version + 1') });
}

/**
 * Writes the new status only if the application still has the status and version read (`WHERE status = … AND
 * version = …`); the version goes up by one. Returns how many rows changed (1, or 0 when another writer came first).
 */
export async function updateStatusIfUnchanged(
  trx: Knex.Transaction,
  applicationId: number,
  seen: { status: string; version: number },
  change: { to: string; at: string; extra?: Record<string, unknown> },
): Promise<number> {
  return trx('application')
    .where({ id: applicationId, status: seen.status, version: seen.version })
    .update({ status: change.to, status_changed_at: change.at, updated_at: change.at, version: seen.version + 1, ...(change.extra ?? {}) });
}

/** Appends history rows (in chunks, so a batch of thousands stays under the databases' parameter limits). */
export async function insertStatusHistory(trx: Knex.Transaction, rows: StatusHistoryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await trx('application_status_history').insert(rows.slice(i, i + 200));
}
