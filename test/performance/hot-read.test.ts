import { useFreshDatabase } from '../support/database';
import { HotRead, isSqlite, readArrays, type Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL (there every hot read goes through Knex). */
describe('HotRead (a prepared statement run on the idle SQLite connection, Knex otherwise)', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));

  const versionOf = new HotRead<{ name: string; version: number | string }>('select name, version from data_version where name = ? order by name');
  const namesIn = new HotRead<{ name: string }>({
    sqlite: 'select name from data_version where name in (select value from json_each(?)) order by name',
    postgres: 'select name from data_version where name in (select value from json_array_elements_text(?::json)) order by name',
  });

  beforeEach(async () => {
    await db('data_version').where('name', 'like', 'hot-read-%').delete();
    await db('data_version').insert([
      { name: 'hot-read-a', version: 7 },
      { name: 'hot-read-b', version: 8 },
    ]);
  });

  it('reads rows as objects, and the same rows as arrays in column order', async () => {
    const rows = await versionOf.rows(db, ['hot-read-a']);
    expect(rows.map((r) => [r.name, Number(r.version)])).toEqual([['hot-read-a', 7]]);
    const arrays = await versionOf.arrays(db, ['hot-read-b']);
    expect(arrays.map(([name, version]) => [name, Number(version)])).toEqual([['hot-read-b', 8]]);
    // The statement is back in object mode after an arrays() read.
    expect((await versionOf.rows(db, ['hot-read-b']))[0]).toEqual(expect.objectContaining({ name: 'hot-read-b' }));
    expect(await namesIn.rows(db, [JSON.stringify(['hot-read-b', 'hot-read-a', 'nothing'])])).toEqual([{ name: 'hot-read-a' }, { name: 'hot-read-b' }]);
  });

  it('sees a write committed just before it (the statement is prepared once, not its result)', async () => {
    expect(Number((await versionOf.rows(db, ['hot-read-a']))[0]!.version)).toBe(7);
    await db('data_version').where({ name: 'hot-read-a' }).update({ version: 9 });
    expect(Number((await versionOf.rows(db, ['hot-read-a']))[0]!.version)).toBe(9);
  });

  it('inside a transaction, reads what the transaction wrote', async () => {
    await db.transaction(async (trx) => {
      await trx('data_version').where({ name: 'hot-read-a' }).update({ version: 11 });
      expect(Number((await versionOf.rows(trx, ['hot-read-a']))[0]!.version)).toBe(11);
      expect((await versionOf.arrays(trx, ['hot-read-a']))[0]![1]).toEqual(expect.anything());
    });
  });

  it("never reads another request's uncommitted write: while a transaction holds the connection it waits for it", async () => {
    let reading: Promise<Array<{ version: number | string }>> | undefined;
    await expect(
      db.transaction(async (trx) => {
        await trx('data_version').where({ name: 'hot-read-a' }).update({ version: 12 });
        // Another request's read, while this transaction is open (and will roll back).
        reading = versionOf.rows(db, ['hot-read-a']);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(Number((await reading!)[0]!.version)).toBe(7);
  });

  it('skips Knex on SQLite when no one holds the connection, and goes through it otherwise', async () => {
    const throughKnex: string[] = [];
    const listener = (q: { sql: string }) => throughKnex.push(q.sql);
    db.on('query', listener);
    try {
      await versionOf.rows(db, ['hot-read-a']);
      expect(throughKnex).toHaveLength(isSqlite(db) ? 0 : 1);
      await db.transaction(async (trx) => {
        await versionOf.rows(trx, ['hot-read-a']);
      });
      expect(throughKnex.filter((sql) => sql.startsWith('select name, version'))).toHaveLength(isSqlite(db) ? 1 : 2);
    } finally {
      db.removeListener('query', listener);
    }
  });

  it("readArrays: a builder's rows as arrays in select order, the same idle, in a transaction and on PostgreSQL", async () => {
    const query = (db2: Db) => db2('data_version').whereIn('name', ['hot-read-a', 'hot-read-b']).orderBy('name').select('version', 'name');
    const idle = await readArrays(query(db));
    expect(idle.map(([version, name]) => [Number(version), name])).toEqual([
      [7, 'hot-read-a'],
      [8, 'hot-read-b'],
    ]);
    await db.transaction(async (trx) => {
      expect((await readArrays(query(trx))).map(([version, name]) => [Number(version), name])).toEqual([
        [7, 'hot-read-a'],
        [8, 'hot-read-b'],
      ]);
    });
    // The statement Knex shares by SQL text is left answering objects.
    expect(await query(db)).toEqual([expect.objectContaining({ name: 'hot-read-a' }), expect.objectContaining({ name: 'hot-read-b' })]);
  });
});
