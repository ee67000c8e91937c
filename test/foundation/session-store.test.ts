import type session from 'express-session';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { KnexSessionStore, TOUCH_MIN_INTERVAL_MS } from '../../src/platform/session-store';

/** The session store writes a rolling session's new expiry only when it moves by a minute or more (no write per page). */
describe('session store: touch', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let store: KnexSessionStore;

  const cb = <T extends unknown[]>(fn: (done: (...args: T) => void) => void) => new Promise<T>((resolve) => fn((...args: T) => resolve(args)));
  /** A session touched when the clock says `at - maxAge`: it now expires at `at`. */
  const sessionExpiring = (at: number, maxAge = 3600_000) => {
    clock.current = new Date(at - maxAge);
    return { cookie: { expires: new Date(at), originalMaxAge: maxAge } } as unknown as session.SessionData;
  };
  const storedExpiry = async (sid: string) => Number((await ctx.deps.db('session').where({ sid }).first('expires_at'))?.expires_at);

  beforeEach(async () => {
    clock = new TestClock(new Date('2026-11-24T10:00:00Z'));
    ctx = await createTestContext({}, { clock });
    store = new KnexSessionStore(ctx.deps.db, ctx.deps.logger, () => clock.now());
  });
  afterEach(async () => ctx.close());

  it('skips the write while the expiry moves by less than the interval, writes it once it moves more', async () => {
    const t0 = new Date('2026-11-24T10:00:00Z').getTime();
    await cb((done) => store.set('sid-1', sessionExpiring(t0 + 3600_000), done));
    expect(await storedExpiry('sid-1')).toBe(t0 + 3600_000);

    // Next request, 10 s later: read, then touched with an expiry 10 s further.
    await cb((done) => store.get('sid-1', done));
    await cb((done) => store.touch('sid-1', sessionExpiring(t0 + 10_000 + 3600_000), done));
    expect(await storedExpiry('sid-1')).toBe(t0 + 3600_000);

    // A request past the interval: written.
    await cb((done) => store.get('sid-1', done));
    const later = t0 + TOUCH_MIN_INTERVAL_MS + 3600_000;
    await cb((done) => store.touch('sid-1', sessionExpiring(later), done));
    expect(await storedExpiry('sid-1')).toBe(later);
  });

  it('writes when it does not know what is stored (another instance wrote it)', async () => {
    const t0 = new Date('2026-11-24T10:00:00Z').getTime();
    await cb((done) => store.set('sid-2', sessionExpiring(t0 + 3600_000), done));
    const other = new KnexSessionStore(ctx.deps.db, ctx.deps.logger, () => clock.now());
    await cb((done) => other.touch('sid-2', sessionExpiring(t0 + 1000 + 3600_000), done));
    expect(await storedExpiry('sid-2')).toBe(t0 + 1000 + 3600_000);
  });

  it('concurrent requests of one session write the new expiry once', async () => {
    const t0 = new Date('2026-11-24T10:00:00Z').getTime();
    await cb((done) => store.set('sid-4', sessionExpiring(t0 + 3600_000), done));
    const writes: string[] = [];
    const listener = (q: { sql: string }) => {
      if (/^update/i.test(q.sql)) writes.push(q.sql);
    };
    ctx.deps.db.on('query', listener);
    try {
      // Twenty requests read the session, then each touches it two minutes later.
      await Promise.all(Array.from({ length: 20 }, () => cb((done) => store.get('sid-4', done))));
      const later = t0 + 120_000 + 3600_000;
      await Promise.all(Array.from({ length: 20 }, (_, i) => cb((done) => store.touch('sid-4', sessionExpiring(later + i), done))));
    } finally {
      ctx.deps.db.removeListener('query', listener);
    }
    expect(writes).toHaveLength(1);
    expect(await storedExpiry('sid-4')).toBe(t0 + 120_000 + 3600_000);
  });

  it('a shorter expiry (the employee idle timeout) is always written', async () => {
    const t0 = new Date('2026-11-24T10:00:00Z').getTime();
    await cb((done) => store.set('sid-3', sessionExpiring(t0 + 3600_000), done));
    await cb((done) => store.get('sid-3', done));
    await cb((done) => store.touch('sid-3', sessionExpiring(t0 + 1800_000, 1800_000), done));
    expect(await storedExpiry('sid-3')).toBe(t0 + 1800_000);
  });
});
