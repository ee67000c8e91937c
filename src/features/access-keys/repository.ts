import type { Knex } from 'knex';
import { uniqueViolationText, type Db } from '../../platform/db';
import { ACCOUNT_CARD_COLUMNS } from '../../core/accounts/repository';
import { normaliseAccessKeyNumber } from '../../lib/access-key-number';
import { escapeLike, type ListQuery } from '../../lib/list-query';
import { bool, column, int, rowMapper, text, textOrNull, type Row, snakeCaseColumns } from '../../lib/rows';

/** Access keys and the BC options they carry. Every administrator query takes the actor's BC ids. */

type FieldRule = 'required' | 'optional';
type DirectDebitRule = 'required' | 'optional' | 'none';

export interface AccountSummary {
  id: number;
  number: string;
  companyName: string;
  cardProduct: string;
  plasticTypes: string[];
  liabilityType: string;
  statementOption: string;
  paymentType: string;
}

/** What the administrator chooses for a key (the form's fields, the columns written on create and edit). */
export interface KeyFields {
  name: string;
  plasticType: string;
  costCentreRule: FieldRule;
  employeeNumberRule: FieldRule;
  directDebitRule: DirectDebitRule;
  reminderEnabled: boolean;
  additionalApproverRequired: boolean;
  notificationRecipients: string[];
  /** YYYY-MM-DD, the last valid day. */
  expiresOn: string;
  /** Business days an application may wait for approval before it is overdue (1–30; issue 16 item 3). */
  approvalDeadlineDays: number;
}

