import type { Knex } from 'knex';
import { insertRow, lockingRead, type Db } from '../../platform/db';
import { column, int, rowMapper, text, textOrNull } from '../../lib/rows';
import { escapeLike } from '../../lib/list-query';
import type { Complaint, ComplaintCategory, ComplaintStatus } from './complaints';
import { OPEN_STATUSES } from './complaints';

const COMPLAINT = rowMapper<Complaint>({
  id: int,
  reference: text,
  applicationId: int,
  accountId: int,
  category: text,
  contactEmail: text,
  language: text,
  filedBy: text,
  filedByAdminId: column('filed_by_admin_id', (v) => (v === null || v === undefined ? null : Number(v))),
  country: text,
  receivedAt: text,
  receivedOn: text,
  dueOn: text,
  status: text,
  extendedAt: textOrNull,
  extensionReason: textOrNull,
  answerMessageId: column('answer_message_id', (v) => (v === null || v === undefined ? null : Number(v))),
  answeredAt: textOrNull,
  answeredOn: textOrNull,
  dissatisfiedAt: textOrNull,
  closedAt: textOrNull,
});

/** The application a complaint is about, as the complaint needs it; `accountIds` limits it to those BCs. */
export interface ComplaintApplication {
  id: number;
  reference: string;
  accountId: number;
  email: string;
  language: string;
  firstName: string | null;
  lastName: string | null;
  companyName: string;
}

export async function complaintApplication(db: Db, applicationId: number, accountIds?: number[]): Promise<ComplaintApplication | undefined> {
  const q = db('application as ap')
    .join('account as a', 'a.id', 'ap.account_id')
    .where('ap.id', applicationId)
    .first('ap.id', 'ap.reference', 'ap.account_id', 'ap.email', 'ap.language', 'ap.first_name', 'ap.last_name', 'a.company_name');
  if (accountIds) q.whereIn('ap.account_id', accountIds);
  const row = await q;
  return row
    ? {
        id: Number(row.id),
        reference: row.reference,
        accountId: Number(row.account_id),
        email: row.email,
        language: row.language,
        firstName: row.first_name ?? null,
        lastName: row.last_name ?? null,
        companyName: row.company_name,
      }
    : undefined;
}

export async function complaintReferenceTaken(db: Db, reference: string): Promise<boolean> {
  return Boolean(await db('complaint').where({ reference }).first('id'));
}

export async function insertComplaint(trx: Db, c: Omit<Complaint, 'id'>): Promise<number> {
  return insertRow(trx, 'complaint', {
    reference: c.reference,
    application_id: c.applicationId,
    account_id: c.accountId,
    category: c.category,
    contact_email: c.contactEmail,
    language: c.language,
    filed_by: c.filedBy,
    filed_by_admin_id: c.filedByAdminId,
    country: c.country,
    received_at: c.receivedAt,
    received_on: c.receivedOn,
    due_on: c.dueOn,
    status: c.status,
    extended_at: c.extendedAt,
    extension_reason: c.extensionReason,
    answer_message_id: c.answerMessageId,
    answered_at: c.answeredAt,
    answered_on: c.answeredOn,
    dissatisfied_at: c.dissatisfiedAt,
    closed_at: c.closedAt,
    updated_at: c.receivedAt,
  });
}

/** Who may see a complaint: administrators of its BC (`accountIds`), or the employee of its application. */
export type ComplaintScope = { accountIds: number[] } | { applicationId: number };

function scoped(q: Knex.QueryBuilder, scope: ComplaintScope): Knex.QueryBuilder {
  return 'accountIds' in scope ? q.whereIn('account_id', scope.accountIds) : q.where('application_id', scope.applicationId);
}

export async function findComplaint(db: Db, id: number, scope: ComplaintScope): Promise<Complaint | undefined> {
  const row = await scoped(db('complaint').where({ id }), scope).first(COMPLAINT.columns);
  return row ? COMPLAINT.map(row) : undefined;
}

/** The complaint, its row held for the rest of the transaction (two actions at once do not both pass their check). */
export async function holdComplaint(trx: Knex.Transaction, id: number, scope: ComplaintScope): Promise<Complaint | undefined> {
  const row = await lockingRead(scoped(trx('complaint').where({ id }), scope).first(COMPLAINT.columns));
  return row ? COMPLAINT.map(row) : undefined;
}

type ComplaintChange = Partial<
  Pick<Complaint, 'status' | 'dueOn' | 'extendedAt' | 'extensionReason' | 'answerMessageId' | 'answeredAt' | 'answeredOn' | 'dissatisfiedAt' | 'closedAt'>
>;

