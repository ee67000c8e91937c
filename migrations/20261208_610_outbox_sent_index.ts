import type { Knex } from 'knex';

/**
 * /readyz asks, every few seconds, whether any e-mail was delivered in the last 15 minutes (status sent, sent_at
 * recent): this index answers without reading the outbox's rows (issue 12, item 3).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.index(['status', 'sent_at'], 'outbox_status_sent_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.dropIndex(['status', 'sent_at'], 'outbox_status_sent_idx');
  });
}
