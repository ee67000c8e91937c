import { useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import type { Db } from '../../src/platform/db';
import { QUEUE_SORTS, queuePage, queueTotals, type QueueSearch } from '../../src/features/approvals/repository';

/**
 * The approval queue chooses a page in the second half from the end (fewer index entries to skip): every page, in
 * every sort and direction, must hold exactly the rows the plain OFFSET gives, in the same order — ties included.
 */
describe('approval queue pages read from the end', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  let search: QueueSearch;
  const TOTAL = 47;

  beforeAll(async () => {
    const admin = await givenAdministrator(db);
    const accounts = [await givenAccount(db), await givenAccount(db), await givenAccount(db)];
    const keys: Array<{ id: number; accountId: number }> = [];
    for (const a of accounts) keys.push({ ...(await givenAccessKey(db, a, admin.id)), accountId: a });
    const rows = Array.from({ length: TOTAL + 5 }, (_, i) => {
      const key = keys[i % keys.length] as { id: number; accountId: number };
      // Few distinct dates and names: many ties, broken by the id.
      const at = `2026-11-${String(10 + (i % 4)).padStart(2, '0')}T09:00:00.000Z`;
      return {
        reference: String(6_000_000_000 + ((i * 7919) % 1000)),
        access_key_id: key.id,
        account_id: key.accountId,
        origin: 'bulk',
        priority: i % 3 ? 'normal' : 'urgent',
        status: i < TOTAL ? 'pending_approval' : 'approved',
        first_name: `P${i % 5}`,
        last_name: `N${i % 3}`,
        email: `p${i}@test.example`,
        language: 'fr',
        status_changed_at: at,
        created_at: at,
        updated_at: at,
      };
    });
    // Another BC's pending applications, interleaved in date order: never on these pages, whichever plan is used.
    const other = await givenAccount(db);
    const otherKey = await givenAccessKey(db, other, admin.id);
    for (let i = 0; i < 40; i++) {
      const at = `2026-11-${String(10 + (i % 4)).padStart(2, '0')}T09:00:00.000Z`;
      rows.push({
        ...(rows[0] as (typeof rows)[number]),
        reference: String(7_000_000_000 + i),
        access_key_id: otherKey.id,
        account_id: other,
        status: 'pending_approval',
        email: `o${i}@test.example`,
        created_at: at,
        status_changed_at: at,
        updated_at: at,
      });
    }
    await db('application').insert(rows);
    search = { accountIds: accounts, filters: { stage: 'ready' }, q: '' };
  });

  it('gives the same rows as the plain offset on every page', async () => {
    expect((await queueTotals(db, search.accountIds)).all).toBe(TOTAL);
    for (const sort of QUEUE_SORTS) {
      for (const dir of ['asc', 'desc'] as const) {
        for (const size of [10, 25]) {
          for (let offset = 0; offset < TOTAL; offset += size) {
            const plain = (await queuePage(db, search, sort, dir, size, offset)).map((r) => r.id);
            const fromEnd = (await queuePage(db, search, sort, dir, size, offset, TOTAL)).map((r) => r.id);
            expect({ sort, dir, size, offset, ids: fromEnd }).toEqual({ sort, dir, size, offset, ids: plain });
            expect(plain.length).toBe(Math.min(size, TOTAL - offset));
            const [foreign] = await db('application').whereIn('id', plain).whereNotIn('account_id', search.accountIds).count({ n: '*' });
            expect(Number(foreign?.n)).toBe(0);
          }
        }
      }
    }
  });
});
