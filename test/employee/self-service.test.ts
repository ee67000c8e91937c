import request from 'supertest';
import { createTestContext, getCsrf, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';
import { outboxRows } from '../support/outbox';

describe('self-service: /apply with the access key and an e-mail', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let key: { id: number; number: string; accountId: number };
  let expiredKey: { id: number; number: string; accountId: number };
  let deletedKey: { id: number; number: string; accountId: number };

  beforeAll(async () => {
    clock = new TestClock();
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    const [a1, a2, a3] = [await givenAccount(db), await givenAccount(db), await givenAccount(db)];
    const admin = await givenAdministrator(db, {}, [a1, a2, a3]);
    key = { ...(await givenAccessKey(db, a1, admin.id)), accountId: a1 };
    expiredKey = { ...(await givenAccessKey(db, a2, admin.id, { expires_on: '2026-11-23' })), accountId: a2 };
    deletedKey = { ...(await givenAccessKey(db, a3, admin.id, { deleted_at: '2026-11-01T00:00:00.000Z', deleted_by: admin.id })), accountId: a3 };
  });
  afterAll(() => ctx.close());

  /** Posts the form as a new visitor; returns the POST response and the page it leads to. */
  async function apply(accessKey: string, email: string, lang = 'en') {
    const agent = request.agent(ctx.app);
    const token = await getCsrf(agent, `${paths.employee.apply}?lang=${lang}`);
    const post = await agent.post(paths.employee.apply).type('form').send({ _csrf: token, accessKey, email });
    const landing = post.status === 303 ? await agent.get(post.headers.location as string) : undefined;
    return { post, landing };
  }

  async function count(table: string): Promise<number> {
    const [row] = await ctx.deps.db(table).count<{ n: number }[]>({ n: '*' });
    return Number(row?.n ?? 0);
  }

  it('shows the form', async () => {
    const res = await request(ctx.app).get(`${paths.employee.apply}?lang=fr`);
    expect(res.status).toBe(200);
    expect($(res.text)('h1').text()).toBe('Demander une carte Corporate');
    expect($(res.text)('form[novalidate] #accessKey').length).toBe(1);
  });

  it('creates a self-service application and queues e-mail 1 only, in the page language', async () => {
    const { post, landing } = await apply(key.number, 'New.Person@Acme.example', 'en');
    expect(post.status).toBe(303);
    expect(post.headers.location).toBe(paths.employee.applySent);
    expect($(landing!.text)('h1').text()).toBe('Check your mailbox');
    const app = await ctx.deps.db('application').where({ email: 'new.person@acme.example' }).first();
    expect(app).toMatchObject({ origin: 'self_service', priority: 'normal', status: 'invited', language: 'en', initiated_by: null, access_key_id: key.id });
    const mails = await outboxRows(ctx.deps.db, app.id);
    expect(mails.map((m) => m.template)).toEqual(['invitation-link']);
    expect(mails[0]!.language).toBe('en');
    expect((await ctx.deps.db('application_status_history').where({ application_id: app.id }))[0]).toMatchObject({
      to_status: 'invited',
      actor_type: 'employee',
    });
  });

  it('re-sends the reference when that e-mail already has an open application on the key, creating nothing', async () => {
    const existing = await givenApplication(ctx.deps.db, key, { email: 'already@acme.example', origin: 'self_service', language: 'fr', status: 'in_progress' });
    const apps = await count('application');
    const before = await outboxRows(ctx.deps.db, existing.id);
    const { post } = await apply(key.number, 'ALREADY@acme.example', 'en');
    expect(post.status).toBe(303);
    expect(await count('application')).toBe(apps);
    const after = await outboxRows(ctx.deps.db, existing.id);
    expect(after).toHaveLength(before.length + 1);
    const fresh = after[after.length - 1]!;
    expect(fresh.template).toBe('invitation-link');
    expect(fresh.recipient).toBe('already@acme.example');
    expect(JSON.parse(fresh.data).reference).toBe(existing.reference);
  });

  it('answers exactly alike for a new e-mail, an existing application, an expired, a deleted and an unknown key', async () => {
    await givenApplication(ctx.deps.db, key, { email: 'exists@acme.example', origin: 'self_service' });
    const cases = [
      await apply(key.number, 'brand.new@acme.example'),
      await apply(key.number, 'exists@acme.example'),
      await apply(expiredKey.number, 'someone@acme.example'),
      await apply(deletedKey.number, 'someone.else@acme.example'),
      await apply('ZZZZ9999', 'nobody@acme.example'),
    ];
    const [first, ...others] = cases;
    for (const c of others) {
      expect(c.post.status).toBe(first!.post.status);
      expect(c.post.headers.location).toBe(first!.post.headers.location);
      expect(c.post.text).toBe(first!.post.text);
      expect(c.landing!.status).toBe(200);
      expect(c.landing!.text).toBe(first!.landing!.text);
    }
  });

  it('starts nothing with an expired or deleted key, and logs why without personal data', async () => {
    const apps = await count('application');
    const mails = await count('outbox');
    await apply(expiredKey.number, 'expired.case@acme.example');
    await apply(deletedKey.number, 'deleted.case@acme.example');
    expect(await count('application')).toBe(apps);
    expect(await count('outbox')).toBe(mails);
    const logs = ctx.logs.join('\n');
    expect(logs).toContain('"outcome":"key_expired"');
    expect(logs).toContain('"outcome":"key_deleted"');
    expect(logs).not.toContain('expired.case@acme.example');
    expect(logs).not.toContain('deleted.case');
    expect(logs).not.toContain(expiredKey.number);
  });

  it('re-sends the reference of an existing application even when the key has expired since', async () => {
    const existing = await givenApplication(ctx.deps.db, expiredKey, { email: 'before.expiry@acme.example', origin: 'self_service' });
    const apps = await count('application');
    await apply(expiredKey.number, 'before.expiry@acme.example');
    expect(await count('application')).toBe(apps);
    const mails = await outboxRows(ctx.deps.db, existing.id);
    expect(mails).toHaveLength(2);
    expect(JSON.parse(mails[1]!.data).reference).toBe(existing.reference);
  });

  it('sends nothing more after 5 requests for one e-mail in an hour, still with the neutral answer', async () => {
    await apply(key.number, 'limit@acme.example');
    const app = await ctx.deps.db('application').where({ email: 'limit@acme.example' }).first();
    for (let i = 0; i < 4; i++) await apply(key.number, 'limit@acme.example');
    expect(await outboxRows(ctx.deps.db, app.id)).toHaveLength(5);
    const sixth = await apply(key.number, 'limit@acme.example');
    expect(sixth.post.status).toBe(303);
    expect(sixth.post.headers.location).toBe(paths.employee.applySent);
    expect(await outboxRows(ctx.deps.db, app.id)).toHaveLength(5);
    // the table keeps a hash, never the address
    expect(JSON.stringify(await ctx.deps.db('attempt_counter').select('subject'))).not.toContain('limit@');
    clock.current = new Date(clock.current.getTime() + 61 * 60_000);
    await apply(key.number, 'limit@acme.example');
    expect(await outboxRows(ctx.deps.db, app.id)).toHaveLength(6);
  });

  it.each([
    [{ accessKey: '', email: 'a@acme.example' }, 'accessKey', 'Enter the access key'],
    [{ accessKey: 'ABC', email: 'a@acme.example' }, 'accessKey', 'The access key has 8 letters and digits'],
    [{ accessKey: 'ZZZZ9999', email: '' }, 'email', 'Enter your e-mail address'],
    [{ accessKey: 'ZZZZ9999', email: 'not an e-mail' }, 'email', 'Enter a valid e-mail address'],
  ])('shows format errors as field errors (%j)', async (body, field, message) => {
    const { post } = await apply(body.accessKey, body.email);
    expect(post.status).toBe(400);
    const page = $(post.text);
    expect(page(`#${field}-error`).text()).toContain(message);
    expect(page('#email').val()).toBe(body.email);
  });
});

describe('self-service: per-IP limit (second layer)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('answers a translated 429 after 30 requests from one address', async () => {
    const agent = request.agent(ctx.app);
    const token = await getCsrf(agent, `${paths.employee.apply}?lang=fr`);
    for (let i = 0; i < 30; i++)
      await agent
        .post(paths.employee.apply)
        .type('form')
        .send({ _csrf: token, accessKey: 'ZZZZ9999', email: `p${i}@acme.example` });
    const blocked = await agent.post(paths.employee.apply).type('form').send({ _csrf: token, accessKey: 'ZZZZ9999', email: 'last@acme.example' });
    expect(blocked.status).toBe(429);
    expect($(blocked.text)('h1').text()).toBe('Trop de tentatives');
  });
});
