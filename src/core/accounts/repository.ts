import { lockingRead, type Db } from '../../platform/db';
import { column, int, rowMapper, text, snakeCaseColumns } from '../../lib/rows';
import type { AccountInput } from './schema';
import type { CardProduct, LiabilityType, PaymentType, PlasticType, StatementOption } from './options';

/** Billing accounts (BC). Only the platform administrator manages them, so these queries are not scoped by BC. */
export interface Account {
  id: number;
  number: string;
  companyName: string;
  addressBuilding: string;
  addressStreet: string;
  addressCity: string;
  addressPostalCode: string;
  addressCountry: string;
  phone: string;
  cardProduct: CardProduct;
  plasticTypes: PlasticType[];
  liabilityType: LiabilityType;
  statementOption: StatementOption;
  paymentType: PaymentType;
  createdAt: string;
  updatedAt: string;
}

/**
 * A BC as the pages and the issuer's file name it beside a key or an application — its number, company name and card
 * settings — for a query that joins `account as a`.
 */
export const ACCOUNT_CARD_COLUMNS = [
  'a.number as account_number',
  'a.company_name',
  'a.card_product',
  'a.liability_type',
  'a.statement_option',
  'a.payment_type',
] as const;

const ACCOUNT = rowMapper<Account>({
  id: int,
  number: text,
  companyName: text,
  addressBuilding: text,
  addressStreet: text,
  addressCity: text,
  addressPostalCode: text,
  addressCountry: text,
  phone: text,
  cardProduct: text,
  plasticTypes: column('plastic_types', (v) => JSON.parse(v as string) as PlasticType[]),
  liabilityType: text,
  statementOption: text,
  paymentType: text,
  createdAt: text,
  updatedAt: text,
});
const toAccount = ACCOUNT.map;

/** The schema's output is exactly the BC's fields (zod drops anything else), so they map to columns by name. */
function toRow(input: AccountInput) {
  return snakeCaseColumns({ ...input, plasticTypes: JSON.stringify(input.plasticTypes) });
}

/** Every BC with its number of active (not deleted) access keys, by number. */
export async function listAccounts(db: Db): Promise<Array<Account & { keyCount: number }>> {
  const rows = await db('account as a')
    .leftJoin('access_key as k', function joinActiveKeys() {
      this.on('k.account_id', '=', 'a.id').andOnNull('k.deleted_at');
    })
    .groupBy('a.id')
    .orderBy('a.number')
    .select('a.*')
    .count({ key_count: 'k.id' });
  return rows.map((r) => ({ ...toAccount(r), keyCount: Number((r as { key_count: number | string }).key_count) }));
}

/** Id, number and company of every BC, for choosing the BCs an administrator manages. */
export async function listAccountChoices(db: Db): Promise<Array<{ id: number; number: string; companyName: string }>> {
  const rows = await db('account').orderBy('number').select('id', 'number', 'company_name');
  return rows.map((r: { id: number; number: string; company_name: string }) => ({ id: r.id, number: r.number, companyName: r.company_name }));
}

/**
 * Takes the BC's row until the transaction ends. A change of the BC's settings and a change of one of its keys each
 * check the other's rules (plastic types offered, direct debit with central payment): both hold the BC first, so on
 * PostgreSQL the second waits for the first and checks against what it committed.
 */
export async function holdAccount(trx: Db, id: number): Promise<void> {
  await lockingRead(trx('account').where({ id }).first('id'));
}

export async function findAccount(db: Db, id: number): Promise<Account | undefined> {
  const row = await db('account').where({ id }).first();
  return row ? toAccount(row) : undefined;
}

/** Which of these numbers already belong to a BC (optionally other than `exceptId`). */
export async function existingNumbers(db: Db, numbers: string[], exceptId?: number): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < numbers.length; i += 500) {
    const q = db('account')
      .whereIn('number', numbers.slice(i, i + 500))
      .select('number');
    if (exceptId !== undefined) q.whereNot({ id: exceptId });
    for (const r of (await q) as Array<{ number: string }>) found.add(r.number);
  }
  return found;
}

export async function insertAccounts(db: Db, inputs: AccountInput[], now: Date): Promise<number[]> {
  const ts = now.toISOString();
  const ids: number[] = [];
  // In chunks: SQLite limits the number of bound variables per statement.
  for (let i = 0; i < inputs.length; i += 50) {
    const rows = await db('account')
      .insert(inputs.slice(i, i + 50).map((input) => ({ ...toRow(input), created_at: ts, updated_at: ts })))
      .returning('id');
    ids.push(...rows.map((r: unknown) => (typeof r === 'object' && r !== null ? (r as { id: number }).id : (r as number))));
  }
  return ids;
}

export async function updateAccount(db: Db, id: number, input: AccountInput, now: Date): Promise<number> {
  return db('account')
    .where({ id })
    .update({ ...toRow(input), updated_at: now.toISOString() });
}

interface ActiveKeyOptions {
  id: number;
  number: string;
  name: string;
  plasticType: string;
  directDebitRule: string;
}

/** The BC's active keys with the options an account edit could invalidate. */
export async function activeKeysOf(db: Db, accountId: number): Promise<ActiveKeyOptions[]> {
  const rows = await db('access_key')
    .where({ account_id: accountId })
    .whereNull('deleted_at')
    .select('id', 'number', 'name', 'plastic_type', 'direct_debit_rule');
  return rows.map((r: { id: number; number: string; name: string; plastic_type: string; direct_debit_rule: string }) => ({
    id: r.id,
    number: r.number,
    name: r.name,
    plasticType: r.plastic_type,
    directDebitRule: r.direct_debit_rule,
  }));
}
