import type { Knex } from 'knex';

/** Billing accounts (BC), administrators and their BCs, access keys, sessions. Times are ISO-8601 UTC strings. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account', (t) => {
    t.increments('id').primary();
    t.string('number', 11).notNullable().unique();
    t.string('company_name', 100).notNullable();
    t.string('address_building', 100).notNullable().defaultTo('');
    t.string('address_street', 100).notNullable();
    t.string('address_city', 60).notNullable();
    t.string('address_postal_code', 12).notNullable();
    t.string('address_country', 2).notNullable();
    t.string('phone', 30).notNullable().defaultTo('');
    t.string('card_product', 100).notNullable();
    t.text('plastic_types').notNullable(); // JSON array of plastic type codes
    t.string('liability_type', 12).notNullable(); // company | joint | individual
    t.string('statement_option', 12).notNullable(); // individual | centralised
    t.string('payment_type', 12).notNullable(); // central | individual
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });

  await knex.schema.createTable('administrator', (t) => {
    t.increments('id').primary();
    t.string('email', 254).notNullable().unique(); // stored lower-case
    t.string('display_name', 100).notNullable();
    t.string('role', 10).notNullable(); // admin | platform
    t.string('language', 2).notNullable().defaultTo('fr');
    t.boolean('active').notNullable().defaultTo(true);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });

  await knex.schema.createTable('administrator_account', (t) => {
    t.integer('administrator_id').notNullable().references('administrator.id').onDelete('CASCADE');
    t.integer('account_id').notNullable().references('account.id').onDelete('CASCADE');
    t.primary(['administrator_id', 'account_id']);
    t.index(['account_id']);
  });

  await knex.schema.createTable('access_key', (t) => {
    t.increments('id').primary();
    t.string('number', 8).notNullable().unique();
    t.string('name', 30).notNullable();
    t.integer('account_id').notNullable().references('account.id');
    t.string('plastic_type', 30).notNullable();
    t.string('cost_centre_rule', 10).notNullable(); // required | optional
    t.string('employee_number_rule', 10).notNullable(); // required | optional
    t.string('direct_debit_rule', 10).notNullable(); // required | optional | none
    t.boolean('reminder_enabled').notNullable().defaultTo(false);
    t.boolean('additional_approver_required').notNullable().defaultTo(false);
    t.text('notification_recipients').notNullable().defaultTo('[]'); // JSON array of e-mails
    t.string('expires_on', 10).notNullable(); // YYYY-MM-DD, last valid day
    t.integer('created_by').notNullable().references('administrator.id');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('deleted_at', 30).nullable();
    t.integer('deleted_by').nullable().references('administrator.id');
    t.index(['account_id']);
    t.index(['name']);
  });
  // At most one active (not deleted) key per BC; both SQLite and PostgreSQL support partial unique indexes.
  await knex.raw('CREATE UNIQUE INDEX access_key_one_active_per_account ON access_key (account_id) WHERE deleted_at IS NULL');

  await knex.schema.createTable('session', (t) => {
    t.string('sid', 128).primary();
    t.text('sess').notNullable();
    t.bigInteger('expires_at').notNullable(); // epoch ms
    t.string('user_key', 64).nullable(); // e.g. admin:12 or application:34, so sessions can be revoked
    t.string('created_at', 30).notNullable();
    t.index(['expires_at']);
    t.index(['user_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('session');
  await knex.schema.dropTable('access_key');
  await knex.schema.dropTable('administrator_account');
  await knex.schema.dropTable('administrator');
  await knex.schema.dropTable('account');
}
