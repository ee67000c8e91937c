import type { Knex } from 'knex';

/**
 * Building blocks of the employee's form and signature: the PIN encrypted to the issuer, supporting documents,
 * versioned terms and their acceptance, one-time signing codes (hashed), and the write-once archive's ledger.
 */
export async function up(knex: Knex): Promise<void> {
  // The PIN never rests in clear: `encrypted` is AES-256-GCM under a per-PIN key wrapped with the issuer's public key
  // (src/features/pin/pin.ts); Sésame cannot decrypt it. Cleared (null) once transmitted to the issuer.
  await knex.schema.createTable('application_pin', (t) => {
    t.integer('application_id').primary().references('application.id');
    t.text('encrypted').nullable();
    t.string('key_id', 40).notNullable();
    t.string('stored_at', 30).notNullable();
    t.string('erased_at', 30).nullable();
  });

  await knex.schema.createTable('application_document', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.string('kind', 20).notNullable(); // identity | proof_of_address | other
    t.string('original_name', 120).notNullable(); // sanitised, for display and download only
    t.string('stored_name', 80).notNullable().unique(); // random, under DATA_DIR/documents
    t.string('mime', 40).notNullable(); // sniffed from the content, never the browser's claim
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('uploaded_at', 30).notNullable();
    t.string('removed_at', 30).nullable();
    t.boolean('archived').notNullable().defaultTo(false);
    t.index(['application_id', 'removed_at']);
  });

  await knex.schema.createTable('terms_version', (t) => {
    t.increments('id').primary();
    t.string('kind', 12).notNullable(); // cardholder | signature
    t.string('card_product', 40).notNullable(); // a card product code; '*' for terms common to every product
    t.string('language', 2).notNullable();
    t.string('version', 20).notNullable();
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.string('sha256', 64).notNullable(); // of the body (UTF-8), recorded with each acceptance
    t.string('published_at', 30).notNullable();
    t.unique(['kind', 'card_product', 'language', 'version']);
    t.index(['kind', 'card_product', 'language', 'published_at']);
  });

  await knex.schema.createTable('terms_acceptance', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.integer('terms_version_id').notNullable().references('terms_version.id');
    t.string('kind', 12).notNullable();
    t.string('version', 20).notNullable();
    t.string('sha256', 64).notNullable();
    t.string('accepted_at', 30).notNullable();
    t.index(['application_id', 'kind']);
  });

  // One row per code sent. The code itself is never stored: code_hmac = HMAC-SHA256(secret, id ‖ code).
  await knex.schema.createTable('signature_attempt', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.string('pdf_sha256', 64).notNullable();
    t.string('sent_to', 254).notNullable();
    t.string('code_hmac', 64).nullable(); // null only between the insert and the update that sets it
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('consumed_at', 30).nullable();
    t.string('superseded_at', 30).nullable();
    t.index(['application_id', 'created_at']);
  });

  await knex.schema.createTable('archive_entry', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.string('kind', 40).notNullable();
    t.string('path', 255).notNullable().unique(); // relative to DATA_DIR, forward slashes
    t.string('sha256', 64).notNullable();
    t.integer('size').notNullable();
    t.string('archived_at', 30).notNullable();
    t.index(['application_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('archive_entry');
  await knex.schema.dropTable('signature_attempt');
  await knex.schema.dropTable('terms_acceptance');
  await knex.schema.dropTable('terms_version');
  await knex.schema.dropTable('application_document');
  await knex.schema.dropTable('application_pin');
}
