import { dueReminderDay, queueReminders } from '../../src/jobs/reminders';
import { transition } from '../../src/core/application/status';
import { createEmailRenderer } from '../../src/core/outbox/render';
import { contextPerTest, type TestContext } from '../support/app';
import { givenInvitedApplication } from '../support/builders';

// Initiated at 23:30 in Paris on 24 November; calendar days count in Paris (day 1 starts 30 minutes later).
const T0 = new Date('2026-11-24T22:30:00Z');
/** 10:00 in Paris on the n-th calendar day after initiation. */
const day = (n: number) => new Date(Date.UTC(2026, 10, 24 + n, 9, 0));

describe('the reminder job (e-mail 5)', () => {
  let ctx: TestContext;
  const currentContext = contextPerTest();
  beforeEach(() => {
    ctx = currentContext();
  });

  const reminders = (applicationId?: number) =>
    ctx.deps
      .db('outbox')
      .where({ template: 'reminder', ...(applicationId ? { application_id: applicationId } : {}) })
      .orderBy('id')
      .select('idempotency_key', 'recipient', 'language', 'data');

  it.each([
    [7, null],
    [8, 8],
    [14, 8],
    [15, 15],
    [21, 15],
    [22, 22],
    [89, 85],
  ])('on day %i the due reminder is day %p', (days, due) => {
    expect(dueReminderDay(days)).toBe(due);
  });

  it('sends one reminder on day 8, 15 and 22, however often it runs', async () => {
    const app = await givenInvitedApplication(ctx.deps.db, T0);
    const keys = async () => (await reminders(app.id)).map((r) => r.idempotency_key);

    expect(await queueReminders(ctx.deps, day(7))).toEqual({ queued: 0 });
    expect(await keys()).toEqual([]);
    expect(await queueReminders(ctx.deps, day(8))).toEqual({ queued: 1 });
    expect(await queueReminders(ctx.deps, day(8))).toEqual({ queued: 0 });
    expect(await queueReminders(ctx.deps, new Date(day(8).getTime() + 6 * 3600000))).toEqual({ queued: 0 });
    expect(await queueReminders(ctx.deps, day(14))).toEqual({ queued: 0 });
    expect(await queueReminders(ctx.deps, day(15))).toEqual({ queued: 1 });
    expect(await queueReminders(ctx.deps, day(22))).toEqual({ queued: 1 });
    expect(await keys()).toEqual([`reminder:${app.id}:day8`, `reminder:${app.id}:day15`, `reminder:${app.id}:day22`]);

    const [first] = await reminders(app.id);
    expect(first).toMatchObject({ recipient: 'zoe.martin@test.example', language: 'fr' });
    expect(JSON.parse(first.data)).toEqual({ reference: app.reference, firstName: 'Zoé', lastName: 'Martin', daysSinceInitiation: 8 });
  });

  it('counts calendar days in Paris: day 8 starts at midnight, before 8 × 24 hours have passed', async () => {
    const app = await givenInvitedApplication(ctx.deps.db, T0);
    // 00:05 in Paris on 2 December = 7 days and 35 minutes after initiation
    expect(await queueReminders(ctx.deps, new Date('2026-12-01T23:05:00Z'))).toEqual({ queued: 1 });
    expect((await reminders(app.id))[0]?.idempotency_key).toBe(`reminder:${app.id}:day8`);
  });

  it('after downtime sends only the latest due reminder, once', async () => {
    const app = await givenInvitedApplication(ctx.deps.db, T0);
    expect(await queueReminders(ctx.deps, day(23))).toEqual({ queued: 1 });
    expect(await queueReminders(ctx.deps, day(24))).toEqual({ queued: 0 });
    expect((await reminders(app.id)).map((r) => r.idempotency_key)).toEqual([`reminder:${app.id}:day22`]);
    expect(JSON.parse((await reminders(app.id))[0].data).daysSinceInitiation).toBe(23);
  });

  it('stops once the application is submitted, and never starts when the key has reminders off', async () => {
    const app = await givenInvitedApplication(ctx.deps.db, T0);
    const quiet = await givenInvitedApplication(ctx.deps.db, T0, { reminderEnabled: false });
    await queueReminders(ctx.deps, day(8));
    await ctx.deps.db.transaction((trx) =>
      transition(trx, { applicationId: app.id, from: ['invited'], to: 'pending_approval', actor: { type: 'employee' }, now: day(10) }),
    );
    expect(await queueReminders(ctx.deps, day(15))).toEqual({ queued: 0 });
    expect(await queueReminders(ctx.deps, day(22))).toEqual({ queued: 0 });
    expect((await reminders(app.id)).map((r) => r.idempotency_key)).toEqual([`reminder:${app.id}:day8`]);
    expect(await reminders(quiet.id)).toEqual([]);
  });

  it('stops when the application is cancelled or expired', async () => {
    const cancelled = await givenInvitedApplication(ctx.deps.db, T0);
    const expired = await givenInvitedApplication(ctx.deps.db, T0);
    await ctx.deps.db.transaction(async (trx) => {
      await transition(trx, { applicationId: cancelled.id, from: ['invited'], to: 'cancelled', actor: { type: 'admin' }, now: day(9) });
      await transition(trx, { applicationId: expired.id, from: ['invited'], to: 'expired', actor: { type: 'system' }, now: day(9) });
    });
    expect(await queueReminders(ctx.deps, day(15))).toEqual({ queued: 0 });
  });

  it.each([
    ['fr', 'Rappel : votre demande de carte Corporate n’est pas encore envoyée', 'ouverte il y a 8 jours'],
    ['en', 'Reminder: your corporate card application has not been submitted yet', 'opened 8 days ago'],
  ] as const)('renders in %s with the reference and the entry link', async (lang, subject, days) => {
    const app = await givenInvitedApplication(ctx.deps.db, T0, { language: lang });
    await queueReminders(ctx.deps, day(8));
    const row = (await reminders(app.id))[0];
    const mail = createEmailRenderer({ baseUrl: 'https://sesame.example.com' }).render('reminder', lang, JSON.parse(row.data));
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(days);
    expect(mail.text).toContain(app.reference);
    expect(mail.text).toContain('https://sesame.example.com/access');
    expect(mail.html).toContain(app.reference);
  });
});
