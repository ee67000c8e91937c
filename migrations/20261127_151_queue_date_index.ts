import type { Knex } from 'knex';

/**
 * The approval queue in its default order (initiation date) for an administrator of many BCs: an index on
 * (status, created_at, account_id) reads the queue in date order and checks the BC inside the index, so a page costs
 * the entries before it instead of sorting every pending application of the BCs (0.1 ms instead of 0.2 ms for the
 * first page; 0.5 ms instead of 3 ms for page 100 of 114 read from the end, see approvals/repository.ts queuePage).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.index(['status', 'created_at', 'account_id'], 'application_queue_date_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.dropIndex(['status', 'created_at', 'account_id'], 'application_queue_date_idx');
  });
}
