import type { Knex } from 'knex';

/**
 * The tracking page's charts (issue 17 part 4): applications reaching each status per week and the median days of
 * each step, over 26 weeks, from the status history.
 *
 * - `application_status_history (at)`: the charts read the history rows of a time range (the current day, a week).
 * - `tracking_chart_period`: what the history says about a finished stretch of time [period_start, period_end), per
 *   access key (`access_key_id` 0: every key together), as JSON: the number of applications that reached each status
 *   and the durations of the steps that ended in it (invitation → signature, signature → approval, approval →
 *   delivery, in hours, as counts per hour). The history of a time that is over does not change, so each stretch is
 *   counted once (the first time a chart needs it) and read back: a chart over 100,000 applications reads a few
 *   hundred of these rows instead of 400,000 history rows. The row of key 0 is always written: it says the stretch
 *   is counted (keys without any change in it have no row).
 *
 * Only CREATE TABLE and CREATE INDEX: `application` is not rebuilt (its count triggers stay).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_status_history', (t) => {
    t.index(['at'], 'application_status_history_at_idx');
  });
  await knex.schema.createTable('tracking_chart_period', (t) => {
    t.string('period_start', 30).notNullable();
    t.string('period_end', 30).notNullable();
    t.integer('access_key_id').notNullable();
    t.text('stats').notNullable();
    t.string('created_at', 30).notNullable();
    t.primary(['period_start', 'period_end', 'access_key_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tracking_chart_period');
  await knex.schema.alterTable('application_status_history', (t) => {
    t.dropIndex(['at'], 'application_status_history_at_idx');
  });
}
