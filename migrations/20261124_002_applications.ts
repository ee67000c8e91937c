import type { Knex } from 'knex';

/** Applications, their status history and bulk batches. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bulk_batch', (t) => {
    t.increments('id').primary();
    t.integer('access_key_id').notNullable().references('access_key.id');
    t.integer('account_id').notNullable().references('account.id');
    t.string('file_name', 255).notNullable();
    t.integer('uploaded_by').notNullable().references('administrator.id');
    t.integer('row_count').notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['account_id', 'created_at']);
  });

  await knex.schema.createTable('application', (t) => {
    t.increments('id').primary();
    t.string('reference', 10).notNullable().unique();
    t.integer('access_key_id').notNullable().references('access_key.id');
    // Denormalised from the key so every administrator query filters by BC without a join.
    t.integer('account_id').notNullable().references('account.id');
    t.string('origin', 12).notNullable(); // controlled | bulk | self_service
    t.integer('batch_id').nullable().references('bulk_batch.id');
    t.integer('initiated_by').nullable().references('administrator.id');
    t.string('priority', 6).notNullable(); // normal | urgent
    t.string('status', 30).notNullable();
    t.string('title', 4).nullable(); // mr | mrs | ms
    t.string('first_name', 60).nullable();
    t.string('last_name', 60).nullable();
    t.string('email', 254).notNullable(); // lower-case
    t.string('language', 2).notNullable(); // correspondence language: fr | en
    t.text('prefill').notNullable().defaultTo('{}'); // JSON: optional pre-fills from the administrator (bulk columns)
    t.text('form_data').notNullable().defaultTo('{}'); // JSON: what the employee saved
    t.integer('version').notNullable().defaultTo(0); // bumped by every state change (optimistic concurrency)
    t.string('first_opened_at', 30).nullable();
    t.string('submitted_at', 30).nullable();
    t.string('status_changed_at', 30).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['account_id', 'status']);
    t.index(['access_key_id', 'status']);
    t.index(['status', 'priority', 'created_at']);
    t.index(['batch_id']);
    t.index(['email']);
  });

  await knex.schema.createTable('application_status_history', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('application.id');
    t.string('at', 30).notNullable();
    t.string('actor_type', 12).notNullable(); // admin | employee | approver | system
    t.integer('actor_id').nullable();
    t.string('from_status', 30).nullable();
    t.string('to_status', 30).notNullable();
    t.text('comment').nullable();
    t.boolean('comment_for_employee').notNullable().defaultTo(false);
    t.index(['application_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('application_status_history');
  await knex.schema.dropTable('application');
  await knex.schema.dropTable('bulk_batch');
}
