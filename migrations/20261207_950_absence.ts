import type { Knex } from 'knex';

/**
 * Out of office (issue 16 item 2): one absence at a time per administrator (from, to: dates in TIME_ZONE, both
 * included) and the delegate who handles their BCs meanwhile. Cancelling deletes the row; an absence whose last day
 * has passed simply no longer applies (the rule compares the dates with `now`).
 *
 * `application_status_history.on_behalf_of`: the absent administrator on whose behalf the delegate acted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('administrator_absence', (t) => {
    t.increments('id').primary();
    t.integer('administrator_id').notNullable().unique().references('id').inTable('administrator').onDelete('CASCADE');
    t.integer('delegate_id').notNullable().references('id').inTable('administrator').onDelete('CASCADE');
    t.string('starts_on', 10).notNullable();
    t.string('ends_on', 10).notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['delegate_id'], 'administrator_absence_delegate_idx');
  });
  await knex.schema.alterTable('application_status_history', (t) => {
    t.integer('on_behalf_of').nullable().references('id').inTable('administrator');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application_status_history', (t) => {
    t.dropColumn('on_behalf_of');
  });
  await knex.schema.dropTable('administrator_absence');
}
