import type { Knex } from 'knex';

/**
 * Failure and request counters kept in the database (per-IP limits are only a second layer behind a corporate NAT):
 * employee entry failures per reference (locks the reference) and per access key (for the digest alert),
 * self-service requests per e-mail (subject is a SHA-256 of the address, never the address itself).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attempt_counter', (t) => {
    t.string('kind', 30).notNullable(); // entry_reference | entry_key | apply_email
    t.string('subject', 100).notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.string('window_started_at', 30).notNullable();
    t.string('locked_until', 30).nullable();
    t.string('updated_at', 30).notNullable();
    t.primary(['kind', 'subject']);
    t.index(['kind', 'updated_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attempt_counter');
}
