import type { Knex } from 'knex';

/**
 * Run coordinator for scheduled jobs: one row per job and period (slot). The insert that wins runs the job, so two
 * instances sharing the database never both run it; a crashed run's lease can be taken over once it is stale.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_run', (t) => {
    t.increments('id').primary();
    t.string('job', 60).notNullable();
    t.string('slot', 40).notNullable(); // e.g. 2026-11-24 (daily) or 2026-11-24T09:15Z (interval)
    t.string('owner', 100).notNullable(); // the instance holding the lease
    t.string('started_at', 30).notNullable();
    t.string('lease_until', 30).notNullable();
    t.string('finished_at', 30).nullable();
    t.text('result').nullable(); // JSON: counts, or the last error message
    t.unique(['job', 'slot']);
    t.index(['finished_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_run');
}
