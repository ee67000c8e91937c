import type { Knex } from 'knex';

/**
 * Published versions of the employee's application form (SPEC §4, e-mail 9): publishing one tells every employee
 * whose application is not submitted yet that the form changed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('form_version', (t) => {
    t.increments('id').primary();
    t.string('version', 20).notNullable().unique();
    t.text('note').notNullable().defaultTo('');
    t.integer('published_by').notNullable().references('administrator.id');
    t.string('published_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_version');
}
