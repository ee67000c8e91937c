import { freshDatabase, type FreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplication } from '../support/builders';
import type { Db } from '../../src/platform/db';
import { countInStatus, countsByKeyAndStatus, countsByStatusAndPriority } from '../../src/core/application/counts-repository';
import { readCountsVersion } from '../../src/core/data-version/repository';

/**
 * The pre-counted applications of an administrator's BCs (the tab, the queue totals, the status summary) are kept per
 * process under the BCs' count version (issue 15): served from memory while nothing changes, and a change made by
 * anyone — this process, another instance (a second connection here) — counts from the very next read. Runs on
 * PostgreSQL with TEST_DATABASE_URL.
 */
describe('counts kept under the BCs’ count version', () => {
  let fresh: FreshDatabase;
  let db: Db;
  let other: Db;
  let acme: number;
  let beta: number;
  let acmeKey: { id: number; number: string; accountId: number };
  let betaKey: { id: number; number: string; accountId: number };

  beforeAll(async () => {
    fresh = await freshDatabase();
    db = fresh.open();
    other = fresh.open();
    acme = await givenAccount(db);
    beta = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [acme, beta]);
    acmeKey = { ...(await givenAccessKey(db, acme, admin.id)), accountId: acme };
    betaKey = { ...(await givenAccessKey(db, beta, admin.id)), accountId: beta };
    await givenApplication(db, acmeKey, { status: 'pending_approval' });
  });
  afterAll(async () => {
    await other.destroy();
    await db.destroy();
    await fresh.drop();
  });

  /** The statements Knex announces while `run` runs (hot reads are not announced; the counts' loads are). */
  async function countingReads(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const listen = (q: { sql: string }) => seen.push(q.sql);
    db.on('query', listen);
    try {
      await run();
    } finally {
      db.removeListener('query', listen);
    }
    return seen.filter((sql) => sql.includes('application_count'));
  }

  it('reads the per-key counts once, then serves them from memory while nothing changes', async () => {
    const first = await countingReads(() => countsByKeyAndStatus(db, [acme, beta]));
    expect(first).toHaveLength(1);
    const again = await countingReads(() => countsByKeyAndStatus(db, [acme, beta]));
    expect(again).toHaveLength(0);
    expect(await countsByKeyAndStatus(db, [acme, beta])).toEqual([{ keyId: acmeKey.id, status: 'pending_approval', n: 1, urgent: 0 }]);
  });

  it('shows an application created by another instance on the very next read, in every count', async () => {
    const tab = await countInStatus(db, [acme, beta], 'pending_approval');
    const totals = await countsByStatusAndPriority(db, [acme, beta], ['pending_approval']);
    await givenApplication(other, betaKey, { status: 'pending_approval', priority: 'urgent' });
    expect(await countInStatus(db, [acme, beta], 'pending_approval')).toBe(tab + 1);
    expect(await countsByStatusAndPriority(db, [acme, beta], ['pending_approval'])).toEqual(
      expect.arrayContaining([...totals, { status: 'pending_approval', priority: 'urgent', n: 1 }]),
    );
    expect(await countsByKeyAndStatus(db, [acme, beta])).toEqual(expect.arrayContaining([{ keyId: betaKey.id, status: 'pending_approval', n: 1, urgent: 1 }]));
  });

  it('follows a change of status made by another instance', async () => {
    const before = await countInStatus(db, [acme], 'pending_approval');
    const app = await givenApplication(db, acmeKey, { status: 'pending_approval' });
    expect(await countInStatus(db, [acme], 'pending_approval')).toBe(before + 1);
    await other('application').where({ id: app.id }).update({ status: 'approved' });
    expect(await countInStatus(db, [acme], 'pending_approval')).toBe(before);
  });

  it('moves the version when a BC’s counts change: on PostgreSQL that BC’s only (writers of other BCs never wait on it)', async () => {
    const acmeBefore = await readCountsVersion(db, JSON.stringify([acme]));
    const betaBefore = await readCountsVersion(db, JSON.stringify([beta]));
    await givenApplication(other, betaKey);
    const acmeAfter = await readCountsVersion(db, JSON.stringify([acme]));
    expect(Number(await readCountsVersion(db, JSON.stringify([beta])))).toBeGreaterThan(Number(betaBefore));
    // SQLite, one writer at a time: one version for every BC (one row to read on every page instead of one per BC).
    if (fresh.isPostgres) expect(acmeAfter).toBe(acmeBefore);
    else expect(Number(acmeAfter)).toBeGreaterThan(Number(acmeBefore));
  });

  it('never keeps what a transaction read of its own writes when it rolls back', async () => {
    const before = await countInStatus(db, [acme], 'pending_approval');
    await expect(
      db.transaction(async (trx) => {
        await givenApplication(trx, acmeKey, { status: 'pending_approval' });
        expect(await countInStatus(trx, [acme], 'pending_approval')).toBe(before + 1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await countInStatus(db, [acme], 'pending_approval')).toBe(before);
    // A later write reaching the same version shows its own count, not the rolled-back one.
    await givenApplication(other, acmeKey, { status: 'approved' });
    expect(await countInStatus(db, [acme], 'pending_approval')).toBe(before);
  });
});
