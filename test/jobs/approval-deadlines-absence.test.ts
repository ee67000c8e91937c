import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator, givenPending, type Key } from '../support/builders';
import { queueApprovalDeadlineEmails } from '../../src/core/application/approval-deadlines';

/**
 * Stuck approvals while an administrator is out of office (issue 16 items 2 and 3): the reminders and escalations meant
 * for an administrator absent today go to their delegate too — also for a BC the delegate does not administer — and
 * stop going to the delegate once the absence is over.
 */
describe('the approval deadlines job and out of office', () => {
  const clock = new TestClock(new Date('2026-12-21T09:00:00.000Z'));
  let ctx: TestContext;
  let app: { id: number; reference: string };

  beforeAll(async () => {
    ctx = await createTestContext({ TIME_ZONE: 'Europe/Paris', HOLIDAY_COUNTRY: 'FR' }, { clock });
    const db = ctx.deps.db;
    const acme = await givenAccount(db, { company_name: 'ACME Test SA' });
    const beta = await givenAccount(db, { company_name: 'Beta' });
    // Claire runs ACME and Beta; Dora runs Beta only and stands in for Claire from 28 December to 4 January, and for
    // the platform administrator on 7 January.
    const claire = await givenAdministrator(db, { email: 'claire@acme.example', language: 'fr' }, [acme, beta]);
    const dora = await givenAdministrator(db, { email: 'dora@beta.example', language: 'en' }, [beta]);
    const platform = await givenAdministrator(db, { email: 'platform@sesame.example', role: 'platform', language: 'en' });
    await db('administrator_absence').insert([
      { administrator_id: claire.id, delegate_id: dora.id, starts_on: '2026-12-28', ends_on: '2027-01-04', created_at: '2026-12-20T09:00:00.000Z' },
      { administrator_id: platform.id, delegate_id: dora.id, starts_on: '2027-01-07', ends_on: '2027-01-07', created_at: '2026-12-20T09:00:00.000Z' },
    ]);
    const key: Key = { ...(await givenAccessKey(db, acme, claire.id, { name: 'Finance' })), accountId: acme };
    app = await givenPending(db, key, { firstName: 'Zoé', lastName: 'Martin' });
    // Pending since Monday 21 December 2026: overdue from Wednesday 30 December, escalated from Thursday 7 January.
    await db('application').where({ id: app.id }).update({ submitted_at: '2026-12-21T09:00:00.000Z', status_changed_at: '2026-12-21T09:00:00.000Z' });
  });
  afterAll(() => ctx.close());

  const recipients = async (template: string, day: string) =>
    (
      await ctx.deps
        .db('outbox')
        .where({ template, application_id: app.id })
        .where('idempotency_key', 'like', template === 'approval-overdue' ? `%:${day}` : '%')
        .orderBy('recipient')
        .select('recipient', 'language')
    ).map((r: { recipient: string; language: string }) => `${r.recipient}/${r.language}`);

  it('copies the reminder to the delegate of an absent administrator, in the delegate’s language, once', async () => {
    expect(await queueApprovalDeadlineEmails(ctx.deps, new Date('2026-12-30T09:00:00.000Z'))).toEqual({ overdue: 1, reminders: 2, escalations: 0 });
    expect(await recipients('approval-overdue', '2026-12-30')).toEqual(['claire@acme.example/fr', 'dora@beta.example/en']);
    expect(await queueApprovalDeadlineEmails(ctx.deps, new Date('2026-12-30T15:00:00.000Z'))).toMatchObject({ reminders: 0 });
  });

  it('stops copying the delegate once the absence has ended', async () => {
    await queueApprovalDeadlineEmails(ctx.deps, new Date('2027-01-05T09:00:00.000Z'));
    expect(await recipients('approval-overdue', '2027-01-05')).toEqual(['claire@acme.example/fr']);
  });

  it('copies an escalation to the delegate of an absent platform administrator', async () => {
    expect(await queueApprovalDeadlineEmails(ctx.deps, new Date('2027-01-07T09:00:00.000Z'))).toMatchObject({ escalations: 2 });
    expect(await recipients('approval-escalation', '')).toEqual(['dora@beta.example/en', 'platform@sesame.example/en']);
  });
});
