import { useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import type { Db } from '../../src/platform/db';
import { transition } from '../../src/core/application/status';
import { countInStatus, countsByKeyAndStatus, countsByStatusAndPriority } from '../../src/core/application/counts-repository';

/**
 * application_count (pre-counted applications per BC, key, status, priority) is kept by triggers: whatever writes
 * `application` — inserts in bulk, transitions, priority changes, deletes — it must equal a GROUP BY of the table.
 * Runs on PostgreSQL too with TEST_DATABASE_URL.
 */
describe('application counts kept by triggers', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  let seq = 0;

  async function actual(): Promise<string[]> {
    const rows: Array<{ account_id: number; access_key_id: number; status: string; priority: string; n: number | string }> = await db('application')
      .groupBy('account_id', 'access_key_id', 'status', 'priority')
      .select('account_id', 'access_key_id', 'status', 'priority')
      .count({ n: '*' });
    return rows.map((r) => `${r.account_id}/${r.access_key_id}/${r.status}/${r.priority}=${Number(r.n)}`).sort();
  }
  /** The non-zero rows of application_count within the BCs. */
  async function counted(accountIds: number[]): Promise<string[]> {
    const rows: Array<{ account_id: number; access_key_id: number; status: string; priority: string; n: number | string }> = await db('application_count')
      .whereIn('account_id', accountIds)
      .where('n', '>', 0)
      .select('account_id', 'access_key_id', 'status', 'priority', 'n');
    return rows.map((r) => `${r.account_id}/${r.access_key_id}/${r.status}/${r.priority}=${Number(r.n)}`).sort();
  }
  function app(key: { id: number }, accountId: number, priority: 'normal' | 'urgent' = 'normal', status = 'invited') {
    seq++;
    const ts = '2026-11-20T10:00:00.000Z';
    return {
      reference: String(5_000_000_000 + seq),
      access_key_id: key.id,
      account_id: accountId,
      origin: 'bulk',
      priority,
      status,
      email: `person${seq}@test.example`,
      language: 'fr',
      status_changed_at: ts,
      created_at: ts,
      updated_at: ts,
    };
  }

  it('follows inserts, transitions, priority and key changes and deletes', async () => {
    const admin = await givenAdministrator(db);
    const [a1, a2] = [await givenAccount(db), await givenAccount(db)];
    const k1 = await givenAccessKey(db, a1, admin.id);
    const k2 = await givenAccessKey(db, a2, admin.id);
    const k1b = await givenAccessKey(db, a1, admin.id, { deleted_at: '2026-01-01T00:00:00.000Z' });

    // A bulk insert in one statement, then more in a transaction.
    await db('application').insert([app(k1, a1), app(k1, a1, 'urgent'), app(k2, a2), app(k2, a2, 'normal', 'pending_approval')]);
    await db.transaction(async (trx) => {
      await trx.batchInsert(
        'application',
        Array.from({ length: 30 }, (_, i) => app(i % 2 ? k1 : k2, i % 2 ? a1 : a2, i % 5 ? 'normal' : 'urgent', 'pending_approval')),
        10,
      );
    });
    expect(await counted([a1, a2])).toEqual(await actual());
    expect(await countInStatus(db, [a1, a2], 'pending_approval')).toBe(31);
    expect(await countInStatus(db, [a1], 'pending_approval')).toBe(15);
    expect(await countInStatus(db, [a1, a2], 'pending_approval', 'urgent')).toBe(6);

    // Transitions (one committed, one rolled back), a priority change, a move to another key, deletes.
    const ids = (await db('application').orderBy('id').select('id')).map((r: { id: number }) => Number(r.id));
    await db.transaction((trx) =>
      transition(trx, { applicationId: ids[0] as number, from: ['invited'], to: 'in_progress', actor: { type: 'employee' }, now: new Date() }),
    );
    await expect(
      db.transaction(async (trx) => {
        await transition(trx, { applicationId: ids[1] as number, from: ['invited'], to: 'cancelled', actor: { type: 'system' }, now: new Date() });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await db('application').where({ id: ids[4] }).update({ priority: 'urgent' });
    await db('application').where({ id: ids[5] }).update({ access_key_id: k1b.id, account_id: a1 });
    await db('application').where({ id: ids[6] }).update({ updated_at: '2026-11-21T00:00:00.000Z' }); // no counted column: no change
    await db('application')
      .whereIn('id', [ids[2], ids[7]] as number[])
      .delete();
    expect(await counted([a1, a2])).toEqual(await actual());
    expect(await counted([a2])).toEqual((await actual()).filter((k) => k.startsWith(`${a2}/`)));
    expect(await countInStatus(db, [], 'pending_approval')).toBe(0);

    // The grouped reads agree with the table too.
    const rows: Array<{ access_key_id: number; status: string; priority: string }> = await db('application')
      .whereIn('account_id', [a1, a2])
      .select('access_key_id', 'status', 'priority');
    const perKeyStatus = new Map<string, { n: number; urgent: number }>();
    for (const r of rows) {
      const k = `${r.access_key_id}/${r.status}`;
      const v = perKeyStatus.get(k) ?? { n: 0, urgent: 0 };
      v.n++;
      if (r.priority === 'urgent') v.urgent++;
      perKeyStatus.set(k, v);
    }
    const grouped = (await countsByKeyAndStatus(db, [a1, a2])).map((c) => [`${c.keyId}/${c.status}`, { n: c.n, urgent: c.urgent }] as const);
    expect(new Map(grouped)).toEqual(perKeyStatus);
    const byStatus = await countsByStatusAndPriority(db, [a1, a2], ['pending_approval']);
    expect(byStatus.reduce((sum, c) => sum + c.n, 0)).toBe(rows.filter((r) => r.status === 'pending_approval').length);
    expect(byStatus.find((c) => c.priority === 'urgent')?.n).toBe(rows.filter((r) => r.status === 'pending_approval' && r.priority === 'urgent').length);
  });
});
