import type { Knex } from 'knex';

/**
 * Issue 13 parts 4 and 5.
 *
 * - issuer_status_upload: a status file uploaded by a platform administrator, kept between the upload and "Apply" (the
 *   preview reads it back). Reached by a random token (never a sequential id); consumed once (consumed_at set in the
 *   applying transaction, so a replayed or double-submitted form applies nothing twice).
 * - application.card_last4: the last four digits of the card the issuer reports (never the full number).
 * - application.personal_data_erased_at: when the retention purge erased the application's personal data.
 * - archive_entry.purged_at: when the retention purge deleted the archived file (archive:verify reports it as purged).
 *
 * Only ADD COLUMN and CREATE INDEX on `application`: SQLite does not rebuild the table (its count triggers stay).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('issuer_status_upload', (t) => {
    t.increments('id').primary();
    t.string('token', 64).notNullable().unique();
    t.integer('uploaded_by').notNullable().references('administrator.id');
    t.string('file_name', 255).notNullable();
    t.text('rows').notNullable(); // JSON: [{ line, reference, status, date, reason, cardLast4, errors }]
    t.string('created_at', 30).notNullable();
    t.string('consumed_at', 30).nullable();
    t.text('result').nullable(); // JSON: the counts of the applied import
  });
  await knex.schema.alterTable('application', (t) => {
    t.string('card_last4', 4).nullable();
    t.string('personal_data_erased_at', 30).nullable();
    // The retention purge: finished applications by status and the time they reached it.
    t.index(['status', 'status_changed_at'], 'application_status_changed_idx');
  });
  await knex.schema.alterTable('archive_entry', (t) => {
    t.string('purged_at', 30).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_entry', (t) => {
    t.dropColumn('purged_at');
  });
  await knex.schema.alterTable('application', (t) => {
    t.dropIndex(['status', 'status_changed_at'], 'application_status_changed_idx');
  });
  // Dropping columns would rebuild `application` on SQLite (and drop its count triggers): they stay, unused.
  await knex.schema.dropTable('issuer_status_upload');
}
