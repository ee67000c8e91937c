import type { Knex } from 'knex';

/**
 * Data versions (issue 15): a counter per kind of data that a per-process cache keeps, bumped by the database itself
 * in the transaction of every write to the tables it covers, so a cached copy is used only while its version is the
 * current one — whichever instance or command-line tool wrote, and whatever the code path (no write can forget it).
 *
 * - `administrators`: who an administrator is and which BCs they act on (administrator, administrator_account, the
 *   absences that delegate BCs, and account, since a platform administrator acts on every BC);
 * - `keys`: the access keys and their BCs as lists name them (access_key, account).
 *
 * SQLite bumps per row (it has no statement triggers); PostgreSQL once per statement (TRUNCATE included).
 */
const VERSIONS: Record<string, string[]> = {
  administrators: ['administrator', 'administrator_account', 'administrator_absence', 'account'],
  keys: ['access_key', 'account'],
};

const triggerName = (version: string, table: string, op?: string) => `data_version_${version}_${table}${op ? `_${op}` : ''}`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_version', (t) => {
    t.string('name', 40).primary();
    t.bigInteger('version').notNullable().defaultTo(0);
  });
  await knex('data_version').insert(Object.keys(VERSIONS).map((name) => ({ name, version: 0 })));
  const postgres = knex.client.config.client === 'pg';
  if (postgres) {
    await knex.raw(`
      CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE data_version SET version = version + 1 WHERE name = TG_ARGV[0];
        RETURN NULL;
      END $$`);
  }
  for (const [version, tables] of Object.entries(VERSIONS)) {
    for (const table of tables) {
      if (postgres) {
        await knex.raw(
          `CREATE TRIGGER ${triggerName(version, table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('${version}')`,
        );
        continue;
      }
      for (const op of ['insert', 'update', 'delete']) {
        await knex.raw(
          `CREATE TRIGGER ${triggerName(version, table, op)} AFTER ${op.toUpperCase()} ON ${table} BEGIN UPDATE data_version SET version = version + 1 WHERE name = '${version}'; END`,
        );
      }
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  const postgres = knex.client.config.client === 'pg';
  for (const [version, tables] of Object.entries(VERSIONS)) {
    for (const table of tables) {
      if (postgres) await knex.raw(`DROP TRIGGER IF EXISTS ${triggerName(version, table)} ON ${table}`);
      else for (const op of ['insert', 'update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${triggerName(version, table, op)}`);
    }
  }
  if (postgres) await knex.raw('DROP FUNCTION IF EXISTS bump_data_version()');
  await knex.schema.dropTable('data_version');
}
