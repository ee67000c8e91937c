import { createTestContext, signInAs, csrfFrom, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';
import { outboxRows } from '../support/outbox';

describe('the administrator’s application page and the resend of e-mails 1 and 2', () => {
  let ctx: TestContext;
  let accountA: number;
  let accountB: number;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: { id: number; number: string; accountId: number };
  let keyB: { id: number; number: string; accountId: number };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    accountA = await givenAccount(db, { company_name: 'ACME Test SA' });
    accountB = await givenAccount(db);
    adminA = await givenAdministrator(db, { display_name: 'Claire Admin' }, [accountA]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Finance' })), accountId: accountA };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id)), accountId: accountB };
  });
  afterAll(() => ctx.close());

  it('shows the application: reference, status, origin, key, priority, name, e-mail and its history', async () => {
    const app = await givenApplication(ctx.deps.db, keyA, { initiatedBy: adminA.id, priority: 'urgent', email: 'show@acme.example' });
    await ctx.deps.db('application_status_history').insert({
      application_id: app.id,
      at: '2026-11-24T10:00:00.000Z',
      actor_type: 'employee',
      actor_id: null,
      from_status: 'invited',
      to_status: 'in_progress',
      comment: null,
      comment_for_employee: false,
    });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const res = await agent.get(paths.admin.applications.show(app.id));
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe(`Application ${app.reference}`);
    expect(page('#reference').text()).toBe(app.reference);
    expect(page('#status').text().trim()).toBe('Invited');
    expect(page('#origin').text()).toContain('Controlled send');
    expect(page('#origin').text()).toContain('Claire Admin');
    expect(page('#priority').text().trim()).toBe('Urgent');
    expect(page('#key').text()).toContain('Finance');
    expect(page('#key').text()).toContain(keyA.number);
    expect(page('#name').text()).toContain('Mrs Élodie Dupré');
    expect(page('#email').text()).toBe('show@acme.example');
    const rows = page('#history tbody tr');
    expect(rows.length).toBe(2);
    expect(rows.eq(0).text()).toContain('Invited');
    expect(rows.eq(0).text()).toContain('Claire Admin');
    expect(rows.eq(1).text()).toContain('Invited → In progress');
    expect(rows.eq(1).text()).toContain('Employee');
  });

  it('resends e-mails 1 and 2 once per form, however many times it is submitted', async () => {
    const app = await givenApplication(ctx.deps.db, keyA, { email: 'resend@acme.example', language: 'en', status: 'in_progress' });
    const before = await outboxRows(ctx.deps.db, app.id);
    expect(before).toHaveLength(2);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = await agent.get(paths.admin.applications.show(app.id));
    const form = $(page.text)('form.resend-form');
    expect(form.attr('action')).toBe(paths.admin.applications.resend(app.id));
    const body = { _csrf: csrfFrom(page.text), nonce: String(form.find('input[name="nonce"]').val()) };
    const first = await agent.post(paths.admin.applications.resend(app.id)).type('form').send(body);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(paths.admin.applications.show(app.id));
    const second = await agent.post(paths.admin.applications.resend(app.id)).type('form').send(body);
    expect(second.status).toBe(303);
    const after = await outboxRows(ctx.deps.db, app.id);
    expect(after).toHaveLength(4);
    const fresh = after.slice(2);
    expect(fresh.map((m) => m.template).sort()).toEqual(['invitation-key', 'invitation-link']);
    expect(fresh.every((m) => m.language === 'en' && m.recipient === 'resend@acme.example' && m.idempotency_key.includes(':resend:'))).toBe(true);
    const shown = await agent.get(paths.admin.applications.show(app.id));
    expect($(shown.text)('.banner').text()).toContain('already been used');

    // A new display of the page gives a new form: one more pair.
    const again = await agent.get(paths.admin.applications.show(app.id));
    const form2 = $(again.text)('form.resend-form');
    await agent
      .post(paths.admin.applications.resend(app.id))
      .type('form')
      .send({ _csrf: csrfFrom(again.text), nonce: String(form2.find('input[name="nonce"]').val()) });
    expect(await outboxRows(ctx.deps.db, app.id)).toHaveLength(6);
  });

  it('queues one pair when two submissions of the same form race', async () => {
    const app = await givenApplication(ctx.deps.db, keyA, { email: 'race@acme.example' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    const page = await agent.get(paths.admin.applications.show(app.id));
    const body = { _csrf: csrfFrom(page.text), nonce: String($(page.text)('input[name="nonce"]').val()) };
    await Promise.all([
      agent.post(paths.admin.applications.resend(app.id)).type('form').send(body),
      agent.post(paths.admin.applications.resend(app.id)).type('form').send(body),
    ]);
    expect(await outboxRows(ctx.deps.db, app.id)).toHaveLength(4);
  });

  it('offers no resend once the application is submitted, and refuses one', async () => {
    const app = await givenApplication(ctx.deps.db, keyA, { email: 'submitted@acme.example', status: 'pending_approval' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = await agent.get(paths.admin.applications.show(app.id));
    expect($(page.text)('form.resend-form').length).toBe(0);
    const res = await agent
      .post(paths.admin.applications.resend(app.id))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), nonce: 'whatever' });
    expect(res.status).toBe(409);
    expect($(res.text)('main').text()).toContain('already been submitted');
    expect(await outboxRows(ctx.deps.db, app.id)).toHaveLength(2);
  });

  it('answers 404 for another BC’s application, on the page and on resend, and queues nothing', async () => {
    const appB = await givenApplication(ctx.deps.db, keyB, { email: 'other-bc@globex.example' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    expect((await agent.get(paths.admin.applications.show(appB.id))).status).toBe(404);
    const own = await givenApplication(ctx.deps.db, keyA, { email: 'own@acme.example' });
    const page = await agent.get(paths.admin.applications.show(own.id));
    const res = await agent
      .post(paths.admin.applications.resend(appB.id))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), nonce: 'x' });
    expect(res.status).toBe(404);
    expect(await outboxRows(ctx.deps.db, appB.id)).toHaveLength(2);
    const owner = await signInAs(ctx.app, ctx.deps, adminB.email);
    expect((await owner.get(paths.admin.applications.show(appB.id))).status).toBe(200);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    expect((await agent.get(paths.admin.applications.show(999999))).status).toBe(404);
    expect((await agent.get('/admin/applications/abc')).status).toBe(404);
  });

  it('counts applications pending approval in the actor’s BCs in the tab', async () => {
    const db = ctx.deps.db;
    await db('application').where({ status: 'pending_approval' }).update({ status: 'approved' });
    await givenApplication(db, keyA, { email: 'p1@acme.example', status: 'pending_approval' });
    await givenApplication(db, keyA, { email: 'p2@acme.example', status: 'pending_approval' });
    await givenApplication(db, keyB, { email: 'p3@globex.example', status: 'pending_approval' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const own = await givenApplication(db, keyA, { email: 'tab@acme.example' });
    const res = await agent.get(paths.admin.applications.show(own.id));
    expect($(res.text)(`nav.tabs a[href="${paths.admin.approvals.list}"]`).text()).toBe('Pending approval (2)');
    const owner = await signInAs(ctx.app, ctx.deps, adminB.email, 'en');
    const resB = await owner.get(paths.admin.applications.show((await givenApplication(db, keyB, { email: 'tab@globex.example' })).id));
    expect($(resB.text)(`nav.tabs a[href="${paths.admin.approvals.list}"]`).text()).toBe('Pending approval (1)');
  });
});
