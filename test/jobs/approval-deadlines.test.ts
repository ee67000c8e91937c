import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator, givenPending, type Key } from '../support/builders';
import { paths } from '../../src/platform/paths';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createSmtpTransport } from '../../src/core/outbox/transport';
import { queueApprovalDeadlineEmails } from '../../src/core/application/approval-deadlines';
import { approvalDeadlinesJob } from '../../src/jobs/approval-deadlines';
import { JOBS } from '../../src/jobs/registry';
import { TestSmtpServer } from '../outbox/smtp-support';

/** 10:00 in Paris on a date (winter). */
const on = (date: string) => new Date(`${date}T09:00:00.000Z`);

/**
 * Stuck approvals (issue 16 item 3): the daily job reminds the BC's administrators of each overdue application, once a
 * day, and tells the platform administrators once past twice the deadline; one of each over a real SMTP server.
 */
describe('the approval deadlines job', () => {
  const smtp = new TestSmtpServer();
  const clock = new TestClock(new Date('2026-12-21T09:00:00.000Z'));
  let ctx: TestContext;
  let app: { id: number; reference: string };
  let other: { id: number; reference: string };

  beforeAll(async () => {
    await smtp.start();
    ctx = await createTestContext({ SMTP_URL: smtp.url, TIME_ZONE: 'Europe/Paris', HOLIDAY_COUNTRY: 'FR' }, { clock });
    const db = ctx.deps.db;
    const account = await givenAccount(db, { company_name: 'ACME Test SA' });
    const elsewhere = await givenAccount(db, { company_name: 'Globex' });
    const a1 = await givenAdministrator(db, { email: 'claire@acme.example', language: 'fr' }, [account]);
    await givenAdministrator(db, { email: 'john@acme.example', language: 'en' }, [account]);
    await givenAdministrator(db, { email: 'gone@acme.example', active: false }, [account]);
    const globexAdmin = await givenAdministrator(db, { email: 'admin@globex.example' }, [elsewhere]);
    await givenAdministrator(db, { email: 'platform@sesame.example', role: 'platform', language: 'en' });
    const key: Key = { ...(await givenAccessKey(db, account, a1.id, { name: 'Finance' })), accountId: account };
    const globexKey: Key = { ...(await givenAccessKey(db, elsewhere, globexAdmin.id, { name: 'Globex', approval_deadline_days: 30 })), accountId: elsewhere };
    app = await givenPending(db, key, { firstName: 'Zoé', lastName: 'Martin' });
    other = await givenPending(db, globexKey, { firstName: 'Other', lastName: 'Company' });
    // Pending since Monday 21 December 2026: 5 business days end on Tuesday 29 (Christmas on Friday 25 and a weekend).
    for (const id of [app.id, other.id])
      await db('application').where({ id }).update({ submitted_at: '2026-12-21T09:00:00.000Z', status_changed_at: '2026-12-21T09:00:00.000Z' });
  });
  afterAll(async () => {
    await smtp.stop();
    await ctx.close();
  });

  const sent = async (template: string) =>
    (await ctx.deps.db('outbox').where({ template }).orderBy('id').select('recipient', 'idempotency_key', 'application_id')).map(
      (r: { recipient: string; application_id: number }) => `${r.recipient}:${r.application_id}`,
    );
  const run = (date: string) => queueApprovalDeadlineEmails(ctx.deps, on(date));

  it('is a daily job of the registry', () => {
    expect(JOBS).toContain(approvalDeadlinesJob);
    expect(approvalDeadlinesJob.schedule).toEqual({ kind: 'daily', at: '08:30' });
  });

  it('sends nothing while the deadline runs (the last day included)', async () => {
    expect(await run('2026-12-29')).toEqual({ overdue: 0, reminders: 0, escalations: 0 });
    expect(await sent('approval-overdue')).toEqual([]);
  });

  it('reminds the active administrators of the BC once a day while overdue, whatever how often it runs', async () => {
    expect(await run('2026-12-30')).toEqual({ overdue: 1, reminders: 2, escalations: 0 });
    expect(await run('2026-12-30')).toEqual({ overdue: 1, reminders: 0, escalations: 0 });
    expect((await sent('approval-overdue')).sort()).toEqual([`claire@acme.example:${app.id}`, `john@acme.example:${app.id}`]);
    expect(await run('2026-12-31')).toEqual({ overdue: 1, reminders: 2, escalations: 0 });
    expect(await sent('approval-overdue')).toHaveLength(4);
    expect(await sent('approval-escalation')).toEqual([]);
  });

  it('tells the platform administrators once after twice the deadline (10 business days: from Thursday 7 January)', async () => {
    expect(await run('2027-01-06')).toMatchObject({ escalations: 0 });
    expect(await run('2027-01-07')).toMatchObject({ escalations: 1 });
    expect(await run('2027-01-07')).toMatchObject({ reminders: 0, escalations: 0 });
    expect(await run('2027-01-08')).toMatchObject({ reminders: 2, escalations: 0 });
    expect(await sent('approval-escalation')).toEqual([`platform@sesame.example:${app.id}`]);
    // The other BC's application (30 business days) was never overdue: its administrator was never written to.
    expect(await ctx.deps.db('outbox').where({ application_id: other.id }).whereLike('template', 'approval-%')).toHaveLength(0);
  });

  it('delivers the reminder and the escalation over SMTP, in the recipient’s language, with the link to the overdue queue', async () => {
    clock.current = on('2027-01-08');
    const transport = createSmtpTransport(ctx.config.mail, { connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 });
    try {
      await createOutboxDispatcher(ctx.deps, transport).runOnce();
    } finally {
      await transport.close();
    }
    const link = `${ctx.config.publicBaseUrl}${paths.admin.approvals.list}?overdue=yes`;
    const reminder = smtp.to('claire@acme.example')[0]!.parsed;
    expect(reminder.subject).toBe(`La demande de carte ${app.reference} attend votre approbation au-delà de son délai`);
    expect(reminder.text).toContain('Zoé Martin (ACME Test SA, clé d’accès Finance) attend l’approbation depuis le 21 décembre 2026');
    expect(reminder.text).toContain('Son délai de 5 jours ouvrés a pris fin le 29 décembre 2026');
    expect(reminder.text).toContain(link);
    const escalation = smtp.to('platform@sesame.example');
    expect(escalation).toHaveLength(1);
    expect(escalation[0]!.parsed.subject).toBe(`Escalation: card application ${app.reference} has waited for approval more than twice its deadline`);
    expect(escalation[0]!.parsed.text).toContain('since 21 December 2026, more than twice its deadline of 5 business days (ended on 29 December 2026)');
    expect(smtp.to('gone@acme.example')).toHaveLength(0);
  });
});
