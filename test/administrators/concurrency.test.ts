import { countOf, useFreshDatabase } from '../support/database';
import { givenAdministrator } from '../support/builders';
import { deactivateAdministrator, updateAdministrator } from '../../src/features/administrators/service';
import { ForbiddenError } from '../../src/lib/errors';
import type { Db } from '../../src/platform/db';

/**
 * Runs on PostgreSQL too with TEST_DATABASE_URL, where two platform administrators' requests really run at the same
 * time. Nobody can take their own platform rights away, so one platform administrator always remains: two of them
 * acting on each other at the same moment must not remove both.
 */
describe('two platform administrators acting on each other at once', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  const now = new Date('2026-11-25T09:00:00Z');
  const audit = { actor: { type: 'system' as const } };
  const sessions = { destroyForUser: async () => 0 };

  async function twoPlatformAdministrators() {
    const a = await givenAdministrator(db, { role: 'platform' });
    const b = await givenAdministrator(db, { role: 'platform' });
    return { a: a.id, b: b.id, both: [a.id, b.id] };
  }

  const activePlatform = (ids: number[]) => countOf(db('administrator').whereIn('id', ids).where({ role: 'platform', active: true }));

  /** One of the two went through; the other, no longer an active platform administrator by then, was refused. */
  function expectOneRefused(results: PromiseSettledResult<unknown>[]) {
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason).toBeInstanceOf(ForbiddenError);
  }

  it('deactivating each other: one is deactivated, the other stays', async () => {
    const { a, b, both } = await twoPlatformAdministrators();
    const results = await Promise.allSettled([
      deactivateAdministrator(db, sessions, a, b, now, audit),
      deactivateAdministrator(db, sessions, b, a, now, audit),
    ]);
    expect(await activePlatform(both)).toBe(1);
    expectOneRefused(results);
  });

  it('taking each other’s platform role away: one becomes an administrator, the other stays platform', async () => {
    const { a, b, both } = await twoPlatformAdministrators();
    const demote = { displayName: 'Ex platform', role: 'admin' as const, language: 'fr' as const, accountIds: [] };
    const results = await Promise.allSettled([updateAdministrator(db, a, b, demote, now, audit), updateAdministrator(db, b, a, demote, now, audit)]);
    expect(await activePlatform(both)).toBe(1);
    expectOneRefused(results);
  });
});
