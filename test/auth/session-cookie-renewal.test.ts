import request from 'supertest';
import { createTestContext, signInAs, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator } from '../support/builders';
import { TOUCH_MIN_INTERVAL_MS } from '../../src/platform/session-store';

/**
 * The session cookie's expiry follows activity (idle timeout), but the cookie is sent again at most once per
 * TOUCH_MIN_INTERVAL_MS, not with every answer.
 */
describe('session cookie renewal', () => {
  let ctx: TestContext;
  // The app's clock decides the session's idle end (the store); express-session dates the cookie by the system time.
  const clock = new TestClock(new Date());
  const advance = (ms: number) => clock.advance(ms);
  const page = `${paths.admin.accessKeys.list}?lang=en`;

  beforeAll(async () => {
    ctx = await createTestContext({ ADMIN_IDLE_MINUTES: '30' }, { clock });
    const account = await givenAccount(ctx.deps.db);
    await givenAdministrator(ctx.deps.db, { email: 'renew@test.example', display_name: 'Renée Renouvelle' }, [account]);
  });
  afterAll(() => ctx.close());

  const sessionCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.includes('sesame.sid='));

  it('sends the cookie again only once the interval has passed, with an expiry one idle timeout ahead', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, 'renew@test.example', 'en');
    // The first request after sign-in renews (the session has never been renewed), the next ones within the interval do not.
    await agent.get(page).expect(200);
    advance(10_000);
    const soon = await agent.get(page).expect(200);
    expect(sessionCookie(soon)).toBeUndefined();
    advance(TOUCH_MIN_INTERVAL_MS - 10_000);
    const later = await agent.get(page).expect(200);
    const cookie = sessionCookie(later);
    expect(cookie).toBeDefined();
    const expires = new Date(/Expires=([^;]+)/i.exec(cookie!)![1]!).getTime();
    expect(Math.abs(expires - (Date.now() + 30 * 60_000))).toBeLessThan(2_000);
    // The session still answers with the renewed cookie.
    const again = await agent.get(page).expect(200);
    expect(sessionCookie(again)).toBeUndefined();
    expect(again.text).toContain('Renée Renouvelle');
  });

  it('keeps a session in use signed in past one idle timeout, and ends one left idle for longer', async () => {
    const active = await signInAs(ctx.app, ctx.deps, 'renew@test.example', 'en');
    const idle = await signInAs(ctx.app, ctx.deps, 'renew@test.example', 'en');
    await idle.get(page).expect(200);
    for (let minute = 0; minute < 45; minute += 5) {
      advance(5 * 60_000);
      const res = await active.get(page);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Renée Renouvelle');
    }
    const res = await idle.get(page);
    expect(res.status).not.toBe(200);
    expect(res.text).not.toContain('Renée Renouvelle');
  });
});
