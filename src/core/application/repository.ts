import type { Knex } from 'knex';
import { NOT_SUBMITTED, OPEN_STATUSES, type Status } from './status';
import type { Origin, Priority } from './create';
import type { Language } from '../../platform/i18n';
import { countInStatus } from './counts-repository';
import { lockingRead, readArrays, type Db } from '../../platform/db';
import { int, rowMapper, text, textOrNull } from '../../lib/rows';

export interface KeyForApplications {
  id: number;
  number: string;
  name: string;
  accountId: number;
  companyName: string;
  expiresOn: string;
  deletedAt: string | null;
}

interface KeyRow {
  id: number;
  number: string;
  name: string;
  account_id: number;
  company_name: string;
  expires_on: string;
  deleted_at: string | null;
}

function toKey(r: KeyRow): KeyForApplications {
  return { id: r.id, number: r.number, name: r.name, accountId: r.account_id, companyName: r.company_name, expiresOn: r.expires_on, deletedAt: r.deleted_at };
}

const KEY_COLUMNS = ['k.id', 'k.number', 'k.name', 'k.account_id', 'a.company_name', 'k.expires_on', 'k.deleted_at'];

/**
 * Takes the key's row until the transaction ends. Whatever decides from the key's applications (the duplicate check
 * before creating one, a deletion refused while some are open) holds it first: on PostgreSQL a second request on the
 * same key then waits for the first to commit and sees what it created or deleted, instead of both passing the check.
 */
export async function holdKey(trx: Knex.Transaction, keyId: number): Promise<void> {
  await lockingRead(trx('access_key').where({ id: keyId }).first('id'));
}

/**
 * Takes the application's row until the transaction ends: whatever reads the application's state to decide a write
 * (a form save, a document limit, a code throttle, the approver's decision) holds it first, so that on PostgreSQL a
 * second request on the same application waits for the first to commit, then decides on what it wrote.
 */
export async function holdApplication(trx: Db, applicationId: number): Promise<void> {
  await lockingRead(trx('application').where({ id: applicationId }).first('id'));
}

/** The application's status; undefined when there is no such application. */
export async function applicationStatus(db: Db, applicationId: number): Promise<Status | undefined> {
  const row: { status: Status } | undefined = await db('application').where({ id: applicationId }).first('status');
  return row?.status;
}

/** The application's status, its row held until the transaction ends (as holdApplication holds it). */
export async function heldApplicationStatus(trx: Knex.Transaction, applicationId: number): Promise<Status | undefined> {
  const row: { status: Status } | undefined = await lockingRead(trx('application').where({ id: applicationId }).first('status'));
  return row?.status;
}

/** A key of one of the actor's BCs (deleted ones included, so the caller can say why it cannot be used). */
export async function findKeyInScope(db: Db, keyId: number, accountIds: number[]): Promise<KeyForApplications | undefined> {
  const row = await db('access_key as k')
    .join('account as a', 'a.id', 'k.account_id')
    .where('k.id', keyId)
    .whereIn('k.account_id', accountIds)
    .first<KeyRow | undefined>(KEY_COLUMNS);
  return row ? toKey(row) : undefined;
}

/** Employee side: the key typed on the self-service page (no BC scope: the employee has no account). */
export async function findKeyByNumber(db: Db, number: string): Promise<KeyForApplications | undefined> {
  const row = await db('access_key as k').join('account as a', 'a.id', 'k.account_id').where('k.number', number).first<KeyRow | undefined>(KEY_COLUMNS);
  return row ? toKey(row) : undefined;
}

/** The open application (if any) of this e-mail on this key: a second one would be a duplicate. */
export async function findOpenApplicationOnKey(db: Db, keyId: number, email: string): Promise<ApplicationRow | undefined> {
  return db<ApplicationRow>('application')
    .where({ access_key_id: keyId, email: email.trim().toLowerCase() })
    .whereIn('status', OPEN_STATUSES)
    .orderBy('id', 'desc')
    .first();
}

type ApplicationRow = {
  id: number;
  reference: string;
  access_key_id: number;
  account_id: number;
  origin: Origin;
  batch_id: number | null;
  initiated_by: number | null;
  priority: Priority;
  status: Status;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string;
  language: Language;
  first_opened_at: string | null;
  submitted_at: string | null;
  status_changed_at: string;
  created_at: string;
  personal_data_erased_at?: string | null;
  version?: number;
};

