import { useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplication } from '../support/builders';
import type { Db } from '../../src/platform/db';
import { countMatching, queueTotals } from '../../src/features/approvals/repository';
import type { Priority } from '../../src/core/application/create';
import type { Stage } from '../../src/features/approvals/schema';

/**
 * The queue's total under a key and / or priority filter comes from the pre-counted applications per key: it must
 * equal counting the applications themselves, for every combination. Runs on PostgreSQL with TEST_DATABASE_URL.
 */
describe('queue total filtered by key and priority', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  let acme: number;
  let initech: number;
  let globex: number;
  let keys: number[];

  beforeAll(async () => {
    acme = await givenAccount(db);
    initech = await givenAccount(db);
    globex = await givenAccount(db);
    const other = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [acme, initech, globex, other]);
    const k1 = { ...(await givenAccessKey(db, acme, admin.id)), accountId: acme };
    const k2 = { ...(await givenAccessKey(db, initech, admin.id)), accountId: initech };
    const k3 = { ...(await givenAccessKey(db, globex, admin.id)), accountId: globex };
    const outside = { ...(await givenAccessKey(db, other, admin.id)), accountId: other };
    keys = [k1.id, k2.id, k3.id];
    const plan: Array<[typeof k1, 'pending_approval' | 'awaiting_additional_approval' | 'approved', Priority, number]> = [
      [k1, 'pending_approval', 'normal', 3],
      [k1, 'pending_approval', 'urgent', 2],
      [k2, 'pending_approval', 'urgent', 1],
      [k2, 'awaiting_additional_approval', 'normal', 2],
      [k3, 'pending_approval', 'normal', 1],
      [k3, 'approved', 'urgent', 2],
      [outside, 'pending_approval', 'urgent', 4],
    ];
    for (const [key, status, priority, n] of plan) for (let i = 0; i < n; i++) await givenApplication(db, key, { status, priority });
  });

  const stageStatus = { ready: 'pending_approval', additional: 'awaiting_additional_approval' } as const;

  it.each(
    (['ready', 'additional'] as Stage[]).flatMap((stage) =>
      [undefined, 0, 1, 2].flatMap((keyIndex) => [undefined, 'normal', 'urgent'].map((priority) => [stage, keyIndex, priority] as const)),
    ),
  )('stage %s, key #%s, priority %s', async (stage, keyIndex, priority) => {
    const accountIds = [acme, initech, globex];
    const keyId = keyIndex === undefined ? undefined : keys[keyIndex];
    const filters = { stage, ...(keyId ? { keyId } : {}), ...(priority ? { priority: priority as Priority } : {}) };
    const counted = db('application').where('status', stageStatus[stage]).whereIn('account_id', accountIds);
    if (keyId) counted.where('access_key_id', keyId);
    if (priority) counted.where('priority', priority);
    const [row] = await counted.count<{ n: number | string }[]>({ n: '*' });
    const total = await countMatching(db, { accountIds, filters, q: '' }, await queueTotals(db, accountIds));
    expect(total).toBe(Number(row!.n));
  });
});
