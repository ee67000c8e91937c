import type { Knex } from 'knex';

/**
 * Transmissions of approved applications to the issuer (issue 13, SPEC §5). One row per transmission, numbered without
 * gaps; its files (kept for download again, pins.jsonl emptied once delivered); the applications it carried, each in
 * one transmission only (unique application_id). Delivery state: pending (retried with backoff) → delivered.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('transmission', (t) => {
    t.increments('id').primary();
    t.integer('number').notNullable().unique();
    t.string('created_at', 30).notNullable();
    t.string('created_by_type', 12).notNullable(); // admin | system
    t.integer('created_by').nullable().references('administrator.id');
    t.integer('application_count').notNullable();
    t.string('delivery_state', 12).notNullable(); // pending | delivered
    t.string('destination', 255).notNullable(); // where it goes: a folder path or sftp://host/path (no credentials)
    t.integer('delivery_attempts').notNullable().defaultTo(0);
    t.string('next_delivery_at', 30).nullable();
    t.string('delivery_lease_until', 30).nullable();
    t.string('last_error', 500).nullable();
    t.string('delivered_at', 30).nullable();
    t.index(['delivery_state', 'next_delivery_at']);
  });

  await knex.schema.createTable('transmission_file', (t) => {
    t.increments('id').primary();
    t.integer('transmission_id').notNullable().references('transmission.id');
    t.string('name', 60).notNullable();
    t.integer('row_count').notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.binary('content').nullable(); // the file's bytes; null once erased (pins.jsonl after delivery)
    t.string('erased_at', 30).nullable();
    t.unique(['transmission_id', 'name']);
  });

  await knex.schema.createTable('transmission_application', (t) => {
    t.integer('transmission_id').notNullable().references('transmission.id');
    t.integer('application_id').notNullable().references('application.id').unique();
    t.index(['transmission_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('transmission_application');
  await knex.schema.dropTable('transmission_file');
  await knex.schema.dropTable('transmission');
}
