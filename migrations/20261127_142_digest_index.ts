import type { Knex } from 'knex';

/**
 * The daily digest (e-mail 8) reads every pending application once a day: counts per key, first recipient and
 * priority, and the oldest few per key and first recipient. This index covers both (status first, then the grouping
 * columns in the window's partition order, then the date it sorts by), so neither query reads the table's rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.index(['status', 'access_key_id', 'origin', 'initiated_by', 'submitted_at', 'priority'], 'application_digest_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.dropIndex(['status', 'access_key_id', 'origin', 'initiated_by', 'submitted_at', 'priority'], 'application_digest_idx');
  });
}
