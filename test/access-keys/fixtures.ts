import { TestClock, createTestContext, signInAs, type Agent, type TestContext } from '../support/app';
import { givenAccount, givenAdministrator } from '../support/builders';

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
  const central = await givenAccount(db, { number: '00820400012', company_name: 'Acme Industries', payment_type: 'central', plastic_types: JSON.stringify(['corporate', 'gold']) });
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
    ...overrides,
  };
}

/** Inserts an application row directly (the applications feature is not needed to test deletion rules). */
export async function givenApplication(ctx: TestContext, keyId: number, accountId: number, status: string, extra: Record<string, unknown> = {}): Promise<number> {
  const ts = '2026-11-20T09:00:00.000Z';
  const reference = String(1000000000 + Math.floor(Math.random() * 8999999999)).slice(0, 10);
  const [row] = await ctx.deps.db('application')
    .insert({
      reference,
      access_key_id: keyId,
      account_id: accountId,
      origin: 'controlled',
      priority: 'normal',
      status,
      first_name: 'Jeanne',
      last_name: 'Durand',
      email: `jeanne.${reference}@acme.example`,
      language: 'fr',
      status_changed_at: ts,
      created_at: ts,
      updated_at: ts,
      ...extra,
    })
    .returning('id');
  return typeof row === 'object' ? (row as { id: number }).id : (row as number);
}