/** Who an application is for, as it was initiated (the form's cardholder section may refine the name). */
export interface ApplicationPerson {
  title: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string;
  language: Language;
}

/** The application's own fields, as every reader maps them (toApplicationFields). */
export interface ApplicationFields extends ApplicationPerson {
  id: number;
  reference: string;
  origin: Origin;
  priority: Priority;
  status: Status;
  createdAt: string;
}

export interface ApplicationView extends ApplicationFields {
  accountId: number;
  batchId: number | null;
  firstOpenedAt: string | null;
  submittedAt: string | null;
  initiatedByName: string | null;
  /** When the retention purge erased its personal data (null until then). */
  personalDataErasedAt: string | null;
  key: { id: number; number: string; name: string; deletedAt: string | null; expiresOn: string };
  companyName: string;
}

/** `application as ap` joined to its key (`k`) and BC (`a`): the base of the application's readers. */
export function joinedApplications(db: Db): Knex.QueryBuilder {
  return db('application as ap').join('access_key as k', 'k.id', 'ap.access_key_id').join('account as a', 'a.id', 'ap.account_id');
}

/** The columns of ApplicationView (toApplicationView), on joinedApplications with its initiator (`ad`, left join). */
export const APPLICATION_VIEW_COLUMNS = [
  'ap.*',
  'k.number as key_number',
  'k.name as key_name',
  'k.deleted_at as key_deleted_at',
  'k.expires_on as key_expires_on',
  'a.company_name',
  'ad.display_name as initiated_by_name',
] as const;

/** joinedApplications with the application's initiator (`ad`), for APPLICATION_VIEW_COLUMNS. */
export function applicationsWithInitiator(db: Db): Knex.QueryBuilder {
  return joinedApplications(db).leftJoin('administrator as ad', 'ad.id', 'ap.initiated_by');
}

function applicationQuery(db: Db) {
  return applicationsWithInitiator(db).select(APPLICATION_VIEW_COLUMNS);
}

type ApplicationJoinedRow = ApplicationRow & {
  key_number: string;
  key_name: string;
  key_deleted_at: string | null;
  key_expires_on: string;
  company_name: string;
  initiated_by_name: string | null;
};

/** The one mapper of the application's own columns (its readers add what they join). */
const APPLICATION_FIELDS = rowMapper<ApplicationFields>({
  id: int,
  reference: text,
  origin: text,
  priority: text,
  status: text,
  title: textOrNull,
  firstName: textOrNull,
  lastName: textOrNull,
  email: text,
  language: text,
  createdAt: text,
});
export const toApplicationFields = APPLICATION_FIELDS.map;

export function toApplicationView(r: ApplicationJoinedRow): ApplicationView {
  return {
    ...toApplicationFields(r),
    accountId: r.account_id,
    batchId: r.batch_id,
    firstOpenedAt: r.first_opened_at,
    submittedAt: r.submitted_at,
    initiatedByName: r.initiated_by_name,
    personalDataErasedAt: r.personal_data_erased_at ?? null,
    key: { id: r.access_key_id, number: r.key_number, name: r.key_name, deletedAt: r.key_deleted_at, expiresOn: r.key_expires_on },
    companyName: r.company_name,
  };
}

/** Administrator side: only within the actor's BCs; another BC's application is simply not found. */
export async function findApplicationInScope(db: Db, id: number, accountIds: number[]): Promise<ApplicationView | undefined> {
  const row = (await applicationQuery(db).where('ap.id', id).first()) as ApplicationJoinedRow | undefined;
  return row && inScope(row.account_id, accountIds) ? toApplicationView(row) : undefined;
}

/**
 * Whether a row read by its id belongs to one of the actor's BCs: checked on the row rather than with an IN list of
 * the BCs in the query, which costs more than reading the row by its key.
 */
export function inScope(accountId: number | string, accountIds: readonly number[]): boolean {
  return accountIds.includes(Number(accountId));
}

/** Employee side: the application their session is bound to (the id comes from the session, never the URL). */
export async function findApplicationById(db: Db, id: number): Promise<ApplicationView | undefined> {
  const row = (await applicationQuery(db).where('ap.id', id).first()) as ApplicationJoinedRow | undefined;
  return row ? toApplicationView(row) : undefined;
}

