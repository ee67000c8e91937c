import { queueDailyDigests } from '../../src/jobs/daily-digest';
import { delegatesOf } from '../../src/core/administrators/absence';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplicationRow } from '../support/builders';

// 00:30 in Paris on 25 November 2026.
const AT_0030 = new Date('2026-11-24T23:30:00Z');

/** Issue 16 item 2: e-mails meant for an absent administrator go to their delegate too. */
describe('out of office: e-mails to the delegate', () => {
  let ctx: TestContext;
  let claire: { id: number; email: string };
  let paul: { id: number; email: string };

  beforeEach(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(AT_0030) });
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    claire = await givenAdministrator(db, { display_name: 'Claire Admin', language: 'fr' }, [account]);
    paul = await givenAdministrator(db, { display_name: 'Paul Admin', language: 'en' }, [account]);
    const key = await givenAccessKey(db, account, claire.id);
    await givenApplicationRow(
      db,
      {
        reference: '5000000001',
        origin: 'self_service',
        status: 'pending_approval',
        submitted_at: '2026-11-20T10:00:00.000Z',
        status_changed_at: '2026-11-20T10:00:00.000Z',
      },
      { id: key.id, accountId: account },
    );
  });
  afterEach(() => ctx.close());

  const absence = (startsOn: string, endsOn: string) =>
    ctx.deps
      .db('administrator_absence')
      .insert({ administrator_id: claire.id, delegate_id: paul.id, starts_on: startsOn, ends_on: endsOn, created_at: AT_0030.toISOString() });
  const digestRecipients = async () =>
    (await ctx.deps.db('outbox').where({ template: 'daily-digest' }).orderBy('recipient').select('recipient', 'language')) as Array<{
      recipient: string;
      language: string;
    }>;

  it('the digest of an absent administrator goes to the delegate too, in the delegate’s language', async () => {
    await absence('2026-11-25', '2026-11-26');
    await queueDailyDigests(ctx.deps, AT_0030);
    expect(await digestRecipients()).toEqual(
      [
        { recipient: claire.email, language: 'fr' },
        { recipient: paul.email, language: 'en' },
      ].sort((a, b) => a.recipient.localeCompare(b.recipient)),
    );
  });

  it('not once the absence has ended (24 Nov was its last day; 00:30 on 25 Nov in Paris)', async () => {
    await absence('2026-11-24', '2026-11-24');
    await queueDailyDigests(ctx.deps, AT_0030);
    expect(await digestRecipients()).toEqual([{ recipient: claire.email, language: 'fr' }]);
  });

  it('names the delegate of an absent recipient (urgent alerts use it), and nobody for someone present', async () => {
    await absence('2026-11-25', '2026-11-30');
    expect(await delegatesOf(ctx.deps.db, [claire.email.toUpperCase(), 'finance@test.example'], AT_0030, 'Europe/Paris')).toEqual([
      { absentEmail: claire.email, email: paul.email, language: 'en' },
    ]);
    // In UTC it is still 24 Nov: not yet absent.
    expect(await delegatesOf(ctx.deps.db, [claire.email], AT_0030, 'UTC')).toEqual([]);
  });
});
