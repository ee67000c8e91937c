import { useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { updateAccount } from '../../src/features/accounts/service';
import { findAccount } from '../../src/core/accounts/repository';
import type { AccountInput } from '../../src/core/accounts/schema';
import { createAccessKey, updateAccessKey } from '../../src/features/access-keys/service';
import type { AccessKeyInput } from '../../src/features/access-keys/schema';
import type { Actor } from '../../src/core/administrators/repository';
import type { Db } from '../../src/platform/db';

/**
 * Runs on PostgreSQL too with TEST_DATABASE_URL, where two administrators' requests really run at the same time.
 * A BC's settings and its active keys must agree whatever the order: a key's plastic type is one the BC offers, and a
 * BC paid centrally has no key offering direct debit.
 */
describe('a BC and its keys changed by two administrators at once', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  const now = new Date('2026-11-25T09:00:00Z');
  const audit = { actor: { type: 'system' as const } };

  async function givenBc() {
    const accountId = await givenAccount(db, { payment_type: 'individual', plastic_types: JSON.stringify(['corporate', 'gold']) });
    const admin = await givenAdministrator(db, {}, [accountId]);
    const actor: Actor = {
      id: admin.id,
      email: admin.email,
      displayName: 'Admin',
      role: 'admin',
      language: 'fr',
      active: true,
      accountIds: [accountId],
      isPlatform: false,
    };
    const account = (await findAccount(db, accountId))!;
    const settings: AccountInput = { ...account, addressCountry: 'FR', phone: '' };
    return { accountId, actor, settings };
  }

  const keyInput: AccessKeyInput = {
    name: 'Siège',
    plasticType: 'corporate',
    costCentreRule: 'optional',
    employeeNumberRule: 'optional',
    directDebitRule: 'none',
    reminderEnabled: true,
    additionalApproverRequired: false,
    approvalDeadlineDays: 5,
    notificationRecipients: [],
    expiresOn: '2030-12-31',
  };

  /** Whether the BC's settings and its active key agree. */
  async function consistent(accountId: number): Promise<boolean> {
    const account = (await findAccount(db, accountId))!;
    const keys = await db('access_key').where({ account_id: accountId }).whereNull('deleted_at').select('plastic_type', 'direct_debit_rule');
    return keys.every(
      (k) => (account.plasticTypes as string[]).includes(k.plastic_type) && (account.paymentType !== 'central' || k.direct_debit_rule === 'none'),
    );
  }

  /** A few rounds, each on a BC of its own: the two requests interleave differently from one round to the next. */
  const ROUNDS = 5;

  it('never leaves a key with a plastic type the BC stopped offering (key edited as the BC is)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { accountId, actor, settings } = await givenBc();
      const key = await givenAccessKey(db, accountId, actor.id);
      await Promise.allSettled([
        updateAccount(db, accountId, { ...settings, plasticTypes: ['corporate'] }, now, audit),
        updateAccessKey(db, actor, key.id, { ...keyInput, plasticType: 'gold' }, now),
      ]);
      expect(await consistent(accountId)).toBe(true);
    }
  });

  it('never leaves a key offering direct debit on a BC that became centrally paid (key edited as the BC is)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { accountId, actor, settings } = await givenBc();
      const key = await givenAccessKey(db, accountId, actor.id);
      await Promise.allSettled([
        updateAccount(db, accountId, { ...settings, paymentType: 'central' }, now, audit),
        updateAccessKey(db, actor, key.id, { ...keyInput, directDebitRule: 'optional' }, now),
      ]);
      expect(await consistent(accountId)).toBe(true);
    }
  });

  it('never leaves a new key with a plastic type the BC stopped offering (key created as the BC is edited)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { accountId, actor, settings } = await givenBc();
      await Promise.allSettled([
        updateAccount(db, accountId, { ...settings, plasticTypes: ['corporate'] }, now, audit),
        createAccessKey(db, actor, { ...keyInput, plasticType: 'gold', accountId }, now),
      ]);
      expect(await consistent(accountId)).toBe(true);
    }
  });
});
