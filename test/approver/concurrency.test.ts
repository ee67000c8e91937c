import { createTestContext, TestClock, type TestContext } from '../support/app';
import type { Faults } from '../../src/platform/deps';
import { decide } from '../../src/features/approver/service';
import { givenApprovalRequest, givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

/**
 * Runs on PostgreSQL too with TEST_DATABASE_URL, where the approver's decision and the employee's signature really run
 * at the same time. The decision is sent at the worst moment: once the signature has read the approval state, before
 * it changes the status (its afterApprovalStateRead fault hook starts it, waits until it is done or 300 ms, then lets the
 * signature go on).
 */
describe('the additional approver deciding while the employee signs', () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
  const faults: Faults = {};

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock, faults });
  });
  afterAll(() => ctx.close());

  it.each([
    ['approved', 'pending_approval'],
    ['declined', 'returned'],
  ] as const)('takes the decision (%s) into account: the application ends %s', async (decision, expected) => {
    const a = await givenSignableApplication(ctx, { additionalApprover: true, email: `signing-${decision}@acme.example` });
    const token = await givenApprovalRequest(ctx, a.id, { now: clock.now() });
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);

    let deciding: ReturnType<typeof decide> | undefined;
    const now = clock.now();
    faults.afterApprovalStateRead = async (applicationId) => {
      if (applicationId === a.id && !deciding) {
        deciding = decide(ctx.deps.db, {
          token,
          decision,
          comment: decision === 'declined' ? 'Pas de carte pour ce poste' : null,
          now,
          timeZone: ctx.config.timeZone,
        });
        await Promise.race([deciding.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 300))]);
      }
    };
    try {
      const signed = await postCode(agent, code);
      expect(signed.status).toBe(303);
      expect(deciding).toBeDefined();
      expect(await deciding).toMatchObject({ ok: true, applicationId: a.id });
    } finally {
      delete faults.afterApprovalStateRead;
    }
    expect((await ctx.deps.db('approval_request').where({ application_id: a.id }).first('decision')).decision).toBe(decision);
    expect((await ctx.deps.db('application').where({ id: a.id }).first('status')).status).toBe(expected);
  });
});
