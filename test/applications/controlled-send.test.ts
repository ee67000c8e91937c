import supertest from 'supertest';
import { createTestContext, signInAs, getCsrf, $, TestClock, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';
import { outboxRows } from '../support/outbox';

describe('controlled send: initiate one application from a key', () => {
  let ctx: TestContext;
  let accountA: number;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: { id: number; number: string };
  let keyB: { id: number; number: string };

  const valid = {
    priority: 'normal',
    title: 'mrs',
    firstName: 'Anne-Sophie',
    lastName: 'N’Diaye',
    email: 'Anne-Sophie.NDiaye@Acme.example',
    language: 'en',
  };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    accountA = await givenAccount(db, { company_name: 'ACME Test SA' });
    const accountB = await givenAccount(db);
    adminA = await givenAdministrator(db, {}, [accountA]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = await givenAccessKey(db, accountA, adminA.id, { name: 'Finance' });
    keyB = await givenAccessKey(db, accountB, adminB.id);
  });
  afterAll(() => ctx.close());

  async function post(agent: Agent, keyId: number, body: Record<string, string>, lang = 'fr') {
    const token = await getCsrf(agent, `${paths.admin.applications.initiate(keyId)}?lang=${lang}`);
    return agent
      .post(paths.admin.applications.initiate(keyId))
      .type('form')
      .send({ _csrf: token, ...body });
  }

  async function count(table: string): Promise<number> {
    const [row] = await ctx.deps.db(table).count<{ n: number }[]>({ n: '*' });
    return Number(row?.n ?? 0);
  }

  it('shows the form with the key, the urgent terms and the fee, language defaulting to the page language', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const res = await agent.get(paths.admin.applications.initiate(keyA.id));
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe('Initiate an application');
    expect(page('.summary-list').text()).toContain('Finance');
    expect(page('.summary-list').text()).toContain(keyA.number);
    expect(page('#urgent-terms').text()).toContain('within 5 business days');
    expect(page('#urgent-terms').text()).toContain('€30');
    expect(page('#urgent-terms').text()).toContain('magnetic-stripe');
    expect(page('#urgent-terms').text()).toContain('PIN is not possible');
    expect(page('input[name="language"][value="en"]').attr('checked')).toBeDefined();
    expect(page('input[name="priority"][value="normal"]').attr('checked')).toBeDefined();
    expect(page('form[novalidate] input[name="_csrf"]').length).toBe(1);
  });

  it('creates the application (invited, history) and queues e-mails 1 and 2 in the chosen language', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    const res = await post(agent, keyA.id, valid);
    expect(res.status).toBe(303);
    const app = await ctx.deps.db('application').where({ email: 'anne-sophie.ndiaye@acme.example' }).first();
    expect(res.headers.location).toBe(paths.admin.applications.show(app.id));
    expect(app).toMatchObject({
      status: 'invited',
      origin: 'controlled',
      initiated_by: adminA.id,
      priority: 'normal',
      title: 'mrs',
      first_name: 'Anne-Sophie',
      last_name: 'N’Diaye',
      language: 'en',
      access_key_id: keyA.id,
      account_id: accountA,
    });
    expect(app.reference).toMatch(/^\d{10}$/);
    const history = await ctx.deps.db('application_status_history').where({ application_id: app.id });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ from_status: null, to_status: 'invited', actor_type: 'admin', actor_id: adminA.id });
    const mails = await outboxRows(ctx.deps.db, app.id);
    expect(mails.map((m) => m.template).sort()).toEqual(['invitation-key', 'invitation-link']);
    expect(mails.every((m) => m.language === 'en' && m.recipient === 'anne-sophie.ndiaye@acme.example')).toBe(true);
    expect(JSON.parse(mails.find((m) => m.template === 'invitation-key')!.data).accessKey).toBe(keyA.number);
    expect(JSON.parse(mails.find((m) => m.template === 'invitation-link')!.data).reference).toBe(app.reference);

    const shown = await agent.get(res.headers.location as string);
    expect($(shown.text)('.banner').text()).toContain(app.reference);
  });

  it('accepts an urgent application once its terms are accepted', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    const res = await post(agent, keyA.id, { ...valid, email: 'urgent@acme.example', priority: 'urgent', urgentTermsAccepted: 'yes' });
    expect(res.status).toBe(303);
    expect((await ctx.deps.db('application').where({ email: 'urgent@acme.example' }).first()).priority).toBe('urgent');
  });

  it('refuses an urgent application whose terms are not accepted', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const before = await count('application');
    const res = await post(agent, keyA.id, { ...valid, email: 'urgent2@acme.example', priority: 'urgent' }, 'en');
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('#urgentTermsAccepted-error').text()).toContain('Accept the terms of an urgent application');
    expect(page('.error-summary a[href="#urgentTermsAccepted"]').length).toBe(1);
    expect(page('input[name="priority"][value="urgent"]').attr('checked')).toBeDefined();
    expect(await count('application')).toBe(before);
  });

  it.each([
    ['priority', { priority: '' }, 'Choose the priority of the application'],
    ['priority', { priority: 'express' }, 'Choose the priority of the application'],
    ['title', { title: '' }, 'Choose a title'],
    ['title', { title: 'dr' }, 'Choose a title'],
    ['firstName', { firstName: '' }, 'Enter the first name'],
    ['firstName', { firstName: '   ' }, 'Enter the first name'],
    ['firstName', { firstName: 'A'.repeat(61) }, 'First name must be 60 characters or fewer'],
    ['firstName', { firstName: 'R2-D2' }, 'First name must only include letters, spaces, hyphens and apostrophes'],
    ['firstName', { firstName: '<script>' }, 'First name must only include letters, spaces, hyphens and apostrophes'],
    ['lastName', { lastName: '' }, 'Enter the last name'],
    ['lastName', { lastName: 'B'.repeat(61) }, 'Last name must be 60 characters or fewer'],
    ['lastName', { lastName: 'Smith & Co' }, 'Last name must only include letters, spaces, hyphens and apostrophes'],
    ['email', { email: '' }, 'Enter the e-mail address'],
    ['email', { email: 'not-an-email' }, 'Enter a valid e-mail address'],
    ['email', { email: `${'a'.repeat(250)}@x.fr` }, 'E-mail address must be 254 characters or fewer'],
    ['language', { language: '' }, 'Choose the correspondence language'],
    ['language', { language: 'de' }, 'Choose the correspondence language'],
  ])('refuses an invalid %s (%j) with a translated error, keeping the values', async (field, override, message) => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const before = await count('application');
    const res = await post(agent, keyA.id, { ...valid, email: 'someone.new@acme.example', ...override }, 'en');
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('title').text()).toMatch(/^Error:/);
    expect(page(`#${field}-error`).text()).toContain(message);
    expect(page(`.error-summary a[href="#${field}"]`).text()).toContain(message);
    if (field !== 'firstName') expect(page('#firstName').val()).toBe('Anne-Sophie');
    expect(await count('application')).toBe(before);
  });

  it('refuses an e-mail that already has an open application on the key (whatever its case), but not a cancelled one', async () => {
    const db = ctx.deps.db;
    await givenApplication(db, { ...keyA, accountId: accountA }, { email: 'taken@acme.example', status: 'pending_approval' });
    await givenApplication(db, { ...keyA, accountId: accountA }, { email: 'was-cancelled@acme.example', status: 'cancelled' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const before = await count('application');
    const dup = await post(agent, keyA.id, { ...valid, email: 'TAKEN@acme.example' }, 'en');
    expect(dup.status).toBe(400);
    expect($(dup.text)('#email-error').text()).toContain('already has an open application on this access key');
    expect(await count('application')).toBe(before);
    const again = await post(agent, keyA.id, { ...valid, email: 'was-cancelled@acme.example' }, 'en');
    expect(again.status).toBe(303);
  });

  it('refuses an expired key with a translated message and creates nothing', async () => {
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    await db('administrator_account').insert({ administrator_id: adminA.id, account_id: account });
    const expired = await givenAccessKey(db, account, adminA.id, { expires_on: '2026-01-31' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = await agent.get(`${paths.admin.applications.initiate(expired.id)}?lang=en`);
    expect(page.status).toBe(409);
    expect($(page.text)('main p').first().text()).toContain('This access key has expired');
    const token = await getCsrf(agent, `${paths.admin.applications.initiate(keyA.id)}`);
    const before = await count('application');
    const res = await agent
      .post(paths.admin.applications.initiate(expired.id))
      .type('form')
      .send({ _csrf: token, ...valid, email: 'late@acme.example' });
    expect(res.status).toBe(409);
    expect(await count('application')).toBe(before);
  });

  it('refuses a deleted key', async () => {
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    await db('administrator_account').insert({ administrator_id: adminA.id, account_id: account });
    const deleted = await givenAccessKey(db, account, adminA.id, { deleted_at: '2026-11-01T00:00:00.000Z', deleted_by: adminA.id });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
    const page = await agent.get(paths.admin.applications.initiate(deleted.id));
    expect(page.status).toBe(409);
    expect($(page.text)('main').text()).toContain('Cette clé d’accès a été supprimée');
  });

  it('answers 404 for another BC’s key, on GET and POST, and creates nothing', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    expect((await agent.get(paths.admin.applications.initiate(keyB.id))).status).toBe(404);
    const token = await getCsrf(agent, paths.admin.applications.initiate(keyA.id));
    const before = await count('application');
    const res = await agent
      .post(paths.admin.applications.initiate(keyB.id))
      .type('form')
      .send({ _csrf: token, ...valid, email: 'intruder@acme.example' });
    expect(res.status).toBe(404);
    expect(await count('application')).toBe(before);
    // ... while its own administrator can use it
    const owner = await signInAs(ctx.app, ctx.deps, adminB.email);
    expect((await owner.get(paths.admin.applications.initiate(keyB.id))).status).toBe(200);
  });

  it('sends an anonymous visitor to sign in and refuses a POST without its CSRF token', async () => {
    const anon = await supertest(ctx.app).get(paths.admin.applications.initiate(keyA.id));
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toContain(paths.auth.signIn);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    const before = await count('application');
    const res = await agent
      .post(paths.admin.applications.initiate(keyA.id))
      .type('form')
      .send({ ...valid, email: 'nocsrf@acme.example' });
    expect(res.status).toBe(403);
    expect(await count('application')).toBe(before);
  });
});
