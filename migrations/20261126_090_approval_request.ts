import type { Knex } from 'knex';

/**
 * Additional approval (SPEC §3.4 (7)): one row per request the employee sends to their approver. The link's token is
 * never stored, only its SHA-256; a request is used once (used_at), expires (expires_at), and is superseded when the
 * employee sends a new one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('approval_request', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.string('approver_name', 100).notNullable();
    t.string('approver_email', 254).notNullable();
    t.string('language', 2).notNullable(); // the approver's: e-mail 3 and the page default
    t.string('token_hash', 64).notNullable().unique(); // hex SHA-256 of the 32-byte random token
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30).nullable();
    t.string('superseded_at', 30).nullable();
    t.string('decision', 10).nullable(); // approved | declined
    t.text('comment').nullable();
    t.string('created_at', 30).notNullable();
    t.index(['application_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('approval_request');
}