const CHANGE_COLUMNS: Record<keyof ComplaintChange, string> = {
  status: 'status',
  dueOn: 'due_on',
  extendedAt: 'extended_at',
  extensionReason: 'extension_reason',
  answerMessageId: 'answer_message_id',
  answeredAt: 'answered_at',
  answeredOn: 'answered_on',
  dissatisfiedAt: 'dissatisfied_at',
  closedAt: 'closed_at',
};

export async function updateComplaint(trx: Db, id: number, change: ComplaintChange, now: Date): Promise<void> {
  const row: Record<string, unknown> = { updated_at: now.toISOString() };
  for (const [k, v] of Object.entries(change)) row[CHANGE_COLUMNS[k as keyof ComplaintChange]] = v;
  await trx('complaint').where({ id }).update(row);
}

/** The complaints about one application, newest first. */
export async function complaintsOfApplication(db: Db, applicationId: number): Promise<Complaint[]> {
  const rows = await db('complaint').where({ application_id: applicationId }).orderBy('received_at', 'desc').orderBy('id', 'desc').select(COMPLAINT.columns);
  return rows.map(COMPLAINT.map);
}

export interface ComplaintFilter {
  accountIds: number[];
  status?: ComplaintStatus;
  category?: ComplaintCategory;
  /** Open and past its deadline on `today`. */
  overdue?: boolean;
  today: string;
  /** A complaint or application reference (part of it). */
  q?: string;
}

export type ComplaintSort = 'received' | 'due' | 'reference' | 'status' | 'category';
const SORT_COLUMNS: Record<ComplaintSort, string> = {
  received: 'c.received_at',
  due: 'c.due_on',
  reference: 'c.reference',
  status: 'c.status',
  category: 'c.category',
};

function filtered(db: Db, f: ComplaintFilter): Knex.QueryBuilder {
  const q = db('complaint as c').join('application as ap', 'ap.id', 'c.application_id').whereIn('c.account_id', f.accountIds);
  if (f.status) q.where('c.status', f.status);
  if (f.category) q.where('c.category', f.category);
  if (f.overdue) q.whereIn('c.status', OPEN_STATUSES as ComplaintStatus[]).where('c.due_on', '<', f.today);
  if (f.q) {
    const like = `%${escapeLike(f.q.toUpperCase())}%`;
    q.where((w) => w.whereRaw(`upper(c.reference) like ? escape '\\'`, [like]).orWhereRaw(`ap.reference like ? escape '\\'`, [like]));
  }
  return q;
}

export type ComplaintListRow = Complaint & { applicationReference: string; companyName: string };

export async function countComplaints(db: Db, f: ComplaintFilter): Promise<number> {
  const [row] = await filtered(db, f).count<{ n: number }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function listComplaints(
  db: Db,
  f: ComplaintFilter,
  order: { sort: ComplaintSort; dir: 'asc' | 'desc'; offset: number; limit: number },
): Promise<ComplaintListRow[]> {
  const rows = await filtered(db, f)
    .join('account as a', 'a.id', 'c.account_id')
    .orderBy(SORT_COLUMNS[order.sort], order.dir)
    .orderBy('c.id', order.dir)
    .offset(order.offset)
    .limit(order.limit)
    .select([...COMPLAINT.columns.map((col) => `c.${col}`), 'ap.reference as application_reference', 'a.company_name']);
  return rows.map((r: Record<string, unknown>) => ({
    ...COMPLAINT.map(r),
    applicationReference: String(r.application_reference),
    companyName: String(r.company_name),
  }));
}

/** Open complaints due on or before `until` (the overdue ones included), oldest deadline first, for the daily digest. */
export async function openComplaintsDueBy(db: Db, until: string): Promise<Complaint[]> {
  const rows = await db('complaint')
    .whereIn('status', OPEN_STATUSES as ComplaintStatus[])
    .where('due_on', '<=', until)
    .orderBy('due_on')
    .orderBy('id')
    .select(COMPLAINT.columns);
  return rows.map(COMPLAINT.map);
}

/** The active administrators who handle complaints of these BCs: those in charge of them, and the platform administrators. */
export async function complaintHandlers(db: Db, accountIds: number[]): Promise<Array<{ email: string; language: string; accountId: number | null }>> {
  const inCharge = accountIds.length
    ? await db('administrator as ad')
        .join('administrator_account as aa', 'aa.administrator_id', 'ad.id')
        .whereIn('aa.account_id', accountIds)
        .where('ad.active', true)
        .select('ad.email', 'ad.language', 'aa.account_id')
    : [];
  const platform = await db('administrator').where({ role: 'platform', active: true }).select('email', 'language');
  return [
    ...inCharge.map((r: { email: string; language: string; account_id: number }) => ({
      email: r.email,
      language: r.language,
      accountId: Number(r.account_id),
    })),
    ...platform.map((r: { email: string; language: string }) => ({ email: r.email, language: r.language, accountId: null })),
  ];
}
