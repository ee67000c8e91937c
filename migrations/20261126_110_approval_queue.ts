import type { Knex } from 'knex';

/**
 * The approval queue (SPEC §3.6).
 * - `application_status_history.event`: what a history row records besides a status change (e.g. a priority change,
 *   whose row keeps the status), so the application page can say it.
 * - Indexes for the queue: the list filters by status and BC and sorts by initiation date; the header counts group
 *   by status and priority within the BCs.
 * - `approval_run`: one row per confirmation page of the queue. Its random token is the one-time value of the
 *   confirmation form: consuming it is a conditional update, so a replayed or doubled confirmation does nothing more.
 *   It keeps the selection confirmed and, once done, the outcome per application for the results page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_status_history', (t) => {
    t.string('event', 40).nullable();
  });
  await knex.schema.alterTable('application', (t) => {
    t.index(['status', 'account_id', 'created_at'], 'application_queue_list_idx');
    t.index(['status', 'account_id', 'priority'], 'application_queue_count_idx');
  });
  await knex.schema.createTable('approval_run', (t) => {
    t.increments('id').primary();
    t.string('token', 64).notNullable().unique(); // 32 random bytes, hex
    t.integer('administrator_id').notNullable().references('administrator.id');
    t.string('action', 20).notNullable(); // approve | return | cancel | urgent | normal
    t.text('application_ids').notNullable(); // JSON array of the ids confirmed (within the administrator's BCs when chosen)
    t.integer('unknown_count').notNullable().defaultTo(0); // ids submitted that were not found in the administrator's BCs
    t.boolean('capped').notNullable().defaultTo(false); // "select all" matched more than the limit
    t.text('return_to').notNullable(); // the queue's query string, to go back to the same filtered list
    t.string('created_at', 30).notNullable();
    t.string('consumed_at', 30).nullable();
    t.text('results').nullable(); // JSON: outcome per application, once processed
    t.index(['administrator_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('approval_run');
  await knex.schema.alterTable('application', (t) => {
    t.dropIndex(['status', 'account_id', 'priority'], 'application_queue_count_idx');
    t.dropIndex(['status', 'account_id', 'created_at'], 'application_queue_list_idx');
  });
  await knex.schema.alterTable('application_status_history', (t) => {
    t.dropColumn('event');
  });
}
