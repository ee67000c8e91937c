import request from 'supertest';
import { createTestContext, getCsrf, csrfFrom, $, TestClock, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { luhnCheckDigit } from '../../src/lib/luhn';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';

/** A well-formed reference (valid check digit) that no application has. */
function unusedReference(seed: string): string {
  return seed + String(luhnCheckDigit(seed));
}

/** The page without what legitimately differs between two requests: CSRF token and what the person typed. */
function normalised(html: string): string {
  return html
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""')
    .replace(/(id="(accessKey|reference)" name="\2" type="text" value=")[^"]*"/g, '$1"');
}

function sessionCookie(res: request.Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((c) => c.startsWith('sesame.sid='))?.split(';')[0];
}

describe('employee entry: access key + reference number', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let accountId: number;
  let key: { id: number; number: string; accountId: number };

  beforeAll(async () => {
    clock = new TestClock();
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    accountId = await givenAccount(db, { company_name: 'ACME Entrée SA' });
    const admin = await givenAdministrator(db, {}, [accountId]);
    key = { ...(await givenAccessKey(db, accountId, admin.id, { name: 'Finance' })), accountId };
  });
  afterAll(() => ctx.close());

  async function submit(agent: Agent, accessKey: string, reference: string, lang = 'en') {
    const token = await getCsrf(agent, `${paths.employee.entry}?lang=${lang}`);
    return agent.post(paths.employee.entry).type('form').send({ _csrf: token, accessKey, reference });
  }

  async function counters() {
    return ctx.deps.db('attempt_counter').select('kind', 'subject', 'count', 'locked_until');
  }

  it('pre-fills the reference from the e-mailed link', async () => {
    const res = await request(ctx.app).get(`${paths.employee.entry}?ref=1234567897&lang=en`);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe('Access my card application');
    expect(page('#reference').val()).toBe('1234567897');
    expect(page('#accessKey').val()).toBe('');
  });

  it('refuses a reference failing its check digit before any lookup (no failure counted)', async () => {
    await ctx.deps.db('attempt_counter').delete();
    const app = await givenApplication(ctx.deps.db, key, { email: 'typo@acme.example' });
    const typo = app.reference.slice(0, 9) + String((Number(app.reference[9]) + 1) % 10);
    const res = await submit(request.agent(ctx.app), key.number, typo);
    expect(res.status).toBe(400);
    expect($(res.text)('#reference-error').text()).toContain('This reference number is not valid');
    expect(await counters()).toEqual([]);
  });

  it.each([
    ['', 'accessKey', 'Enter the access key'],
    ['ABC', 'accessKey', 'The access key has 8 letters and digits'],
    ['ABCD-EFG!', 'accessKey', 'The access key has 8 letters and digits'],
  ])('refuses a malformed key %j with a field error and no lookup', async (typed, field, message) => {
    await ctx.deps.db('attempt_counter').delete();
    const res = await submit(request.agent(ctx.app), typed, unusedReference('123456789'));
    expect(res.status).toBe(400);
    expect($(res.text)(`#${field}-error`).text()).toContain(message);
    expect(await counters()).toEqual([]);
  });

  it('gives one generic error, identical for an unknown reference and a wrong key, and counts both', async () => {
    await ctx.deps.db('attempt_counter').delete();
    const app = await givenApplication(ctx.deps.db, key, { email: 'generic@acme.example' });
    const unknown = await submit(request.agent(ctx.app), key.number, unusedReference('987654321'));
    const wrongKey = await submit(request.agent(ctx.app), 'ZZZZZZZZ', app.reference);
    expect(unknown.status).toBe(400);
    expect(wrongKey.status).toBe(400);
    expect($(unknown.text)('.error-summary').text()).toContain('do not match an application');
    expect($(unknown.text)('.field-error').length).toBe(0);
    expect(normalised(unknown.text)).toBe(normalised(wrongKey.text));
    const rows = await counters();
    expect(
      rows
        .filter((r) => r.kind === 'entry_reference')
        .map((r) => r.subject)
        .sort(),
    ).toEqual([app.reference, unusedReference('987654321')].sort());
    expect(
      rows
        .filter((r) => r.kind === 'entry_key')
        .map((r) => r.subject)
        .sort(),
    ).toEqual([key.number, 'ZZZZZZZZ'].sort());
  });

  it('locks a reference after 5 failures for 15 minutes, even with the right key', async () => {
    const app = await givenApplication(ctx.deps.db, key, { email: 'locked@acme.example' });
    for (let i = 0; i < 5; i++) expect((await submit(request.agent(ctx.app), 'ZZZZZZZZ', app.reference)).status).toBe(400);
    const agent = request.agent(ctx.app);
    const locked = await submit(agent, key.number, app.reference);
    expect(locked.status).toBe(400);
    expect($(locked.text)('.error-summary').text()).toContain('do not match an application');
    expect((await ctx.deps.db('application').where({ id: app.id }).first()).status).toBe('invited');
    clock.current = new Date(clock.current.getTime() + 14 * 60_000);
    expect((await submit(request.agent(ctx.app), key.number, app.reference)).status).toBe(400);
    clock.current = new Date(clock.current.getTime() + 2 * 60_000);
    const after = await submit(request.agent(ctx.app), key.number, app.reference);
    expect(after.status).toBe(303);
  });

  it('opens a session bound to the application (new cookie), shows its summary, and moves it to in progress', async () => {
    const app = await givenApplication(ctx.deps.db, key, {
      email: 'camille@acme.example',
      firstName: 'Camille',
      lastName: 'Lefèvre',
      title: 'ms',
      priority: 'urgent',
    });
    const agent = request.agent(ctx.app);
    const form = await agent.get(`${paths.employee.entry}?lang=en&ref=${app.reference}`);
    const before = sessionCookie(form);
    expect(before).toBeDefined();
    const res = await agent
      .post(paths.employee.entry)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), accessKey: key.number.toLowerCase(), reference: app.reference });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.employee.application);
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const stored = await ctx.deps.db('session').where({ user_key: `application:${app.id}` });
    expect(stored).toHaveLength(1);

    const page = await agent.get(paths.employee.application);
    expect(page.status).toBe(200);
    const $p = $(page.text);
    expect($p('#reference').text()).toBe(app.reference);
    expect($p('#company').text()).toBe('ACME Entrée SA');
    expect($p('#key-name').text()).toBe('Finance');
    expect($p('#status').text().trim()).toBe('In progress');
    expect($p('#priority').text()).toBe('Urgent');
    expect($p('#name').text()).toContain('Ms Camille Lefèvre');
    expect($p('#email').text()).toBe('camille@acme.example');

    const row = await ctx.deps.db('application').where({ id: app.id }).first();
    expect(row.status).toBe('in_progress');
    expect(row.first_opened_at).toBe(clock.now().toISOString());
    const history = await ctx.deps.db('application_status_history').where({ application_id: app.id }).orderBy('id');
    expect(history.map((h) => [h.from_status, h.to_status, h.actor_type])).toEqual([
      [null, 'invited', 'employee'],
      ['invited', 'in_progress', 'employee'],
    ]);

    // Coming back later changes nothing more.
    const again = await submit(request.agent(ctx.app), key.number, app.reference);
    expect(again.status).toBe(303);
    expect(await ctx.deps.db('application_status_history').where({ application_id: app.id })).toHaveLength(2);

    // Sign-out ends the session.
    const signOut = await agent
      .post(paths.employee.signOut)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(signOut.status).toBe(303);
    expect((await agent.get(paths.employee.application)).headers.location).toBe(paths.employee.entry);
    expect(await ctx.deps.db('session').where({ user_key: `application:${app.id}` })).toHaveLength(1); // only the "again" session
  });

  it('never takes the application from the URL: without a bound session the page sends to the entry form', async () => {
    const res = await request(ctx.app).get(`${paths.employee.application}?id=1`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.employee.entry);
  });

  it('still opens existing applications of an expired key', async () => {
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [account]);
    const expired = { ...(await givenAccessKey(db, account, admin.id, { expires_on: '2026-01-31' })), accountId: account };
    const app = await givenApplication(db, expired, { email: 'old@acme.example' });
    const res = await submit(request.agent(ctx.app), expired.number, app.reference);
    expect(res.status).toBe(303);
  });

  it('accepts the key as people type it (lower case, O for 0, spaces)', async () => {
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [account]);
    const k = { ...(await givenAccessKey(db, account, admin.id, { number: '0A1B2C3D' })), accountId: account };
    const app = await givenApplication(db, k, { email: 'typing@acme.example' });
    const res = await submit(request.agent(ctx.app), 'oa lb 2c3d', app.reference.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'));
    expect(res.status).toBe(303);
  });

  it('does not log the reference or the key', async () => {
    const joined = ctx.logs.join('\n');
    const refs = (await ctx.deps.db('application').select('reference')).map((r: { reference: string }) => r.reference);
    for (const r of refs) expect(joined).not.toContain(r);
    expect(joined).not.toContain(key.number);
  });
});

