import { useFreshDatabase } from '../support/database';
import { givenAccount } from '../support/builders';
import { isSqlite, lockingRead, readTogether, type Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL (where two transactions really run at the same time). */
describe('reads inside and outside transactions', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));

  describe('readTogether', () => {
    const reads = (log: string[]) =>
      [
        async () => {
          log.push('a starts');
          const row = await db('account').count({ n: '*' }).first();
          log.push('a ends');
          return Number(row?.n);
        },
        async () => {
          log.push('b starts');
          await Promise.resolve();
          log.push('b ends');
          return 'b';
        },
      ] as const;

    it('starts every read at once outside a transaction, and returns the results in order', async () => {
      const log: string[] = [];
      const [count, b] = await readTogether(db, [...reads(log)]);
      expect([count, b]).toEqual([0, 'b']);
      expect(log.slice(0, 2)).toEqual(['a starts', 'b starts']);
    });

    it('runs the reads one after the other inside a transaction (one connection, one query at a time)', async () => {
      const log: string[] = [];
      const [count, b] = await db.transaction((trx) =>
        readTogether(trx, [
          async () => {
            log.push('a starts');
            const row = await trx('account').count({ n: '*' }).first();
            log.push('a ends');
            return Number(row?.n);
          },
          reads(log)[1],
        ]),
      );
      expect([count, b]).toEqual([0, 'b']);
      expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends']);
    });
  });

  describe('lockingRead', () => {
    it('asks PostgreSQL for a row lock, and SQLite for nothing', () => {
      const sql = lockingRead(db('account').where({ id: 1 }).first('id')).toString();
      if (isSqlite(db)) expect(sql).not.toMatch(/for update/i);
      else expect(sql).toMatch(/for update/i);
    });

    it('makes a second transaction wait for the first, then read what it committed', async () => {
      const id = await givenAccount(db, { company_name: 'Before' });
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstLocked!: () => void;
      const firstHasLock = new Promise<void>((resolve) => (firstLocked = resolve));
      const order: string[] = [];

      const first = db.transaction(async (trx) => {
        await lockingRead(trx('account').where({ id }).first('company_name'));
        await trx('account').where({ id }).update({ company_name: 'After' });
        firstLocked();
        await firstMayCommit;
        order.push('first commits');
      });
      await firstHasLock;
      const second = db.transaction(async (trx) => {
        const row = await lockingRead(trx('account').where({ id }).first('company_name'));
        order.push('second reads');
        return row.company_name as string;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      releaseFirst();
      await first;
      expect(await second).toBe('After');
      expect(order).toEqual(['first commits', 'second reads']);
    });
  });
});
