import { freshDatabase, useFreshDatabase, type FreshDatabase } from '../support/database';
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

/**
 * A hot read kept until the next write (the data versions, read on every request): served again while nothing is
 * written, read again after any write — this process's, committed or rolled back, or another process's.
 */
describe('HotRead untilWrite', () => {
  let fresh: FreshDatabase;
  let db: Db;
  let other: Db;
  const remembered = new HotRead<{ version: number | string }>('select version from data_version where name = ?', { untilWrite: true });
  const versionNow = async (on: Db = db) => Number((await remembered.rows(on, ['until-write']))[0]?.version);

  beforeAll(async () => {
    fresh = await freshDatabase();
    db = fresh.open();
    other = fresh.open();
    await db('data_version').insert({ name: 'until-write', version: 1 });
  });
  afterAll(async () => {
    await other.destroy();
    await db.destroy();
    await fresh.drop();
  });

  it('serves the same rows again while nothing is written (SQLite; PostgreSQL reads each time)', async () => {
    const first = await remembered.rows(db, ['until-write']);
    const again = await remembered.rows(db, ['until-write']);
    expect(Number(first[0]?.version)).toBe(1);
    if (isSqlite(db)) expect(again).toBe(first);
    else expect(again).not.toBe(first);
  });

  it('reads again after a write of this process, whatever table it touched', async () => {
    const first = await remembered.rows(db, ['until-write']);
    await db('data_version').where({ name: 'until-write' }).update({ version: 2 });
    expect(await versionNow()).toBe(2);
    await db('data_version').insert({ name: 'until-write-other', version: 0 });
    expect(await remembered.rows(db, ['until-write'])).not.toBe(first);
  });

  it('reads again after a raw statement, a write with RETURNING, and a rolled-back transaction', async () => {
    await db.raw("update data_version set version = 3 where name = 'until-write'");
    expect(await versionNow()).toBe(3);
    await db('data_version').where({ name: 'until-write' }).update({ version: 4 }, ['version']);
    expect(await versionNow()).toBe(4);
    await expect(
      db.transaction(async (trx) => {
        await trx('data_version').where({ name: 'until-write' }).update({ version: 99 });
        expect(await versionNow(trx)).toBe(99);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await versionNow()).toBe(4);
  });

  it('reads again after a write committed by another connection (another instance or a command-line tool)', async () => {
    expect(await versionNow()).toBe(4);
    await other('data_version').where({ name: 'until-write' }).update({ version: 5 });
    expect(await versionNow()).toBe(5);
    await other.raw("update data_version set version = 6 where name = 'until-write'");
    expect(await versionNow()).toBe(6);
  });
});