describe('employee entry: per-IP limit (second layer)', () => {
  let ctx: TestContext;
  let key: { id: number; number: string; accountId: number };
  beforeAll(async () => {
    ctx = await createTestContext();
    const accountId = await givenAccount(ctx.deps.db, { company_name: 'ACME Proxy SA' });
    const admin = await givenAdministrator(ctx.deps.db, {}, [accountId]);
    key = { ...(await givenAccessKey(ctx.deps.db, accountId, admin.id, { name: 'Proxy' })), accountId };
  });
  afterAll(() => ctx.close());

  it('answers a translated 429 after 30 failed attempts from one address, with the real wait (en, then fr)', async () => {
    const agent = request.agent(ctx.app);
    const token = await getCsrf(agent, `${paths.employee.entry}?lang=en`);
    for (let i = 0; i < 30; i++) {
      const res = await agent.post(paths.employee.entry).type('form').send({ _csrf: token, accessKey: 'bad', reference: '1' });
      expect(res.status).toBe(400);
    }
    const expectWait = (res: request.Response, title: string, wait: RegExp) => {
      expect(res.status).toBe(429);
      expect($(res.text)('h1').text()).toBe(title);
      const minutes = Number($(res.text)('main p').text().match(wait)?.[1]);
      expect(minutes).toBeGreaterThanOrEqual(14);
      expect(Math.ceil(Number(res.headers['retry-after']) / 60)).toBe(minutes);
    };
    const en = await agent.post(paths.employee.entry).type('form').send({ _csrf: token, accessKey: 'bad', reference: '1' });
    expectWait(en, 'Too many attempts', /Wait (1[45]) minutes before trying again\./);
    const frToken = await getCsrf(agent, `${paths.employee.entry}?lang=fr`);
    const fr = await agent.post(paths.employee.entry).type('form').send({ _csrf: frToken, accessKey: 'bad', reference: '1' });
    expectWait(fr, 'Trop de tentatives', /Attendez (1[45]) minutes avant de réessayer\./);
  });

  it('lets a correct key and reference through from an address over the limit (colleagues behind one proxy)', async () => {
    const app = await givenApplication(ctx.deps.db, key, { email: 'colleague@acme.example' });
    const agent = request.agent(ctx.app);
    const token = await getCsrf(agent, `${paths.employee.entry}?lang=en`);
    const wrong = await agent.post(paths.employee.entry).type('form').send({ _csrf: token, accessKey: 'bad', reference: '1' });
    expect(wrong.status).toBe(429); // the same address as above, still over the limit
    const right = await agent.post(paths.employee.entry).type('form').send({ _csrf: token, accessKey: key.number, reference: app.reference });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe(paths.employee.application);
  });
});
