import type { Knex } from 'knex';

/**
 * Tracking (SPEC §3.7).
 * - The status summary counts applications per key, status and priority within the administrator's BCs in one grouped
 *   query: (account_id, access_key_id, status, priority) covers it, so it reads the index alone, never the rows.
 * - The applications list filters by BC and sorts by initiation date (the default) or by the last status change.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.index(['account_id', 'access_key_id', 'status', 'priority'], 'application_tracking_summary_idx');
    t.index(['account_id', 'created_at'], 'application_tracking_created_idx');
    t.index(['account_id', 'status_changed_at'], 'application_tracking_changed_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.dropIndex(['account_id', 'status_changed_at'], 'application_tracking_changed_idx');
    t.dropIndex(['account_id', 'created_at'], 'application_tracking_created_idx');
    t.dropIndex(['account_id', 'access_key_id', 'status', 'priority'], 'application_tracking_summary_idx');
  });
}