interface AccessKey extends KeyFields {
  id: number;
  number: string;
  accountId: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface AccessKeyWithAccount extends AccessKey {
  account: AccountSummary;
}

export interface AccessKeyListRow {
  id: number;
  number: string;
  name: string;
  expiresOn: string;
  accountId: number;
  accountNumber: string;
  companyName: string;
  cardProduct: string;
  plasticType: string;
  liabilityType: string;
  statementOption: string;
}

/** The columns a list may sort by, and the SQL each one sorts on. */
export const ACCESS_KEY_SORTS = [
  'name',
  'number',
  'companyName',
  'accountNumber',
  'cardProduct',
  'plasticType',
  'liabilityType',
  'statementOption',
  'expiresOn',
] as const;
export type AccessKeySort = (typeof ACCESS_KEY_SORTS)[number];

const SORT_COLUMNS: Record<AccessKeySort, string> = {
  name: 'k.name',
  number: 'k.number',
  companyName: 'a.company_name',
  accountNumber: 'a.number',
  cardProduct: 'a.card_product',
  plasticType: 'k.plastic_type',
  liabilityType: 'a.liability_type',
  statementOption: 'a.statement_option',
  expiresOn: 'k.expires_on',
};

/** Code columns sort by their label in the page language, not by their code. */
export type SortLabels = Partial<Record<AccessKeySort, Record<string, string>>>;

/** Open applications that block a key's deletion (not finished: neither transmitted nor closed). */
const DELETE_BLOCKING_STATUSES = ['invited', 'in_progress', 'returned', 'awaiting_additional_approval', 'pending_approval', 'approved'] as const;

function parseJsonArray(text: string | null | undefined): string[] {
  try {
    const v: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

const ACCOUNT_SUMMARY = rowMapper<AccountSummary>({
  id: int,
  number: text,
  companyName: text,
  cardProduct: text,
  plasticTypes: column('plastic_types', (v) => parseJsonArray(v as string | null)),
  liabilityType: text,
  statementOption: text,
  paymentType: text,
});
const toAccountSummary = ACCOUNT_SUMMARY.map;

/** An access key's record: its columns and its mapper, declared once. */
const ACCESS_KEY = rowMapper<AccessKey>({
  id: int,
  number: text,
  name: text,
  accountId: int,
  plasticType: text,
  costCentreRule: text,
  employeeNumberRule: text,
  directDebitRule: text,
  reminderEnabled: bool,
  additionalApproverRequired: bool,
  notificationRecipients: column('notification_recipients', (v) => parseJsonArray(v as string | null)),
  expiresOn: text,
  approvalDeadlineDays: int,
  createdBy: int,
  createdAt: text,
  updatedAt: text,
  deletedAt: textOrNull,
});
const KEY_COLUMNS = ACCESS_KEY.columns.map((c) => `k.${c}`);
const ACCOUNT_COLUMNS = ACCOUNT_SUMMARY.prefixed('a', 'a_');

function toKeyWithAccount(row: Row): AccessKeyWithAccount {
  return { ...ACCESS_KEY.map(row), account: ACCOUNT_SUMMARY.fromPrefixed(row, 'a_') };
}

function joined(db: Db) {
  return db('access_key as k').join('account as a', 'a.id', 'k.account_id');
}

/** The actor's BCs, by number, each with whether it already has an active key. */
export async function listAccountsForActor(db: Db, accountIds: number[]): Promise<Array<AccountSummary & { activeKeyId: number | null }>> {
  const rows = await db('account as a')
    .leftJoin('access_key as k', function activeKeys() {
      this.on('k.account_id', '=', 'a.id').andOnNull('k.deleted_at');
    })
    .whereIn('a.id', accountIds)
    .orderBy('a.number')
    .select<Array<Row & { active_key_id: number | null }>>('a.*', 'k.id as active_key_id');
  return rows.map((r) => ({ ...toAccountSummary(r), activeKeyId: r.active_key_id ?? null }));
}

export async function findAccountForActor(db: Db, accountIds: number[], accountId: number): Promise<AccountSummary | undefined> {
  if (!accountIds.includes(accountId)) return undefined;
  const row = await db('account').whereIn('id', accountIds).andWhere({ id: accountId }).first();
  return row ? toAccountSummary(row) : undefined;
}

/** A key of one of the actor's BCs, not deleted; undefined for anything else (the route answers 404). */
export async function findKeyForActor(db: Db, accountIds: number[], id: number): Promise<AccessKeyWithAccount | undefined> {
  const row = await joined(db)
    .where('k.id', id)
    .whereIn('k.account_id', accountIds)
    .whereNull('k.deleted_at')
    .first<Row | undefined>([...KEY_COLUMNS, ...ACCOUNT_COLUMNS]);
  return row ? toKeyWithAccount(row) : undefined;
}

/** The BC a key belongs to (deleted keys and every BC included: the caller checks the actor's scope afterwards). */
export async function accountIdOfKey(trx: Knex.Transaction, id: number): Promise<number | undefined> {
  const owner = await trx('access_key').where({ id }).first('account_id');
  return owner ? Number(owner.account_id) : undefined;
}

export async function accountHasActiveKey(db: Db, accountId: number, exceptKeyId?: number): Promise<boolean> {
  const q = db('access_key').where({ account_id: accountId }).whereNull('deleted_at');
  if (exceptKeyId !== undefined) q.whereNot({ id: exceptKeyId });
  return Boolean(await q.first('id'));
}

/** Filters shared by the list page and the export: actor's BCs, not deleted, and the search text. */
function filtered(db: Db, accountIds: number[], q: string) {
  const qb = joined(db).whereIn('k.account_id', accountIds).whereNull('k.deleted_at');
  if (q) {
    const lower = `%${escapeLike(q.toLowerCase())}%`;
    const asTyped = `%${escapeLike(q)}%`;
    const compact = q.replace(/[\s-]/g, '');
    const digits = compact && /^\d+$/.test(compact) ? `%${escapeLike(compact)}%` : undefined;
    const keyNumber = normaliseAccessKeyNumber(q);
    qb.where((w) => {
      w.whereRaw("lower(k.name) like ? escape '\\'", [lower])
        .orWhereRaw("k.name like ? escape '\\'", [asTyped])
        .orWhereRaw("lower(k.number) like ? escape '\\'", [lower])
        .orWhereRaw("lower(a.company_name) like ? escape '\\'", [lower])
        .orWhereRaw("a.company_name like ? escape '\\'", [asTyped])
        .orWhereRaw("a.number like ? escape '\\'", [asTyped]);
      if (digits) w.orWhereRaw("a.number like ? escape '\\'", [digits]);
      // "4Z0Y-O4V0" or "4zoyo4vo" still finds key 4Z0Y04V0.
      if (keyNumber) w.orWhere('k.number', keyNumber);
    });
  }
  return qb;
}

function applySort(qb: Knex.QueryBuilder, sort: AccessKeySort, dir: 'asc' | 'desc', labels: SortLabels): Knex.QueryBuilder {
  const column = SORT_COLUMNS[sort];
  const direction = dir === 'desc' ? 'desc' : 'asc';
  const map = labels[sort];
  if (map && Object.keys(map).length) {
    const entries = Object.entries(map);
    const cases = entries.map(() => 'when ? then ?').join(' ');
    qb.orderByRaw(`lower(case ${column} ${cases} else ${column} end) ${direction}`, entries.flat());
  } else if (sort === 'name' || sort === 'companyName') {
    qb.orderByRaw(`lower(${column}) ${direction}`);
  } else {
    qb.orderBy(column, direction);
  }
  return qb.orderBy('k.id', direction);
}

const LIST_COLUMNS = ['k.id', 'k.number', 'k.name', 'k.expires_on', 'k.account_id', 'k.plastic_type', ...ACCOUNT_CARD_COLUMNS];

const toListRow = rowMapper<AccessKeyListRow>({
  id: int,
  number: text,
  name: text,
  expiresOn: text,
  accountId: int,
  accountNumber: text,
  companyName: text,
  cardProduct: text,
  plasticType: text,
  liabilityType: text,
  statementOption: text,
}).map;

export async function countKeys(db: Db, accountIds: number[], q: string): Promise<number> {
  const row = await filtered(db, accountIds, q).count<{ n: number | string }[]>({ n: 'k.id' });
  return Number(row[0]?.n ?? 0);
}

/** One page of the list (offset/limit), or every matching row when limit is omitted (export). */
export async function listKeys(
  db: Db,
  accountIds: number[],
  query: Pick<ListQuery<AccessKeySort>, 'q' | 'sort' | 'dir'>,
  labels: SortLabels,
  page?: { offset: number; limit: number },
): Promise<AccessKeyListRow[]> {
  const qb = applySort(filtered(db, accountIds, query.q).select(LIST_COLUMNS), query.sort, query.dir, labels);
  if (page) qb.offset(page.offset).limit(page.limit);
  const rows = (await qb) as Row[];
  return rows.map(toListRow);
}

/** The fields a key's form writes, in the page's order (the row also has its number, BC, creator and dates). */
export const KEY_FIELDS = [
  'name',
  'plasticType',
  'costCentreRule',
  'employeeNumberRule',
  'directDebitRule',
  'reminderEnabled',
  'expiresOn',
  'additionalApproverRequired',
  'approvalDeadlineDays',
  'notificationRecipients',
] as const satisfies ReadonlyArray<keyof KeyFields>;

function toColumns(input: KeyFields) {
  const fields: Record<string, unknown> = Object.fromEntries(KEY_FIELDS.map((k) => [k, input[k]]));
  return snakeCaseColumns({ ...fields, notificationRecipients: JSON.stringify(input.notificationRecipients) });
}

export async function insertKey(
  trx: Knex.Transaction,
  row: KeyFields & { number: string; accountId: number; createdBy: number; now: string },
): Promise<number> {
  const [inserted] = await trx('access_key')
    .insert({ ...toColumns(row), number: row.number, account_id: row.accountId, created_by: row.createdBy, created_at: row.now, updated_at: row.now })
    .returning('id');
  return typeof inserted === 'object' ? (inserted as { id: number }).id : (inserted as number);
}

/** Updates every setting but the number and the BC; only an active key of the actor's BCs. Returns the row count. */
export async function updateKey(trx: Knex.Transaction, accountIds: number[], id: number, input: KeyFields, now: string): Promise<number> {
  return trx('access_key')
    .where({ id })
    .whereIn('account_id', accountIds)
    .whereNull('deleted_at')
    .update({ ...toColumns(input), updated_at: now });
}

/** Logical deletion: the row (and its applications' history) stays. Returns the row count. */
export async function softDeleteKey(trx: Knex.Transaction, accountIds: number[], id: number, deletedBy: number, now: string): Promise<number> {
  return trx('access_key')
    .where({ id })
    .whereIn('account_id', accountIds)
    .whereNull('deleted_at')
    .update({ deleted_at: now, deleted_by: deletedBy, updated_at: now });
}

export interface OpenApplication {
  id: number;
  reference: string;
  firstName: string | null;
  lastName: string | null;
  email: string;
  status: string;
}

/** Applications of the key that are not finished (they block its deletion). */
export async function openApplicationsOfKey(db: Db, accountIds: number[], keyId: number): Promise<OpenApplication[]> {
  const rows = await db('application')
    .where({ access_key_id: keyId })
    .whereIn('account_id', accountIds)
    .whereIn('status', [...DELETE_BLOCKING_STATUSES])
    .orderBy('created_at')
    .orderBy('id')
    .select<Array<{ id: number; reference: string; first_name: string | null; last_name: string | null; email: string; status: string }>>(
      'id',
      'reference',
      'first_name',
      'last_name',
      'email',
      'status',
    );
  return rows.map((r) => ({ id: r.id, reference: r.reference, firstName: r.first_name, lastName: r.last_name, email: r.email, status: r.status }));
}

/** Which unique constraint a failed insert hit: the key number, or the one-active-key-per-BC index. */
export function uniqueViolation(err: unknown): 'number' | 'account' | undefined {
  const text = uniqueViolationText(err);
  if (text === undefined) return undefined;
  if (/access_key_one_active_per_account|access_key\.account_id/.test(text)) return 'account';
  if (/access_key_number_unique|access_key\.number/.test(text)) return 'number';
  return undefined;
}
