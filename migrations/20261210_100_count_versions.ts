import type { Knex } from 'knex';

/**
 * A version per BC of its pre-counted applications (issue 15): `account_count_version.version` goes up, in the same
 * transaction, with every change to the BC's rows of `application_count` (itself kept by triggers on `application`),
 * so the counts of a set of BCs may be kept in memory under the sum of their versions (versions only grow, rows are
 * never deleted: the sum moves whenever one of them does). Per BC rather than one global counter so that, on
 * PostgreSQL, two transactions changing applications of different BCs never wait for each other on it.
 */
const UPSERT = (row: 'NEW' | 'OLD') =>
  `INSERT INTO account_count_version (account_id, version) VALUES (${row}.account_id, 1) ON CONFLICT (account_id) DO UPDATE SET version = account_count_version.version + 1;`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_count_version', (t) => {
    t.integer('account_id').primary();
    t.bigInteger('version').notNullable().defaultTo(0);
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION account_count_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          ${UPSERT('OLD')}
        ELSE
          ${UPSERT('NEW')}
        END IF;
        RETURN NULL;
      END $$`);
    await knex.raw(
      'CREATE TRIGGER account_count_version_bump AFTER INSERT OR UPDATE OR DELETE ON application_count FOR EACH ROW EXECUTE FUNCTION account_count_version_bump()',
    );
  } else {
    await knex.raw(`CREATE TRIGGER account_count_version_insert AFTER INSERT ON application_count BEGIN ${UPSERT('NEW')} END`);
    await knex.raw(`CREATE TRIGGER account_count_version_update AFTER UPDATE ON application_count BEGIN ${UPSERT('NEW')} END`);
    await knex.raw(`CREATE TRIGGER account_count_version_delete AFTER DELETE ON application_count BEGIN ${UPSERT('OLD')} END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS account_count_version_bump ON application_count');
    await knex.raw('DROP FUNCTION IF EXISTS account_count_version_bump()');
  } else {
    for (const op of ['insert', 'update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS account_count_version_${op}`);
  }
  await knex.schema.dropTable('account_count_version');
}
