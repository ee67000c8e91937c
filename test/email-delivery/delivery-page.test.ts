import { createTestContext, signInAs, csrfFrom, $, TestClock, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplicationRow } from '../support/builders';
import type { Db } from '../../src/platform/db';

const NOW = new Date('2026-11-24T09:00:00Z');
let seq = 0;

/** An outbox row as the dispatcher leaves it (pending after a failure, dead, sent…). */
async function givenOutboxRow(db: Db, columns: Record<string, unknown>): Promise<number> {
  seq++;
  const [row] = await db('outbox')
    .insert({
      idempotency_key: `test:${seq}`,
      template: 'invitation-link',
      language: 'fr',
      recipient: `person${seq}@example.test`,
      data: JSON.stringify({ reference: '1234567890' }),
      application_id: null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: NOW.toISOString(),
      created_at: new Date(NOW.getTime() - 3_600_000).toISOString(),
      ...columns,
    })
    .returning('id');
  return Number(typeof row === 'object' ? (row as { id: number }).id : row);
}

describe('E-mail delivery page (platform administrators)', () => {
  const clock = new TestClock(NOW);
  let ctx: TestContext;
  let platform: Agent;
  let platformEn: Agent;
  let adminA: Agent;
  let appA: { id: number; reference: string };
  let appB: { id: number; reference: string };
  let batchA: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db);
    const accountB = await givenAccount(db);
    const a = await givenAdministrator(db, { email: 'alice@test.example' }, [accountA]);
    const b = await givenAdministrator(db, { email: 'bob@test.example' }, [accountB]);
    await givenAdministrator(db, { email: 'root@test.example', role: 'platform' });
    const keyA = await givenAccessKey(db, accountA, a.id);
    const keyB = await givenAccessKey(db, accountB, b.id);
    const [batch] = await db('bulk_batch')
      .insert({ access_key_id: keyA.id, account_id: accountA, file_name: 'lot.csv', uploaded_by: a.id, row_count: 1, created_at: NOW.toISOString() })
      .returning('id');
    batchA = Number(typeof batch === 'object' ? (batch as { id: number }).id : batch);
    appA = await givenApplicationRow(db, { batch_id: batchA, origin: 'bulk' }, { id: keyA.id, accountId: accountA });
    appB = await givenApplicationRow(db, {}, { id: keyB.id, accountId: accountB });

    ids.sent = await givenOutboxRow(db, { status: 'sent', attempts: 1, sent_at: NOW.toISOString(), application_id: appA.id });
    ids.waiting = await givenOutboxRow(db, { status: 'pending', attempts: 0, application_id: appA.id });
    ids.failingA = await givenOutboxRow(db, {
      status: 'pending',
      attempts: 3,
      last_error: 'ECONNECTION',
      application_id: appA.id,
      next_attempt_at: new Date(NOW.getTime() + 120_000).toISOString(),
      created_at: new Date(NOW.getTime() - 2 * 3_600_000).toISOString(),
    });
    ids.deadB = await givenOutboxRow(db, {
      status: 'dead',
      attempts: 1,
      last_error: 'SMTP 550 5.1.1 after RCPT TO (EENVELOPE)',
      application_id: appB.id,
      template: 'invitation-key',
    });
    ids.digest = await givenOutboxRow(db, {
      status: 'dead',
      attempts: 12,
      last_error: 'SMTP 554 (EENVELOPE)',
      template: 'daily-digest',
      recipient: 'digest.reader@test.example',
      data: JSON.stringify({ lines: [] }),
    });
    ids.code = await givenOutboxRow(db, {
      status: 'dead',
      attempts: 2,
      last_error: 'ETIMEDOUT',
      template: 'signing-code',
      data: '{}',
      application_id: appA.id,
    });
    ids.expired = await givenOutboxRow(db, { status: 'expired', attempts: 2, last_error: 'ETIMEDOUT', template: 'signing-code', data: '{}' });

    platform = await signInAs(ctx.app, ctx.deps, 'root@test.example', 'fr');
    platformEn = await signInAs(ctx.app, ctx.deps, 'root@test.example', 'en');
    adminA = await signInAs(ctx.app, ctx.deps, 'alice@test.example', 'fr');
  });
  afterAll(() => ctx.close());

  it('is for platform administrators only, with a tab of its own', async () => {
    expect((await adminA.get(paths.platform.emailDelivery.list)).status).toBe(403);
    const res = await platform.get(paths.platform.emailDelivery.list);
    expect(res.status).toBe(200);
    expect($(res.text)(`a[href="${paths.platform.emailDelivery.list}"]`).first().text()).toContain('Envoi des e-mails');
    const other = await adminA.get(paths.admin.batches.list);
    expect($(other.text)(`a[href="${paths.platform.emailDelivery.list}"]`)).toHaveLength(0);
  });

  it('counts e-mails by state and gives the oldest waiting e-mail’s age (French and English)', async () => {
    const fr = $((await platform.get(paths.platform.emailDelivery.list)).text);
    expect(fr('h1').text()).toBe('Envoi des e-mails');
    const count = (state: string) => fr(`#states dd[data-state="${state}"]`).text().trim();
    expect([count('pending'), count('sending'), count('sent'), count('dead'), count('expired')]).toEqual(['2', '0', '1', '3', '1']);
    expect(fr('#oldest-waiting').text()).toContain('il y a 2 heures');
    expect(fr('#expired-note').text()).toContain('un code expiré est inutile');
    const en = $((await platformEn.get(paths.platform.emailDelivery.list)).text);
    expect(en('h1').text()).toBe('E-mail delivery');
    expect(en('#oldest-waiting').text()).toContain('queued 2 hours ago');
    expect(en('#expired-note').text()).toContain('an expired code is useless');
  });

  it('lists every failing or dead e-mail of any kind, a digest without application included, with its reason and attempts', async () => {
    const page = $((await platform.get(paths.platform.emailDelivery.list)).text);
    const listed = page('#failures tbody tr')
      .map((_i, tr) => Number(page(tr).attr('data-outbox-id')))
      .get();
    expect(listed.sort()).toEqual([ids.failingA, ids.deadB, ids.digest, ids.code].sort());
    const digest = page(`#failures tr[data-outbox-id="${ids.digest}"]`);
    expect(digest.attr('data-template')).toBe('daily-digest');
    expect(digest.text()).toContain('digest.reader@test.example');
    expect(digest.text()).toContain('SMTP 554 (EENVELOPE)');
    expect(digest.text()).toContain('Aucune (e-mail à un administrateur)');
    expect(digest.find('td.num').text().trim()).toBe('12');
    expect(page(`#failures tr[data-outbox-id="${ids.failingA}"]`).text()).toContain('ECONNECTION');
    expect(page(`#failures tr[data-outbox-id="${ids.failingA}"] a`).attr('href')).toBe(paths.admin.applications.show(appA.id));
    // The signing code is never resent: no button, the reason instead.
    const code = page(`#failures tr[data-outbox-id="${ids.code}"]`);
    expect(code.find('form')).toHaveLength(0);
    expect(code.find('.resend-refused').text()).toContain('code de signature expiré est inutile');
  });

  it('paginates the failures, 50 a page', async () => {
    const more = [];
    for (let i = 0; i < 50; i++)
      more.push(await givenOutboxRow(ctx.deps.db, { status: 'dead', attempts: 1, last_error: 'SMTP 550 (EENVELOPE)', template: 'urgent-alert' }));
    try {
      const first = $((await platform.get(paths.platform.emailDelivery.list)).text);
      expect(first('#failures tbody tr')).toHaveLength(50);
      const second = $((await platform.get(`${paths.platform.emailDelivery.list}?page=2`)).text);
      expect(second('#failures tbody tr')).toHaveLength(4);
    } finally {
      await ctx.deps.db('outbox').whereIn('id', more).delete();
    }
  });

  it('resends one dead e-mail: pending again, attempts reset, audited', async () => {
    const page = await platform.get(paths.platform.emailDelivery.list);
    const res = await platform
      .post(paths.platform.emailDelivery.resend(ids.deadB))
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    const row = await ctx.deps.db('outbox').where({ id: ids.deadB }).first();
    expect(row).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: NOW.toISOString() });
    const audit = await ctx.deps.db('audit_log').where({ action: 'outbox.resend' }).first();
    expect(audit).toMatchObject({ object_type: 'outbox', object_id: String(ids.deadB), application_id: appB.id });
    expect(JSON.parse(audit.details as string)).toMatchObject({ template: 'invitation-key', previousStatus: 'dead' });
    const after = $((await platform.get(paths.platform.emailDelivery.list)).text);
    expect(after('[role="status"]').text()).toContain(`L’e-mail n° ${ids.deadB} va être renvoyé`);
    expect(after(`#failures tr[data-outbox-id="${ids.deadB}"]`)).toHaveLength(0);
  });

  it('never resends an expired signing code, and says why', async () => {
    const page = await platformEn.get(paths.platform.emailDelivery.list);
    const res = await platformEn
      .post(paths.platform.emailDelivery.resend(ids.code))
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect((await ctx.deps.db('outbox').where({ id: ids.code }).first()).status).toBe('dead');
    const after = $((await platformEn.get(paths.platform.emailDelivery.list)).text);
    expect(after('[role="status"]').text()).toContain('is a signing code: it is never resent');
    // An expired one is not even listed, and cannot be resent by its id either.
    await platformEn
      .post(paths.platform.emailDelivery.resend(ids.expired))
      .type('form')
      .send({ _csrf: csrfFrom(after.html()) });
    expect((await ctx.deps.db('outbox').where({ id: ids.expired }).first()).status).toBe('expired');
  });

  it('resends all failing e-mails but the signing code, audited once', async () => {
    const page = await platform.get(paths.platform.emailDelivery.list);
    const res = await platform
      .post(paths.platform.emailDelivery.resendAll)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    const rows = await ctx.deps.db('outbox').whereIn('id', [ids.failingA, ids.digest, ids.code, ids.expired]).orderBy('id');
    expect(rows.map((r) => [r.id, r.status, r.attempts])).toEqual([
      [ids.failingA, 'pending', 0],
      [ids.digest, 'pending', 0],
      [ids.code, 'dead', 2],
      [ids.expired, 'expired', 2],
    ]);
    const audit = await ctx.deps.db('audit_log').where({ action: 'outbox.resend_all' });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details as string)).toEqual({ count: 2, ids: [ids.failingA, ids.digest] });
    const after = $((await platform.get(paths.platform.emailDelivery.list)).text);
    expect(after('[role="status"]').text()).toContain('2 e-mails vont être renvoyés');
  });

  it('refuses a resend without the CSRF token', async () => {
    const res = await platform.post(paths.platform.emailDelivery.resendAll).type('form').send({});
    expect(res.status).toBe(403);
  });
});

