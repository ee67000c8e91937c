import request from 'supertest';
import { createTestContext, signInAs, getCsrf, $, type TestContext } from '../support/app';
import { givenAdministrator } from '../support/builders';

describe('the base app', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    await givenAdministrator(ctx.deps.db, { email: 'claire@test.example', display_name: 'Claire Test' });
  });
  afterAll(() => ctx.close());

  it('answers /healthz and /readyz', async () => {
    expect((await request(ctx.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(ctx.app).get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('sends strict security headers and no X-Powered-By', async () => {
    const res = await request(ctx.app).get('/sign-in');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['fr', 'Page introuvable'],
    ['en', 'Page not found'],
  ])('renders the 404 page in %s without jargon', async (lang, title) => {
    const res = await request(ctx.app).get(`/no-such-page?lang=${lang}`);
    expect(res.status).toBe(404);
    expect($(res.text)('h1').text()).toBe(title);
    expect($(res.text)('html').attr('lang')).toBe(lang);
    expect(res.text).not.toContain('404');
  });

  it('guesses the language from Accept-Language, and remembers the switch for the session', async () => {
    const agent = request.agent(ctx.app);
    const first = await agent.get('/sign-in').set('Accept-Language', 'en-GB,en;q=0.9,fr;q=0.5');
    expect($(first.text)('html').attr('lang')).toBe('en');
    expect($(first.text)('a[hreflang="fr"]').text()).toBe('Passer en français');
    // a session exists once a form has been shown (CSRF token); the switch is remembered in it
    await agent.get('/sign-in?lang=fr');
    const later = await agent.get('/sign-in').set('Accept-Language', 'en');
    expect($(later.text)('html').attr('lang')).toBe('fr');
  });

  it('refuses a state-changing form without its CSRF token, and changes nothing', async () => {
    const agent = request.agent(ctx.app);
    await agent.get('/sign-in');
    const admin = await ctx.deps.db('administrator').where({ email: 'claire@test.example' }).first();
    const res = await agent.post('/sign-in').type('form').send({ administratorId: admin.id });
    expect(res.status).toBe(403);
    expect($(res.text)('h1').text()).toBe('Le formulaire a expiré');
    const after = await agent.get('/admin');
    expect(after.status).toBe(303);
  });

  it('refuses a forged token and a cross-site request', async () => {
    const agent = request.agent(ctx.app);
    const token = await getCsrf(agent, '/sign-in');
    const forged = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')), administratorId: 1 });
    expect(forged.status).toBe(403);
    const crossSite = await agent.post('/sign-in').set('Sec-Fetch-Site', 'cross-site').type('form').send({ _csrf: token, administratorId: 1 });
    expect(crossSite.status).toBe(403);
  });

  it('refuses multipart bodies on routes that do not take uploads', async () => {
    const agent = request.agent(ctx.app);
    await getCsrf(agent, '/sign-in');
    const res = await agent.post('/sign-in').attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(403);
  });

  it('sends administrators who are not signed in to the sign-in page (dev mode)', async () => {
    const res = await request(ctx.app).get('/admin');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in?returnTo=%2Fadmin');
  });

  it('signs in through the dev page with a regenerated, httpOnly, SameSite session cookie', async () => {
    const agent = request.agent(ctx.app);
    const before = await agent.get('/sign-in');
    const cookieBefore = String(before.headers['set-cookie']);
    const token = getCsrfFromText(before.text);
    const admin = await ctx.deps.db('administrator').where({ email: 'claire@test.example' }).first();
    const res = await agent.post('/sign-in').type('form').send({ _csrf: token, administratorId: admin.id, returnTo: 'https://evil.example/' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie.split(';')[0]).not.toBe(cookieBefore.split(';')[0]);
  });

  it('shows the administrator name and the tabs once signed in', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, 'claire@test.example');
    const res = await agent.get('/sign-in');
    expect($(res.text)('.site-header__user').text()).toContain('Claire Test');
    expect($(res.text)('nav.tabs a').length).toBeGreaterThanOrEqual(5);
  });

  it('rejects an unknown administrator id with a translated error', async () => {
    const agent = request.agent(ctx.app);
    const token = await getCsrf(agent, '/sign-in?lang=en');
    const res = await agent.post('/sign-in').type('form').send({ _csrf: token, administratorId: 999999 });
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('Choose an administrator');
    expect($(res.text)('title').text()).toMatch(/^Error:/);
  });
});

function getCsrfFromText(html: string): string {
  return String($(html)('input[name="_csrf"]').val());
}