/** Employee entry: the application a reference names, with its key number to compare. */
export async function findByReference(
  db: Db,
  reference: string,
): Promise<{ id: number; status: Status; keyNumber: string; firstOpenedAt: string | null } | undefined> {
  const row = await db('application as ap')
    .join('access_key as k', 'k.id', 'ap.access_key_id')
    .where('ap.reference', reference)
    .first<{ id: number; status: Status; key_number: string; first_opened_at: string | null } | undefined>(
      'ap.id',
      'ap.status',
      'k.number as key_number',
      'ap.first_opened_at',
    );
  return row ? { id: row.id, status: row.status, keyNumber: row.key_number, firstOpenedAt: row.first_opened_at } : undefined;
}

export interface HistoryEntry {
  at: string;
  actorType: string;
  actorName: string | null;
  fromStatus: Status | null;
  toStatus: Status;
  comment: string | null;
  /** What the row records besides the status (e.g. `priority_urgent`, `reactivated`); null for a plain transition. */
  event: string | null;
  /** The absent administrator on whose behalf the action was taken (out of office), if any. */
  onBehalfOfName: string | null;
}

const HISTORY_ENTRY = rowMapper<HistoryEntry>({
  at: text,
  actorType: text,
  actorName: textOrNull,
  fromStatus: textOrNull,
  toStatus: text,
  comment: textOrNull,
  event: textOrNull,
  onBehalfOfName: textOrNull,
});

export async function historyOf(db: Db, applicationId: number): Promise<HistoryEntry[]> {
  const rows = await db('application_status_history as h')
    .leftJoin('administrator as ad', function joinAdmin() {
      this.on('ad.id', '=', 'h.actor_id').andOn('h.actor_type', '=', db.raw('?', ['admin']));
    })
    .leftJoin('administrator as ob', 'ob.id', 'h.on_behalf_of')
    .where('h.application_id', applicationId)
    .orderBy([
      { column: 'h.at', order: 'asc' },
      { column: 'h.id', order: 'asc' },
    ])
    .select(
      'h.at',
      'h.actor_type',
      'ad.display_name as actor_name',
      'h.from_status',
      'h.to_status',
      'h.comment',
      'h.event',
      'ob.display_name as on_behalf_of_name',
    );
  return rows.map(HISTORY_ENTRY.map);
}

/** "En attente d'approbation (N)": applications waiting for the actor's approval, in their BCs. */
export async function countPendingApproval(db: Db, accountIds: number[]): Promise<number> {
  // Shown on every administrator page: read from the pre-counted table, never by counting applications.
  return countInStatus(db, accountIds, 'pending_approval');
}

/**
 * Who is told that an urgent application waits for approval (e-mail 7): the key's creator for self-service, else the
 * initiating administrator, and the key's notification recipients; each in their language when they are
 * administrators of Sésame, else in the first one's (French when unknown). Lower-cased, without duplicates.
 */
export async function urgentAlertRecipients(db: Db, applicationId: number): Promise<Array<{ email: string; language: Language }>> {
  const app = await db('application as ap')
    .join('access_key as k', 'k.id', 'ap.access_key_id')
    .where('ap.id', applicationId)
    .first('ap.initiated_by', 'ap.origin', 'k.created_by', 'k.notification_recipients');
  if (!app) return [];
  const firstId = app.origin === 'self_service' || !app.initiated_by ? app.created_by : app.initiated_by;
  const first = await db('administrator').where({ id: firstId }).first('email', 'language');
  let others: string[] = [];
  try {
    const parsed = JSON.parse(app.notification_recipients ?? '[]') as unknown;
    if (Array.isArray(parsed)) others = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    others = [];
  }
  const emails = [...new Set([first?.email, ...others].filter((x): x is string => Boolean(x)).map((x) => x.trim().toLowerCase()))];
  if (!emails.length) return [];
  const admins = await db('administrator').whereIn('email', emails).select('email', 'language');
  const langOf = new Map(admins.map((a) => [String(a.email).toLowerCase(), a.language as Language]));
  const fallback: Language = (first?.language as Language) ?? 'fr';
  return emails.map((email) => ({ email, language: langOf.get(email) ?? fallback }));
}

/**
 * Expiry job: one page (by id, after `afterId`) of the ids of applications not submitted and created at or before
 * `cutoff`.
 */
