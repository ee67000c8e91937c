import type { Knex } from 'knex';

/**
 * Requests for information (issue 14 part 3, seed 003) and the message thread they use, which complaints will share.
 *
 * - `thread`: one conversation about one subject (`subject_type` 'information_request' | 'complaint', `subject_id`),
 *   always about one application (its archive folder holds the thread's documents).
 * - `thread_message`: a message of the thread, by an administrator (`administrator_id`) or the employee, with its time.
 * - `thread_attachment`: a document sent with a message: content-checked, SHA-256 hashed and archived write-once at once
 *   (`archive_entry_id`: the file in DATA_DIR/archive/<application>/).
 * - `information_request`: a request with its own reference, the documents wanted (JSON array of kinds), the answer date
 *   (local day, YYYY-MM-DD); status open (waiting for the employee) → answered (waiting for the administrator) → closed,
 *   or back to open when the administrator asks again. `asked_at` is the last time it was sent to the employee (the
 *   reminders count from it); `overdue_notified_for` the answer date the administrators were told was missed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('thread', (t) => {
    t.increments('id').primary();
    t.string('subject_type', 30).notNullable();
    t.integer('subject_id').notNullable();
    t.integer('application_id').notNullable().references('application.id');
    t.string('created_at', 30).notNullable();
    t.unique(['subject_type', 'subject_id']);
    t.index(['application_id']);
  });
  await knex.schema.createTable('thread_message', (t) => {
    t.increments('id').primary();
    t.integer('thread_id').notNullable().references('thread.id');
    t.string('author_type', 20).notNullable(); // administrator | employee
    t.integer('administrator_id').nullable().references('administrator.id');
    t.text('body').notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['thread_id', 'id']);
  });
  await knex.schema.createTable('thread_attachment', (t) => {
    t.increments('id').primary();
    t.integer('message_id').notNullable().references('thread_message.id');
    t.integer('thread_id').notNullable().references('thread.id');
    t.string('kind', 30).notNullable();
    t.string('original_name', 120).notNullable();
    t.string('mime', 40).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('archive_entry_id').notNullable().references('archive_entry.id');
    t.string('uploaded_at', 30).notNullable();
    t.index(['thread_id']);
  });
  await knex.schema.createTable('information_request', (t) => {
    t.increments('id').primary();
    t.string('reference', 40).notNullable().unique();
    t.integer('application_id').notNullable().references('application.id');
    t.integer('requested_by').notNullable().references('administrator.id');
    t.string('status', 10).notNullable(); // open | answered | closed
    t.text('documents').notNullable().defaultTo('[]');
    t.string('answer_by', 10).notNullable();
    t.string('asked_at', 30).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('closed_at', 30).nullable();
    t.integer('closed_by').nullable().references('administrator.id');
    t.string('overdue_notified_for', 10).nullable();
    t.index(['application_id', 'status']);
    t.index(['status', 'answer_by']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('information_request');
  await knex.schema.dropTable('thread_attachment');
  await knex.schema.dropTable('thread_message');
  await knex.schema.dropTable('thread');
}
