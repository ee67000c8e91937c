import { loadActor, findActiveAdministratorById, type Actor } from '../../src/core/administrators/repository';
import { insertKey, uniqueViolation } from '../../src/features/access-keys/repository';
import { AccessKeyRuleError, createAccessKey, todayIn } from '../../src/features/access-keys/service';
import { NotFoundError } from '../../src/lib/errors';
import { givenAccessKey } from '../support/builders';
import { givenWorld, type AccessKeyWorld } from '../support/access-key-world';

const input = {
  name: 'Service',
  plasticType: 'corporate',
  costCentreRule: 'optional' as const,
  employeeNumberRule: 'optional' as const,
  directDebitRule: 'none' as const,
  reminderEnabled: false,
  additionalApproverRequired: false,
  approvalDeadlineDays: 5,
  notificationRecipients: [],
  expiresOn: '2030-01-01',
};

describe('access key repository and service', () => {
  let w: AccessKeyWorld;
  let alice: Actor;
  beforeEach(async () => {
    w = await givenWorld();
    alice = await loadActor(w.ctx.deps.db, (await findActiveAdministratorById(w.ctx.deps.db, w.alice.id))!);
  });
  afterEach(() => w.ctx.close());

  it('draws another number when the first one is taken', async () => {
    await givenAccessKey(w.ctx.deps.db, w.individual, w.alice.id, { number: 'TAKEN000' });
    const draws = ['TAKEN000', 'TAKEN000', 'FRESH000'];
    const created = await createAccessKey(w.ctx.deps.db, alice, { ...input, accountId: w.central }, w.clock.now(), () => draws.shift() as string);
    expect(created.number).toBe('FRESH000');
    expect(draws).toEqual([]);
    expect(await w.ctx.deps.db('access_key').where({ account_id: w.central })).toHaveLength(1);
  });

  it('has the partial unique index stop a second active key, recognised as the one-per-BC rule', async () => {
    await givenAccessKey(w.ctx.deps.db, w.central, w.alice.id, { name: 'First' });
    // The check inside createAccessKey sees the existing key; the index is what stops a concurrent insert:
    let caught: unknown;
    try {
      await w.ctx.deps.db.transaction((trx) =>
        insertKey(trx, { ...input, number: 'RACE0000', accountId: w.central, createdBy: w.alice.id, now: '2026-11-24T09:00:00.000Z' }),
      );
    } catch (err) {
      caught = err;
    }
    expect(uniqueViolation(caught)).toBe('account');
    await expect(createAccessKey(w.ctx.deps.db, alice, { ...input, accountId: w.central }, w.clock.now())).rejects.toBeInstanceOf(AccessKeyRuleError);
    expect(await w.ctx.deps.db('access_key').where({ account_id: w.central })).toHaveLength(1);
  });

  it('recognises a number collision', async () => {
    await givenAccessKey(w.ctx.deps.db, w.central, w.alice.id, { number: 'SAME0000' });
    let caught: unknown;
    try {
      await w.ctx.deps.db.transaction((trx) =>
        insertKey(trx, { ...input, number: 'SAME0000', accountId: w.individual, createdBy: w.alice.id, now: '2026-11-24T09:00:00.000Z' }),
      );
    } catch (err) {
      caught = err;
    }
    expect(uniqueViolation(caught)).toBe('number');
    expect(uniqueViolation(new Error('boom'))).toBeUndefined();
  });

  it('refuses, in the service too, a BC that is not the actor’s and the BC rules', async () => {
    await expect(createAccessKey(w.ctx.deps.db, alice, { ...input, accountId: w.foreign }, w.clock.now())).rejects.toBeInstanceOf(NotFoundError);
    await expect(createAccessKey(w.ctx.deps.db, alice, { ...input, accountId: w.central, plasticType: 'platinum' }, w.clock.now())).rejects.toBeInstanceOf(
      AccessKeyRuleError,
    );
    await expect(createAccessKey(w.ctx.deps.db, alice, { ...input, accountId: w.central, directDebitRule: 'required' }, w.clock.now())).rejects.toBeInstanceOf(
      AccessKeyRuleError,
    );
    expect(await w.ctx.deps.db('access_key')).toHaveLength(0);
  });

  it.each([
    ['2026-11-24T09:00:00Z', 'Europe/Paris', '2026-11-24'],
    ['2026-11-24T23:30:00Z', 'Europe/Paris', '2026-11-25'],
    ['2026-11-24T03:00:00Z', 'America/New_York', '2026-11-23'],
  ])('knows today in the configured time zone (%s in %s)', (iso, tz, day) => {
    expect(todayIn(tz, new Date(iso))).toBe(day);
  });
});
