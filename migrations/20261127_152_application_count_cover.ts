import type { Knex } from 'knex';

/**
 * application_count read per BC (the tracking summary: every key × status of an administrator's BCs) from an index
 * that holds the count too, so the rows themselves are never visited.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_count', (t) => {
    t.index(['account_id', 'access_key_id', 'status', 'priority', 'n'], 'application_count_account_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_count', (t) => {
    t.dropIndex(['account_id', 'access_key_id', 'status', 'priority', 'n'], 'application_count_account_idx');
  });
}
