import type { Knex } from 'knex';

/**
 * Electronic signatures (SPEC §3.5): one row per signed version of an application. A returned application signed
 * again gets version n + 1; earlier versions and their archived PDFs stay. The evidence: the SHA-256 of the final
 * PDF (archived write-once at archive_path) and of the PDF shown when the code was sent, the signing time, the e-mail
 * the code went to, IP address, user agent, and the consents given (terms versions and their hashes, as JSON).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('signature', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.integer('version').notNullable();
    t.string('language', 2).notNullable();
    t.string('pdf_sha256', 64).notNullable();
    t.string('shown_pdf_sha256', 64).notNullable();
    t.string('archive_path', 255).notNullable();
    t.integer('pdf_size').notNullable();
    t.integer('signature_attempt_id').notNullable().references('signature_attempt.id');
    t.string('signed_at', 30).notNullable();
    t.string('signer_email', 254).notNullable();
    t.string('ip', 64).notNullable();
    t.string('user_agent', 512).notNullable();
    t.text('consents').notNullable(); // JSON: { cardholderTerms: {id, version, sha256, acceptedAt}, signatureTerms: {…} }
    t.string('created_at', 30).notNullable();
    t.unique(['application_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('signature');
}
