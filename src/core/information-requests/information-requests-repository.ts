import type { Knex } from 'knex';
import { HotRead, idListParam, insertRow, lockingRead, whereIdIn, type Db } from '../../platform/db';

/** The SQL of information-requests.ts: table information_request (migration 20261207_750). */

export type InformationRequestStatus = 'open' | 'answered' | 'closed';

export interface InformationRequestRecord {
  id: number;
  reference: string;
  applicationId: number;
  requestedBy: number;
  status: InformationRequestStatus;
  documents: string[];
  answerBy: string;
  askedAt: string;
  createdAt: string;
  closedAt: string | null;
  overdueNotifiedFor: string | null;
}

const COLUMNS = [
  'r.id',
  'r.reference',
  'r.application_id',
  'r.requested_by',
  'r.status',
  'r.documents',
  'r.answer_by',
  'r.asked_at',
  'r.created_at',
  'r.closed_at',
  'r.overdue_notified_for',
];

function parseDocuments(value: unknown): string[] {
  try {
    const parsed = JSON.parse(String(value ?? '[]')) as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function toRecord(r: Record<string, unknown>): InformationRequestRecord {
  return {
    id: Number(r.id),
    reference: String(r.reference),
    applicationId: Number(r.application_id),
    requestedBy: Number(r.requested_by),
    status: r.status as InformationRequestStatus,
    documents: parseDocuments(r.documents),
    answerBy: String(r.answer_by),
    askedAt: String(r.asked_at),
    createdAt: String(r.created_at),
    closedAt: (r.closed_at as string | null) ?? null,
    overdueNotifiedFor: (r.overdue_notified_for as string | null) ?? null,
  };
}

export async function countRequestsOfApplication(trx: Db, applicationId: number): Promise<number> {
  const [row] = await trx('information_request').where({ application_id: applicationId }).count<{ n: number }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function insertRequest(
  trx: Db,
  row: { reference: string; applicationId: number; requestedBy: number; documents: string[]; answerBy: string; now: string },
): Promise<number> {
  return insertRow(trx, 'information_request', {
    reference: row.reference,
    application_id: row.applicationId,
    requested_by: row.requestedBy,
    status: 'open',
    documents: JSON.stringify(row.documents),
    answer_by: row.answerBy,
    asked_at: row.now,
    created_at: row.now,
    updated_at: row.now,
  });
}

/** A request, only if its application belongs to one of `accountIds` (when given) or is `applicationId` (when given). */
export async function findRequest(
  db: Db,
  id: number,
  scope: { accountIds?: number[]; applicationId?: number; forUpdate?: boolean },
): Promise<InformationRequestRecord | undefined> {
  const q = db('information_request as r').join('application as ap', 'ap.id', 'r.application_id').where('r.id', id).first(COLUMNS);
  if (scope.accountIds) whereIdIn(q, 'ap.account_id', scope.accountIds);
  if (scope.applicationId !== undefined) q.where('r.application_id', scope.applicationId);
  const row = await (scope.forUpdate ? lockingRead(q) : q);
  return row ? toRecord(row) : undefined;
}

/** The application's requests, newest first. */
export async function requestsOfApplication(db: Db, applicationId: number): Promise<InformationRequestRecord[]> {
  const rows = await db('information_request as r').where('r.application_id', applicationId).orderBy('r.id', 'desc').select(COLUMNS);
  return rows.map(toRecord);
}

/** Of some applications, those with a request not closed: on every page of the queue, so a hot read. */
const withOpenRequest = new HotRead<{ application_id: number | string }>(
  (ids) => `select distinct application_id from information_request where status <> 'closed' and application_id in (${ids})`,
);

export async function applicationIdsWithOpenRequest(db: Db, applicationIds: number[]): Promise<number[]> {
  if (!applicationIds.length) return [];
  const rows = await withOpenRequest.rows(db, [idListParam(applicationIds)]);
  return rows.map((r) => Number(r.application_id));
}

export async function updateRequest(
  trx: Db,
  id: number,
  change: Partial<{
    status: InformationRequestStatus;
    documents: string[];
    answerBy: string;
    askedAt: string;
    closedAt: string;
    closedBy: number;
    overdueNotifiedFor: string;
  }>,
  now: string,
  onlyIfStatus?: InformationRequestStatus[],
): Promise<boolean> {
  const q: Knex.QueryBuilder = trx('information_request').where({ id });
  if (onlyIfStatus) q.whereIn('status', onlyIfStatus);
  const n = await q.update({
    updated_at: now,
    ...(change.status ? { status: change.status } : {}),
    ...(change.documents ? { documents: JSON.stringify(change.documents) } : {}),
    ...(change.answerBy ? { answer_by: change.answerBy } : {}),
    ...(change.askedAt ? { asked_at: change.askedAt } : {}),
    ...(change.closedAt ? { closed_at: change.closedAt } : {}),
    ...(change.closedBy ? { closed_by: change.closedBy } : {}),
    ...(change.overdueNotifiedFor ? { overdue_notified_for: change.overdueNotifiedFor } : {}),
  });
  return n === 1;
}

/** Open requests (waiting for the employee) after `afterId`, by id, with what their e-mails need. */
export async function openRequestsPage(
  db: Db,
  afterId: number,
  limit: number,
): Promise<
  Array<
    InformationRequestRecord & {
      applicationReference: string;
      email: string;
      language: 'fr' | 'en';
      firstName: string | null;
      lastName: string | null;
      requesterEmail: string;
      requesterLanguage: 'fr' | 'en';
      requesterActive: boolean;
    }
  >
> {
  const rows = await db('information_request as r')
    .join('application as ap', 'ap.id', 'r.application_id')
    .join('administrator as ad', 'ad.id', 'r.requested_by')
    .where('r.status', 'open')
    .where('r.id', '>', afterId)
    .orderBy('r.id')
    .limit(limit)
    .select([
      ...COLUMNS,
      'ap.reference as application_reference',
      'ap.email',
      'ap.language',
      'ap.first_name',
      'ap.last_name',
      'ad.email as requester_email',
      'ad.language as requester_language',
      'ad.active as requester_active',
    ]);
  return rows.map((r: Record<string, unknown>) => ({
    ...toRecord(r),
    applicationReference: String(r.application_reference),
    email: String(r.email),
    language: r.language as 'fr' | 'en',
    firstName: (r.first_name as string | null) ?? null,
    lastName: (r.last_name as string | null) ?? null,
    requesterEmail: String(r.requester_email),
    requesterLanguage: r.requester_language === 'en' ? 'en' : 'fr',
    requesterActive: Boolean(r.requester_active),
  }));
}

/** The administrator's e-mail, language and whether active. */
export async function administratorContact(db: Db, id: number): Promise<{ email: string; language: 'fr' | 'en'; active: boolean } | undefined> {
  const row = await db('administrator').where({ id }).first('email', 'language', 'active');
  return row ? { email: row.email, language: row.language === 'en' ? 'en' : 'fr', active: Boolean(row.active) } : undefined;
}
