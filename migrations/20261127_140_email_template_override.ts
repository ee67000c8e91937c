import type { Knex } from 'knex';

/**
 * E-mail templates edited by the platform administrator (SPEC §4.1): one row per e-mail and language, holding the
 * edited subject and/or body (NULL = that part's default file in views/emails/). Deleting the row resets to the default.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('email_template_override', (t) => {
    t.increments('id').primary();
    t.string('template', 60).notNullable();
    t.string('language', 2).notNullable();
    t.text('subject').nullable();
    t.text('body').nullable();
    t.integer('updated_by').notNullable().references('administrator.id');
    t.string('updated_at', 30).notNullable();
    t.unique(['template', 'language']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('email_template_override');
}
