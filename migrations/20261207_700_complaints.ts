import type { Knex } from 'knex';

/**
 * Complaints (issue 14 part 2, SPEC §5, seed 001): one row per complaint about an application, filed by the employee
 * (status page) or by an administrator (application page). Days are calendar dates `YYYY-MM-DD` in TIME_ZONE:
 * `received_on` the day of receipt, `due_on` the answer deadline (15 business days of `country` after receipt, once
 * extendable to at most 35). `status`: received → in_progress → (extended) → answered → closed. The answer (text and
 * `complaint_document` rows with role `answer`) is kept on the complaint itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('complaint', (t) => {
    t.increments('id').primary();
    t.string('reference', 20).notNullable().unique();
    t.integer('application_id').notNullable().references('application.id');
    t.integer('account_id').notNullable().references('account.id');
    t.string('category', 40).notNullable();
    t.text('description').notNullable();
    t.string('contact_email', 254).notNullable();
    t.string('language', 2).notNullable();
    t.string('filed_by', 12).notNullable(); // employee | admin
    t.integer('filed_by_admin_id').nullable().references('administrator.id');
    t.string('country', 2).notNullable();
    t.string('received_at', 30).notNullable();
    t.string('received_on', 10).notNullable();
    t.string('due_on', 10).notNullable();
    t.string('status', 12).notNullable();
    t.string('extended_at', 30).nullable();
    t.text('extension_reason').nullable();
    t.text('answer_text').nullable();
    t.string('answered_at', 30).nullable();
    t.string('answered_on', 10).nullable();
    t.string('dissatisfied_at', 30).nullable();
    t.string('closed_at', 30).nullable();
    t.string('updated_at', 30).notNullable();
    t.index(['account_id', 'status', 'due_on']);
    t.index(['application_id']);
  });
  await knex.schema.createTable('complaint_document', (t) => {
    t.increments('id').primary();
    t.integer('complaint_id').notNullable().references('complaint.id');
    t.string('role', 10).notNullable(); // complaint | answer
    t.string('original_name', 120).notNullable();
    t.string('stored_name', 60).notNullable().unique();
    t.string('mime', 40).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('uploaded_at', 30).notNullable();
    t.index(['complaint_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('complaint_document');
  await knex.schema.dropTable('complaint');
}
