import { TestClock, createTestContext, signInAs, type Agent, type TestContext } from './app';
import { givenAccount, givenAdministrator } from './builders';

/** Two administrators with their own BCs; the clock is fixed on 24 November 2026 (Europe/Paris). */
export interface AccessKeyWorld {
  ctx: TestContext;
  clock: TestClock;
  /** Central payment, plastic types corporate + gold. */
  central: number;
  /** Individual payment, plastic types corporate + platinum. */
  individual: number;
  /** Another BC of the same administrator, company name starting with '=' (formula injection probe). */
  third: number;
  /** The other administrator's BC. */
  foreign: number;
  alice: { id: number; email: string };
  bob: { id: number; email: string };
  as(who: 'alice' | 'bob', lang?: 'fr' | 'en'): Promise<Agent>;
}

export async function givenWorld(): Promise<AccessKeyWorld> {
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
  const ctx = await createTestContext({}, { clock });
  const db = ctx.deps.db;
  const central = await givenAccount(db, {
    number: '00820400012',
    company_name: 'Acme Industries',
    payment_type: 'central',
    plastic_types: JSON.stringify(['corporate', 'gold']),
  });
  const individual = await givenAccount(db, {
    number: '00820400044',
    company_name: 'Acme Ventes',
    payment_type: 'individual',
    liability_type: 'joint',
    statement_option: 'individual',
    plastic_types: JSON.stringify(['corporate', 'platinum']),
  });
  const third = await givenAccount(db, { number: '00820400061', company_name: '=HYPERLINK("http://evil.example")', card_product: 'corporate_air_france' });
  const foreign = await givenAccount(db, { number: '00000500036', company_name: 'Globex Benelux' });
  const alice = await givenAdministrator(db, { email: 'alice@acme.example', display_name: 'Alice' }, [central, individual, third]);
  const bob = await givenAdministrator(db, { email: 'bob@globex.example', display_name: 'Bob' }, [foreign]);
  return {
    ctx,
    clock,
    central,
    individual,
    third,
    foreign,
    alice,
    bob,
    as: (who, lang = 'fr') => signInAs(ctx.app, ctx.deps, who === 'alice' ? alice.email : bob.email, lang),
  };
}

/** A complete, valid form for the create page. */
export function validForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'Direction financière',
    accountId: '',
    plasticType: 'corporate',
    costCentreRule: 'required',
    employeeNumberRule: 'optional',
    directDebitRule: 'none',
    reminderEnabled: 'yes',
    additionalApproverRequired: 'no',
    expiresDay: '23',
    expiresMonth: '11',
    expiresYear: '2046',
    notificationRecipients: '',
    approvalDeadlineDays: '5',
    ...overrides,
  };
}
