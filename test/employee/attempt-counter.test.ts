import { useFreshDatabase } from '../support/database';
import { countEvent, isLocked, KEY_RULE } from '../../src/core/throttle/attempt-counter';
import { enterApplication } from '../../src/features/employee-access/service';
import type { Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where attempts really arrive at the same time. */
describe('attempt counters under concurrent attempts', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  const now = new Date('2026-11-25T09:00:00Z');
  /** The count stored for a subject (every event here happens at `now`, inside its window). */
  const storedCount = async (kind: string, subject: string) => Number((await db('attempt_counter').where({ kind, subject }).first('count'))?.count ?? 0);

  it('counts every one of ten simultaneous events (none overwrites another)', async () => {
    await Promise.all(Array.from({ length: 10 }, () => db.transaction((trx) => countEvent(trx, 'entry_key', 'KEYCONC1', KEY_RULE, now))));
    expect(await storedCount('entry_key', 'KEYCONC1')).toBe(10);
  });

  it('locks a reference after 5 wrong tries even when they arrive at once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => enterApplication(db, 'WRONGKEY', '9999999999', now)));
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(await isLocked(db, 'entry_reference', '9999999999', now)).toBe(true);
    // 5 tries lock it; the 3 after the lock are not counted against the reference (it is locked), but against the key.
    expect(await storedCount('entry_key', 'WRONGKEY')).toBe(8);
    expect(await storedCount('entry_reference', '9999999999')).toBe(0);
  });
});