describe('failed e-mails on the administrator’s application and batch pages', () => {
  const clock = new TestClock(NOW);
  let ctx: TestContext;
  let alice: Agent;
  let aliceEn: Agent;
  let bob: Agent;
  let appA: { id: number };
  let appB: { id: number };
  let batchA: number;

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db);
    const accountB = await givenAccount(db);
    const a = await givenAdministrator(db, { email: 'alice@test.example' }, [accountA]);
    const b = await givenAdministrator(db, { email: 'bob@test.example' }, [accountB]);
    const keyA = await givenAccessKey(db, accountA, a.id);
    const keyB = await givenAccessKey(db, accountB, b.id);
    const [batch] = await db('bulk_batch')
      .insert({ access_key_id: keyA.id, account_id: accountA, file_name: 'lot.csv', uploaded_by: a.id, row_count: 2, created_at: NOW.toISOString() })
      .returning('id');
    batchA = Number(typeof batch === 'object' ? (batch as { id: number }).id : batch);
    appA = await givenApplicationRow(db, { batch_id: batchA, origin: 'bulk' }, { id: keyA.id, accountId: accountA });
    appB = await givenApplicationRow(db, {}, { id: keyB.id, accountId: accountB });
    await givenOutboxRow(db, { status: 'dead', attempts: 1, last_error: 'SMTP 550 5.1.1 after RCPT TO (EENVELOPE)', application_id: appA.id });
    await givenOutboxRow(db, { status: 'pending', attempts: 2, last_error: 'ECONNECTION', application_id: appA.id, template: 'reminder' });
    await givenOutboxRow(db, { status: 'sent', attempts: 1, application_id: appA.id, sent_at: NOW.toISOString() });
    await givenOutboxRow(db, { status: 'dead', attempts: 1, last_error: 'SMTP 552 (EMESSAGE)', application_id: appB.id });
    await givenOutboxRow(db, { status: 'dead', attempts: 1, last_error: 'SMTP 554 (EENVELOPE)', template: 'daily-digest' });
    alice = await signInAs(ctx.app, ctx.deps, 'alice@test.example', 'fr');
    aliceEn = await signInAs(ctx.app, ctx.deps, 'alice@test.example', 'en');
    bob = await signInAs(ctx.app, ctx.deps, 'bob@test.example', 'fr');
  });
  afterAll(() => ctx.close());

  it('lists the application’s failed e-mails with the reason (French and English)', async () => {
    const fr = $((await alice.get(paths.admin.applications.show(appA.id))).text);
    expect(fr('#failed-emails h2').text()).toBe('2 e-mails n’ont pas pu être remis');
    const items = fr('#failed-emails li');
    expect(items).toHaveLength(2);
    expect(fr('#failed-emails').text()).toContain('SMTP 550 5.1.1 after RCPT TO (EENVELOPE)');
    expect(fr('#failed-emails').text()).toContain('ECONNECTION');
    const en = $((await aliceEn.get(paths.admin.applications.show(appA.id))).text);
    expect(en('#failed-emails h2').text()).toBe('2 e-mails could not be delivered');
  });

  it('shows no notice when nothing failed, and never another BC’s failures', async () => {
    const bobsOwn = $((await bob.get(paths.admin.applications.show(appB.id))).text);
    expect(bobsOwn('#failed-emails li')).toHaveLength(1);
    expect(bobsOwn('#failed-emails').text()).toContain('SMTP 552');
    expect(bobsOwn('#failed-emails').text()).not.toContain('SMTP 550');
    expect((await bob.get(paths.admin.applications.show(appA.id))).status).toBe(404);
    await ctx.deps.db('outbox').where({ application_id: appB.id }).update({ status: 'sent', last_error: null });
    const none = $((await bob.get(paths.admin.applications.show(appB.id))).text);
    expect(none('#failed-emails')).toHaveLength(0);
  });

  it('lists the batch’s failed e-mails on the batch page, to its BC’s administrators only', async () => {
    const page = $((await alice.get(paths.admin.batches.show(batchA))).text);
    expect(page('#failed-emails li')).toHaveLength(2);
    expect(page('#failed-emails').text()).toContain('ECONNECTION');
    expect(page('#failed-emails').text()).not.toContain('SMTP 554');
    expect((await bob.get(paths.admin.batches.show(batchA))).status).toBe(404);
  });
});
