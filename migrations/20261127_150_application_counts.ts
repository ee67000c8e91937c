import type { Knex } from 'knex';

/**
 * Pre-counted applications per BC, key, status and priority, kept by triggers on `application` (so every write path —
 * creation, transitions, priority changes, purges — keeps it right, inside the writing transaction).
 *
 * Why: the "pending approval (N)" tab is on every administrator page, and the approval queue's header totals and the
 * tracking summary count an administrator's applications per status; counting them from `application`, even from a
 * covering index, reads one index entry per application (25,000 for an administrator of 50 BCs: ~12 ms for the
 * summary). Here they read a few hundred rows at most (one per key × status × priority in use).
 *
 * Caution for later migrations: on SQLite, a Knex alterTable that rebuilds `application` (dropColumn, alter(), …)
 * drops these triggers with the old table; re-create them afterwards (test/performance/application-counts.test.ts
 * fails if they are missing).
 */
const COLUMNS = ['account_id', 'access_key_id', 'status', 'priority'] as const;
const KEY = COLUMNS.join(', ');
const match = (row: 'OLD' | 'NEW') => COLUMNS.map((c) => `${c} = ${row}.${c}`).join(' AND ');
const values = (row: 'OLD' | 'NEW') => COLUMNS.map((c) => `${row}.${c}`).join(', ');
const changed = COLUMNS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('application_count', (t) => {
    t.integer('account_id').notNullable();
    t.integer('access_key_id').notNullable();
    t.string('status', 30).notNullable();
    t.string('priority', 6).notNullable();
    t.integer('n').notNullable().defaultTo(0);
    t.primary([...COLUMNS]);
    // The tab and the queue totals: one status within the BCs.
    t.index(['status', 'account_id', 'priority', 'n'], 'application_count_status_idx');
  });
  await knex.raw(`INSERT INTO application_count (${KEY}, n) SELECT ${KEY}, count(*) FROM application GROUP BY ${KEY}`);

  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION application_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          UPDATE application_count SET n = n - 1 WHERE ${match('OLD')};
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          INSERT INTO application_count (${KEY}, n) VALUES (${values('NEW')}, 1)
            ON CONFLICT (${KEY}) DO UPDATE SET n = application_count.n + 1;
        END IF;
        RETURN NULL;
      END $$`);
    await knex.raw(
      'CREATE TRIGGER application_count_insert_delete AFTER INSERT OR DELETE ON application FOR EACH ROW EXECUTE FUNCTION application_count_apply()',
    );
    await knex.raw(
      `CREATE TRIGGER application_count_update AFTER UPDATE OF ${KEY} ON application FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION application_count_apply()`,
    );
  } else {
    const add = `INSERT INTO application_count (${KEY}, n) VALUES (${values('NEW')}, 1) ON CONFLICT (${KEY}) DO UPDATE SET n = n + 1;`;
    const remove = `UPDATE application_count SET n = n - 1 WHERE ${match('OLD')};`;
    await knex.raw(`CREATE TRIGGER application_count_insert AFTER INSERT ON application BEGIN ${add} END`);
    await knex.raw(`CREATE TRIGGER application_count_delete AFTER DELETE ON application BEGIN ${remove} END`);
    await knex.raw(`CREATE TRIGGER application_count_update AFTER UPDATE OF ${KEY} ON application WHEN ${changed} BEGIN ${remove} ${add} END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS application_count_update ON application');
    await knex.raw('DROP TRIGGER IF EXISTS application_count_insert_delete ON application');
    await knex.raw('DROP FUNCTION IF EXISTS application_count_apply()');
  } else {
    for (const name of ['application_count_update', 'application_count_delete', 'application_count_insert']) await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
  }
  await knex.schema.dropTable('application_count');
}
