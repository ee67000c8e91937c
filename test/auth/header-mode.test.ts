import request from 'supertest';
import { createTestContext, $, type TestContext } from '../support/app';
import { givenAccount, givenAdministrator } from '../support/builders';
import { paths } from '../../src/platform/paths';

const SECRET = 'proxy-secret-0123456789';

/** Administrators behind the company SSO proxy: the identity header counts only with the proxy's shared secret. */
describe('header authentication (AUTH_MODE=header)', () => {
  let ctx: TestContext;
  let acme: number;
  let globex: number;
  let claireId: number;

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_MODE: 'header', AUTH_PROXY_SECRET: SECRET });
    acme = await givenAccount(ctx.deps.db, { number: '00820400012', company_name: 'ACME SA' });
    globex = await givenAccount(ctx.deps.db, { number: '00000500036', company_name: 'Globex SA' });
    await givenAdministrator(ctx.deps.db, { email: 'paula@test.example', display_name: 'Paula Plateforme', role: 'platform' });
    claireId = (await givenAdministrator(ctx.deps.db, { email: 'claire@test.example', display_name: 'Claire Martin' }, [acme, globex])).id;
    await givenAdministrator(ctx.deps.db, { email: 'gone@test.example', display_name: 'Gone Away', active: false }, [acme]);
  });
  afterAll(() => ctx.close());

  const asProxy = (url: string, email: string, secret: string | null = SECRET) => {
    const req = request(ctx.app).get(url).set('X-Forwarded-Email', email);
    return secret === null ? req : req.set('X-Sesame-Proxy-Secret', secret);
  };

  it('signs in the administrator named by the identity header when the proxy secret is right', async () => {
    const res = await asProxy(`${paths.admin.accessKeys.list}?lang=en`, 'Claire@Test.example');
    expect(res.status).toBe(200);
    expect($(res.text)('.site-header__user').text()).toContain('Claire Martin');
    const platform = await asProxy(paths.platform.accounts.list, 'paula@test.example');
    expect(platform.status).toBe(200);
    expect($(platform.text)('.site-header__user').text()).toContain('Paula Plateforme');
  });

  it.each([
    ['without the secret', null],
    ['with a wrong secret', 'proxy-secret-0123456780'],
    ['with a secret of another length', 'nope'],
    ['with an empty secret', ''],
  ])('does not trust a spoofed identity header %s: 401 page', async (_what, secret) => {
    const res = await asProxy(`${paths.platform.accounts.list}?lang=en`, 'paula@test.example', secret);
    expect(res.status).toBe(401);
    expect($(res.text)('main').text()).toContain('You need to be signed in to see this page.');
    expect($(res.text)('.site-header__user').length).toBe(0);
    expect(res.text).not.toContain('Paula Plateforme');
  });

  it('answers 401 when the proxy sends its secret but no identity', async () => {
    const res = await request(ctx.app).get(paths.admin.accessKeys.list).set('X-Sesame-Proxy-Secret', SECRET);
    expect(res.status).toBe(401);
  });

  it.each([
    ['fr', 'Votre compte n’est pas enregistré comme gestionnaire dans Sésame'],
    ['en', 'Your account is not registered as an administrator in Sésame'],
  ])('shows a clear 403 page in %s to a signed-in company user who is not an administrator', async (lang, message) => {
    const res = await asProxy(`${paths.admin.accessKeys.list}?lang=${lang}`, 'stranger@test.example');
    expect(res.status).toBe(403);
    expect($(res.text)('main').text()).toContain(message);
    expect($(res.text)('html').attr('lang')).toBe(lang);
  });

  it('refuses a deactivated administrator with the same 403 page', async () => {
    const res = await asProxy(`${paths.admin.accessKeys.list}?lang=en`, 'gone@test.example');
    expect(res.status).toBe(403);
    expect($(res.text)('main').text()).toContain('not registered as an administrator');
    expect(res.text).not.toContain('Gone Away');
  });

  it('never remembers the identity in the session: each request needs the proxy again', async () => {
    const agent = request.agent(ctx.app);
    const first = await agent.get(paths.admin.accessKeys.create).set('X-Forwarded-Email', 'claire@test.example').set('X-Sesame-Proxy-Secret', SECRET);
    expect(first.status).toBe(200);
    const second = await agent.get(paths.admin.accessKeys.create);
    expect(second.status).toBe(401);
  });

  it('reloads BC memberships and role on every request', async () => {
    const before = await asProxy(paths.admin.accessKeys.create, 'claire@test.example');
    expect(before.status).toBe(200);
    expect($(before.text)('main').text()).toContain('00820400012');
    expect($(before.text)('main').text()).toContain('00000500036');

    await ctx.deps.db('administrator_account').where({ administrator_id: claireId, account_id: globex }).delete();
    const after = await asProxy(paths.admin.accessKeys.create, 'claire@test.example');
    expect($(after.text)('main').text()).toContain('00820400012');
    expect($(after.text)('main').text()).not.toContain('00000500036');

    expect((await asProxy(paths.platform.accounts.list, 'claire@test.example')).status).toBe(403);
    await ctx.deps.db('administrator').where({ id: claireId }).update({ role: 'platform' });
    expect((await asProxy(paths.platform.accounts.list, 'claire@test.example')).status).toBe(200);
    await ctx.deps.db('administrator').where({ id: claireId }).update({ role: 'admin' });
    expect((await asProxy(paths.platform.accounts.list, 'claire@test.example')).status).toBe(403);
  });

  it('has no dev sign-in page', async () => {
    expect((await request(ctx.app).get(paths.auth.signIn)).status).toBe(404);
  });
});
