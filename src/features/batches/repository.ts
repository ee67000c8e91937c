import type { Db } from '../../platform/db';
import { STATUSES, type Status } from '../../core/application/status';

/** Bulk batches and their applications, always within the actor's BCs. */

/** The columns of the batches page: statuses grouped the way an administrator follows a batch. */
export const STATUS_GROUPS: Record<'invited' | 'inProgress' | 'pendingApproval' | 'approved' | 'closed', Status[]> = {
  invited: ['invited'],
  inProgress: ['in_progress', 'returned'],
  pendingApproval: ['awaiting_additional_approval', 'pending_approval'],
  approved: ['approved', 'transmitted', 'card_issued', 'card_delivered'],
  closed: ['cancelled', 'expired', 'declined_by_issuer'],
};
type StatusGroup = keyof typeof STATUS_GROUPS;

export interface BatchSummary {
  id: number;
  createdAt: string;
  fileName: string;
  administrator: string;
  keyId: number;
  keyName: string;
  keyNumber: string;
  accountNumber: string;
  companyName: string;
  rowCount: number;
  rejectedCount: number;
  counts: Record<StatusGroup, number>;
  byStatus: Partial<Record<Status, number>>;
}

interface BatchRow {
  id: number;
  created_at: string;
  file_name: string;
  display_name: string;
  access_key_id: number;
  key_name: string;
  key_number: string;
  account_number: string;
  company_name: string;
  row_count: number;
  rejected_count: number;
}

function baseQuery(db: Db, accountIds: number[]) {
  return db('bulk_batch as b')
    .join('administrator as adm', 'adm.id', 'b.uploaded_by')
    .join('access_key as k', 'k.id', 'b.access_key_id')
    .join('account as acc', 'acc.id', 'b.account_id')
    .whereIn('b.account_id', accountIds);
}

const COLUMNS = [
  'b.id',
  'b.created_at',
  'b.file_name',
  'adm.display_name',
  'b.access_key_id',
  'k.name as key_name',
  'k.number as key_number',
  'acc.number as account_number',
  'acc.company_name',
  'b.row_count',
  'b.rejected_count',
];

async function withCounts(db: Db, rows: BatchRow[]): Promise<BatchSummary[]> {
  const ids = rows.map((r) => r.id);
  const counts = ids.length
    ? ((await db('application').whereIn('batch_id', ids).groupBy('batch_id', 'status').select('batch_id', 'status').count({ n: '*' })) as Array<{
        batch_id: number;
        status: Status;
        n: number | string;
      }>)
    : [];
  return rows.map((r) => {
    const byStatus: Partial<Record<Status, number>> = {};
    for (const c of counts) if (c.batch_id === r.id) byStatus[c.status] = Number(c.n);
    const grouped = Object.fromEntries(
      (Object.keys(STATUS_GROUPS) as StatusGroup[]).map((g) => [g, STATUS_GROUPS[g].reduce((sum, s) => sum + (byStatus[s] ?? 0), 0)]),
    ) as Record<StatusGroup, number>;
    return {
      id: r.id,
      createdAt: r.created_at,
      fileName: r.file_name,
      administrator: r.display_name,
      keyId: r.access_key_id,
      keyName: r.key_name,
      keyNumber: r.key_number,
      accountNumber: r.account_number,
      companyName: r.company_name,
      rowCount: Number(r.row_count),
      rejectedCount: Number(r.rejected_count),
      counts: grouped,
      byStatus,
    };
  });
}

export async function countBatches(db: Db, accountIds: number[]): Promise<number> {
  const row = await baseQuery(db, accountIds).count({ n: '*' }).first();
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}

export type BatchSort = 'createdAt' | 'fileName' | 'rowCount';
const SORT_COLUMNS: Record<BatchSort, string> = { createdAt: 'b.created_at', fileName: 'b.file_name', rowCount: 'b.row_count' };

export async function listBatches(
  db: Db,
  accountIds: number[],
  q: { sort: BatchSort; dir: 'asc' | 'desc'; limit: number; offset: number },
): Promise<BatchSummary[]> {
  const rows = (await baseQuery(db, accountIds)
    .select(COLUMNS)
    .orderBy([
      { column: SORT_COLUMNS[q.sort], order: q.dir },
      { column: 'b.id', order: q.dir },
    ])
    .limit(q.limit)
    .offset(q.offset)) as BatchRow[];
  return withCounts(db, rows);
}

export async function findBatch(db: Db, id: number, accountIds: number[]): Promise<BatchSummary | undefined> {
  const row = (await baseQuery(db, accountIds).where('b.id', id).first(COLUMNS)) as BatchRow | undefined;
  if (!row) return undefined;
  return (await withCounts(db, [row]))[0];
}

export interface BatchApplication {
  id: number;
  reference: string;
  firstName: string | null;
  lastName: string | null;
  email: string;
  status: Status;
  priority: 'normal' | 'urgent';
}

function batchApplications(db: Db, batchId: number, accountIds: number[], status?: Status) {
  const query = db('application').where({ batch_id: batchId }).whereIn('account_id', accountIds);
  if (status) query.where({ status });
  return query;
}

export async function countBatchApplications(db: Db, batchId: number, accountIds: number[], status?: Status): Promise<number> {
  const row = await batchApplications(db, batchId, accountIds, status).count({ n: '*' }).first();
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}

/** A batch's applications (the batch was already found within the actor's BCs; the filter is repeated anyway). */
export async function listBatchApplications(
  db: Db,
  batchId: number,
  accountIds: number[],
  q: { status?: Status; limit: number; offset: number },
): Promise<BatchApplication[]> {
  const rows = (await batchApplications(db, batchId, accountIds, q.status)
    .select('id', 'reference', 'first_name', 'last_name', 'email', 'status', 'priority')
    .orderBy('id')
    .limit(q.limit)
    .offset(q.offset)) as Array<{
    id: number;
    reference: string;
    first_name: string | null;
    last_name: string | null;
    email: string;
    status: Status;
    priority: 'normal' | 'urgent';
  }>;
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    status: r.status,
    priority: r.priority,
  }));
}

export function isStatus(v: unknown): v is Status {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}
