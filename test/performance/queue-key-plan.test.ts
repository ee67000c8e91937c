import { useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplication } from '../support/builders';
import { isSqlite, refreshPlannerStatistics, type Db } from '../../src/platform/db';
import { queuePage } from '../../src/features/approvals/repository';

/**
 * The queue filtered by key (and priority) reads the key's entries in date order from an index, instead of sorting
 * all of them (issue 15: flat with the data). SQLite's plan is checked; PostgreSQL plans by its own statistics.
 */
describe('queue filtered by key: read in index order', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));

  it.each([
    ['key and priority', 'normal', 'application_queue_key_priority_idx'],
    ['key alone', undefined, 'application_queue_key_idx'],
  ] as const)('%s', async (_label, priority, index) => {
    if (!isSqlite(db)) return;
    const account = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [account]);
    const key = { ...(await givenAccessKey(db, account, admin.id)), accountId: account };
    for (let i = 0; i < 30; i++) await givenApplication(db, key, { status: 'pending_approval', priority: i % 3 ? 'normal' : 'urgent' });
    await refreshPlannerStatistics(db);
    const seen: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
    db.on('query', listen);
    let rows;
    try {
      rows = await queuePage(
        db,
        { accountIds: [account], filters: { stage: 'ready', keyId: key.id, ...(priority ? { priority } : {}) }, q: '' },
        'createdAt',
        'asc',
        10,
        0,
      );
    } finally {
      db.removeListener('query', listen);
    }
    expect(rows).toHaveLength(10);
    const page = seen.find((q) => q.sql.includes('order by'));
    const plan = (await db.raw(`explain query plan ${page!.sql}`, page!.bindings as never)) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' | ')).toContain(`USING INDEX ${index}`);
  });
});
