import type { Knex } from 'knex';

/**
 * Bulk send: an uploaded spreadsheet kept between the upload and the "Validate" click (the preview reads it back),
 * consumed once (consumed_at set in the validating transaction, so a double submit creates nothing twice).
 * bulk_batch gains the upload it came from and how many rows were rejected, for the bulk batches page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bulk_upload', (t) => {
    t.increments('id').primary();
    t.integer('access_key_id').notNullable().references('access_key.id');
    t.integer('account_id').notNullable().references('account.id');
    t.integer('uploaded_by').notNullable().references('administrator.id');
    t.string('file_name', 255).notNullable();
    t.string('file_type', 4).notNullable(); // xlsx | csv
    t.text('rows').notNullable(); // JSON: [{ n: row number in the file, v: [19 cell texts in template order] }]
    t.text('ignored_columns').notNullable().defaultTo('[]'); // JSON: header texts that matched no template column
    t.text('priorities').notNullable().defaultTo('{}'); // JSON: { rowNumber: 'urgent' } (normal when absent)
    t.string('created_at', 30).notNullable();
    t.string('consumed_at', 30).nullable();
    t.integer('batch_id').nullable().references('bulk_batch.id');
    t.index(['account_id', 'uploaded_by']);
  });
  await knex.schema.alterTable('bulk_batch', (t) => {
    t.integer('rejected_count').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('bulk_batch', (t) => {
    t.dropColumn('rejected_count');
  });
  await knex.schema.dropTable('bulk_upload');
}
