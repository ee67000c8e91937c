import { createTestContext, csrfFrom, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplication, type Key } from '../support/builders';
import { enter } from '../support/employee';
import { paths } from '../../src/platform/paths';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createSmtpTransport } from '../../src/core/outbox/transport';
import { queueDailyDigests } from '../../src/jobs/daily-digest';
import { TestSmtpServer } from '../outbox/smtp-support';

/** Issue 14 part 2: the complaint's acknowledgement over real SMTP, and complaints in the daily digest. */
describe('complaint e-mails', () => {
  const smtp = new TestSmtpServer();
  let ctx: TestContext;
  let clock: TestClock;
  let key: Key;
  let accountId: number;

  beforeAll(async () => {
    await smtp.start();
    clock = new TestClock(new Date('2026-04-30T08:00:00Z'));
    ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock });
    accountId = await givenAccount(ctx.deps.db);
    const admin = await givenAdministrator(ctx.deps.db, { language: 'en', email: 'handler@test.example' }, [accountId]);
    key = { ...(await givenAccessKey(ctx.deps.db, accountId, admin.id)), accountId };
  });
  afterAll(async () => {
    await smtp.stop();
    await ctx.close();
  });

  async function file(lang: 'fr' | 'en', contactEmail: string) {
    const a = await givenApplication(ctx.deps.db, key, { language: lang });
    const agent = await enter(ctx.app, key, a.reference, lang);
    const page = await agent.get(paths.employee.complaints.file);
    const res = await agent
      .post(paths.employee.complaints.file)
      .field('_csrf', csrfFrom(page.text))
      .field('category', 'online_account')
      .field('description', 'Mon accès est bloqué.')
      .field('contactEmail', contactEmail);
    expect(res.status).toBe(303);
    return { application: a, complaint: await ctx.deps.db('complaint').where({ application_id: a.id }).first() };
  }

  async function deliver(): Promise<void> {
    const transport = createSmtpTransport(ctx.config.mail, { connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 });
    try {
      await createOutboxDispatcher(ctx.deps, transport).runOnce();
    } finally {
      await transport.close();
    }
  }

  it.each([
    ['fr', 'reclamant.fr@test.example', 'a bien été reçue', 'au plus tard le 27 mai 2026', 'Le compte en ligne'],
    ['en', 'complainant.en@test.example', 'We have received your complaint', 'by 27 May 2026 at the latest', 'The online account'],
  ] as const)(
    'in %s, the acknowledgement reaches the contact address at once, with the reference, the deadline and the link',
    async (lang, to, subject, due, category) => {
      const { application, complaint } = await file(lang, to);
      await deliver();
      const mails = smtp.to(to);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!.parsed;
      expect(mail.subject).toContain(subject);
      expect(mail.subject).toContain(complaint.reference);
      expect(mail.text).toContain(due);
      expect(mail.text).toContain(category);
      expect(mail.text).toContain(application.reference);
      expect(mail.text).toContain(`${ctx.config.publicBaseUrl}${paths.employee.entry}?ref=${application.reference}`);
      expect(mail.html).toContain(complaint.reference);
    },
  );

  it('lists complaints due within 3 business days and overdue ones in the handlers’ digest, not the others', async () => {
    const dueSoon = (await file('en', 'a@test.example')).complaint; // due 27 May
    clock.current = new Date('2026-05-15T08:00:00Z');
    const later = (await file('en', 'b@test.example')).complaint; // due 9 June
    await ctx.deps.db('complaint').where({ id: dueSoon.id }).update({ due_on: '2026-05-20' });
    const overdue = (await file('en', 'c@test.example')).complaint;
    await ctx.deps.db('complaint').where({ id: overdue.id }).update({ due_on: '2026-05-18' });
    const answered = (await file('en', 'd@test.example')).complaint;
    await ctx.deps.db('complaint').where({ id: answered.id }).update({ due_on: '2026-05-18', status: 'answered', answered_on: '2026-05-18' });
    // 00:30 in Paris on Tuesday 19 May 2026: 20 May is 1 business day away, 18 May is past.
    clock.current = new Date('2026-05-18T22:30:00Z');
    await queueDailyDigests(ctx.deps, clock.now());
    const row = await ctx.deps.db('outbox').where({ template: 'daily-digest', recipient: 'handler@test.example' }).first();
    expect(row).toBeDefined();
    const data = JSON.parse(row.data);
    expect(data.complaintCount).toBe(2);
    expect(data.complaintList).toContain(`${dueSoon.reference} – answer due by 20 May 2026 (1 business day left)`);
    expect(data.complaintList).toContain(`${overdue.reference} – overdue: the answer was due on 18 May 2026`);
    expect(data.complaintList).not.toContain(later.reference);
    expect(data.complaintList).not.toContain(answered.reference);
    expect(data.pendingCount).toBe(0);
    // Another BC's administrator is not told.
    const otherAccount = await givenAccount(ctx.deps.db);
    await givenAdministrator(ctx.deps.db, { email: 'other@test.example' }, [otherAccount]);
    await ctx.deps.db('outbox').where({ template: 'daily-digest' }).delete();
    await queueDailyDigests(ctx.deps, clock.now());
    expect(await ctx.deps.db('outbox').where({ template: 'daily-digest', recipient: 'other@test.example' })).toHaveLength(0);

    await deliver();
    const digest = smtp.to('handler@test.example').at(-1)!.parsed;
    expect(digest.text).toContain('Complaints due within 3 business days or overdue: 2');
    expect(digest.text).toContain(`${ctx.config.publicBaseUrl}${paths.admin.complaints.list}`);
  });
});