export async function expiringApplicationIds(trx: Knex.Transaction, page: { cutoff: string; afterId: number; limit: number }): Promise<number[]> {
  const rows: Array<{ id: number }> = await trx('application')
    .whereIn('status', NOT_SUBMITTED)
    .where('created_at', '<=', page.cutoff)
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit)
    .select('id');
  return rows.map((r) => r.id);
}

/** An application a reminder may be due for (e-mail 5). */
export interface ReminderCandidate {
  id: number;
  reference: string;
  first_name: string | null;
  last_name: string | null;
  email: string;
  language: Language;
  created_at: string;
}

/**
 * Reminder job: one page (by id, after `afterId`) of the applications not submitted, created at or before
 * `createdBefore`, on a key with reminders on.
 */
export async function reminderCandidates(trx: Knex.Transaction, page: { createdBefore: string; afterId: number; limit: number }): Promise<ReminderCandidate[]> {
  return trx('application as a')
    .join('access_key as k', 'k.id', 'a.access_key_id')
    .where('k.reminder_enabled', true)
    .whereIn('a.status', NOT_SUBMITTED)
    .where('a.created_at', '<=', page.createdBefore)
    .where('a.id', '>', page.afterId)
    .orderBy('a.id')
    .limit(page.limit)
    .select('a.id', 'a.reference', 'a.first_name', 'a.last_name', 'a.email', 'a.language', 'a.created_at');
}

/** An application as the lists show it (the approval queue, the tracking list and its export): one row, one mapper. */
export interface ApplicationListRow {
  id: number;
  reference: string;
  title: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string;
  keyId: number;
  keyName: string;
  keyNumber: string;
  plasticType: string;
  accountNumber: string;
  companyName: string;
  cardProduct: string;
  status: Status;
  priority: Priority;
  origin: Origin;
  createdAt: string;
  statusChangedAt: string;
  submittedAt: string | null;
  /** The key's approval deadline (business days), for the queue's "overdue" tag. */
  approvalDeadlineDays: number;
}

/** An application's reference and person as stored (the columns every e-mail about it needs). */
export interface ApplicationPersonRecord {
  id: number;
  reference: string;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string;
}

/**
 * The list rows' query: `application as ap` joined to its key (`k`) and BC (`a`), the columns of ApplicationListRow.
 * Callers add their WHERE (always the actor's BCs) and order, then read it with readApplicationList.
 */
export function applicationListQuery(db: Db): Knex.QueryBuilder {
  return joinedApplications(db).select(LIST_COLUMNS);
}

/** The list row's columns, in the order `readApplicationList` reads them. */
const LIST_COLUMNS = [
  'ap.id',
  'ap.reference',
  'ap.title',
  'ap.first_name',
  'ap.last_name',
  'ap.email',
  'ap.access_key_id',
  'ap.status',
  'ap.priority',
  'ap.origin',
  'ap.created_at',
  'ap.status_changed_at',
  'ap.submitted_at',
  'k.name as key_name',
  'k.number as key_number',
  'k.plastic_type',
  'k.approval_deadline_days',
  'a.number as account_number',
  'a.company_name',
  'a.card_product',
] as const;

/** The rows of an `applicationListQuery` (read as arrays: fifty objects of twenty keys cost a third more). */
export async function readApplicationList(qb: Knex.QueryBuilder): Promise<ApplicationListRow[]> {
  return (await readArrays(qb)).map((v) => ({
    id: Number(v[0]),
    reference: v[1] as string,
    title: v[2] as string | null,
    firstName: v[3] as string | null,
    lastName: v[4] as string | null,
    email: v[5] as string,
    keyId: Number(v[6]),
    status: v[7] as Status,
    priority: v[8] as Priority,
    origin: v[9] as Origin,
    createdAt: v[10] as string,
    statusChangedAt: v[11] as string,
    submittedAt: v[12] as string | null,
    keyName: v[13] as string,
    keyNumber: v[14] as string,
    plasticType: v[15] as string,
    approvalDeadlineDays: Number(v[16]),
    accountNumber: v[17] as string,
    companyName: v[18] as string,
    cardProduct: v[19] as string,
  }));
}

/** A key's rules for its applications (plastic, required fields, reminders, additional approver): `access_key as k`. */
export const KEY_RULE_COLUMNS = [
  'k.plastic_type',
  'k.cost_centre_rule',
  'k.employee_number_rule',
  'k.direct_debit_rule',
  'k.reminder_enabled',
  'k.additional_approver_required',
] as const;
