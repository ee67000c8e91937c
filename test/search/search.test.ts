import request from 'supertest';
import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplicationRow, type Key } from '../support/builders';

/** Issue 16 item 1: the search box of every administrator page. */
describe('find anything: the administrator’s search', () => {
  let ctx: TestContext;
  let key: Key;
  let admin: { id: number; email: string };
  let herve: { id: number; reference: string };
  let cancelled: { id: number; reference: string };
  let foreign: { id: number; reference: string };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    const other = await givenAccount(db);
    admin = await givenAdministrator(db, { email: 'alice@acme.example' }, [account]);
    const bob = await givenAdministrator(db, { email: 'bob@globex.example' }, [other]);
    key = { ...(await givenAccessKey(db, account, admin.id, { name: 'Siège' })), accountId: account };
    const otherKey = { ...(await givenAccessKey(db, other, bob.id)), accountId: other };
    herve = await givenApplicationRow(db, { reference: '4975300125', first_name: 'Hervé', last_name: 'Hervé-Müller', email: 'h.muller@acme.example' }, key);
    cancelled = await givenApplicationRow(
      db,
      { reference: '4975300133', first_name: 'Zoé', last_name: 'Martin', email: 'zoe.martin@acme.example', status: 'cancelled' },
      key,
    );
    await givenApplicationRow(
      db,
      { reference: '4975300141', first_name: 'Louis', last_name: 'Martin', email: 'louis.martin@acme.example', status: 'approved' },
      key,
    );
    foreign = await givenApplicationRow(
      db,
      { reference: '4975300158', first_name: 'Hervé', last_name: 'Dubois', email: 'herve.dubois@globex.example' },
      otherKey,
    );
  });
  afterAll(() => ctx.close());

  const search = async (q: string, lang: 'fr' | 'en' = 'en') =>
    (await signInAs(ctx.app, ctx.deps, admin.email, lang)).get(`${paths.admin.search}?q=${encodeURIComponent(q)}`);

  it('every administrator page has the search box in its header: a GET form with a label', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, admin.email, 'fr');
    for (const page of [paths.admin.accessKeys.list, paths.admin.approvals.list, paths.admin.tracking.summary]) {
      const html = $((await agent.get(page)).text);
      const form = html('header form[role="search"]');
      expect(form.attr('method')).toBe('get');
      expect(form.attr('action')).toBe(paths.admin.search);
      expect(html('header label[for="site-search"]').text()).toBe('Rechercher une demande');
      expect(html('header input#site-search').attr('name')).toBe('q');
    }
    // Not on the employees' pages.
    const employee = $((await request(ctx.app).get(`${paths.employee.entry}?lang=fr`)).text);
    expect(employee('header form[role="search"]').length).toBe(0);
  });

  it('ignores case and accents, finds parts of words and goes straight to the one application found', async () => {
    for (const q of ['herve', 'HERVÉ-MÜLL', 'muller', 'h.mul']) {
      const res = await search(q);
      expect([q, res.status, res.headers.location]).toEqual([q, 303, paths.admin.applications.show(herve.id)]);
    }
  });

  it('finds a reference typed with or without spaces, in any status', async () => {
    for (const q of ['4975300133', '497 530 0133', '497.530.0133', '0133']) {
      const res = await search(q);
      expect([q, res.headers.location]).toEqual([q, paths.admin.applications.show(cancelled.id)]);
    }
  });

  it('lists several results with their status and key, only in the administrator’s BCs (fr and en)', async () => {
    const en = $((await search('martin', 'en')).text);
    expect(en('#search-count').text()).toBe('2 applications found for “martin”');
    const rows = en('#search-results tbody tr');
    expect(rows.length).toBe(2);
    expect(en('#search-results').text()).toContain('Cancelled');
    expect(en('#search-results').text()).toContain('Approved');
    expect(en('#search-results').text()).toContain('Siège');
    const fr = $((await search('martin', 'fr')).text);
    expect(fr('#search-count').text()).toBe('2 demandes trouvées pour « martin »');
    expect(fr('#search-results').text()).toContain('Annulée');
    // Another BC's Hervé is never found: the one of the administrator's BCs is the only match.
    expect((await search('hervé')).headers.location).toBe(paths.admin.applications.show(herve.id));
    const none = $((await search(foreign.reference)).text);
    expect(none('#search-results').length).toBe(0);
    expect(none('#search-count').text()).toBe('0 applications found for “4975300158”');
  });

  it('a name changed afterwards is found by its new value, not the old one (the index follows the writes)', async () => {
    const row = await givenApplicationRow(ctx.deps.db, { first_name: 'Anaïs', last_name: 'Lefèvre', email: 'anais@acme.example' }, key);
    expect((await search('lefevre')).headers.location).toBe(paths.admin.applications.show(row.id));
    await ctx.deps.db('application').where({ id: row.id }).update({ last_name: 'Rousseau' });
    expect((await search('rousseau')).headers.location).toBe(paths.admin.applications.show(row.id));
    expect($((await search('lefevre')).text)('#search-count').text()).toBe('0 applications found for “lefevre”');
  });

  it('answers a search of 10,000 characters, an empty one or a too short one clearly, in both languages', async () => {
    const long = 'a'.repeat(10_000);
    const en = await search(long, 'en');
    expect(en.status).toBe(400);
    expect($(en.text)('.error-summary').text()).toContain('The search must be 200 characters or fewer');
    expect($(en.text)('#q').attr('aria-invalid')).toBe('true');
    const fr = await search(long, 'fr');
    expect($(fr.text)('.error-summary').text()).toContain('La recherche doit comporter 200 caractères au maximum');
    expect($((await search('', 'fr')).text)('.error-summary').text()).toContain('Saisissez un numéro de référence');
    expect($((await search('zo', 'en')).text)('.error-summary').text()).toContain('Enter at least 3 characters');
  });

  it('is for administrators only', async () => {
    const res = await request(ctx.app).get(`${paths.admin.search}?q=herve`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toContain(paths.auth.signIn);
  });
});
