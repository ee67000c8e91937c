import crypto from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Outbox retries by time (issue 12): `expires_at`, an optional time after which the e-mail is useless (the signing
 * code's expiry), and a new final state `expired` (status is a string: pending | sending | sent | dead | expired).
 * `installation`: one row per database, a random UUID generated here once, from which every Message-ID is derived
 * (two installations never produce the same Message-ID, even for the same idempotency key).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.string('expires_at', 30).nullable();
  });
  await knex.schema.createTable('installation', (t) => {
    t.integer('id').primary(); // always 1: one row
    t.string('installation_id', 36).notNullable();
    t.string('created_at', 30).notNullable();
  });
  await knex('installation').insert({ id: 1, installation_id: crypto.randomUUID(), created_at: new Date().toISOString() });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('installation');
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('expires_at');
  });
}
