import type { Knex } from 'knex';

/**
 * Transactional outbox: an e-mail is a row written in the same transaction as the change that causes it.
 * The dispatcher claims rows with a lease, renders, sends, and marks them; see src/features/outbox.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id').primary();
    t.string('idempotency_key', 200).notNullable().unique();
    t.string('template', 60).notNullable();
    t.string('language', 2).notNullable();
    t.string('recipient', 254).notNullable();
    t.text('data').notNullable(); // JSON: the template's documented variables
    t.integer('application_id').nullable().references('application.id');
    t.string('status', 10).notNullable(); // pending | sending | sent | dead
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 30).notNullable();
    t.string('lease_until', 30).nullable();
    t.string('lease_owner', 64).nullable();
    t.text('last_error').nullable();
    t.string('message_id', 200).nullable();
    t.text('subject').nullable(); // rendered at send time, kept for the history and the development mailbox
    t.text('html').nullable();
    t.text('text').nullable();
    t.string('created_at', 30).notNullable();
    t.string('sent_at', 30).nullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['application_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
