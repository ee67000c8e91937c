import { snakeCaseColumns } from '../../lib/rows';
import type { Knex } from 'knex';
import { insertRow, type Db } from '../../platform/db';
import { OPEN_STATUSES } from '../../core/application/status';
import type { Priority } from '../../core/application/create';
import type { FileType, UploadRow } from './parse';

/** Every query takes the actor's BC ids; uploads are also private to the administrator who uploaded them. */

export interface BulkKey {
  id: number;
  number: string;
  name: string;
  accountId: number;
  accountNumber: string;
  companyName: string;
  expiresOn: string;
  deletedAt: string | null;
}

export async function findKey(db: Db, keyId: number, accountIds: number[]): Promise<BulkKey | undefined> {
  const row = await db('access_key as k')
    .join('account as a', 'a.id', 'k.account_id')
    .where('k.id', keyId)
    .whereIn('k.account_id', accountIds)
    .first('k.id', 'k.number', 'k.name', 'k.account_id', 'k.expires_on', 'k.deleted_at', 'a.number as account_number', 'a.company_name');
  if (!row) return undefined;
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    accountId: row.account_id,
    accountNumber: row.account_number,
    companyName: row.company_name,
    expiresOn: row.expires_on,
    deletedAt: row.deleted_at ?? null,
  };
}

/** What an upload records of the file and who sent it. */
interface UploadFields {
  accessKeyId: number;
  accountId: number;
  uploadedBy: number;
  fileName: string;
  fileType: FileType;
  rows: UploadRow[];
  ignoredColumns: string[];
}

export interface BulkUpload extends UploadFields {
  id: number;
  priorities: Record<string, Priority>;
  createdAt: string;
  consumedAt: string | null;
  batchId: number | null;
}

interface UploadRowDb {
  id: number;
  access_key_id: number;
  account_id: number;
  uploaded_by: number;
  file_name: string;
  file_type: FileType;
  rows: string;
  ignored_columns: string;
  priorities: string;
  created_at: string;
  consumed_at: string | null;
  batch_id: number | null;
}

/** JSON read back into plain data: arrays of strings, and a null-prototype map for priorities. */
function toUpload(row: UploadRowDb): BulkUpload {
  const rows = (JSON.parse(row.rows) as Array<{ n: number; v: unknown[] }>).map((r) => ({ n: Number(r.n), v: r.v.map((c) => String(c ?? '')) }));
  const priorities: Record<string, Priority> = Object.create(null);
  for (const [n, p] of Object.entries(JSON.parse(row.priorities) as Record<string, unknown>)) if (p === 'urgent') priorities[n] = 'urgent';
  return {
    id: row.id,
    accessKeyId: row.access_key_id,
    accountId: row.account_id,
    uploadedBy: row.uploaded_by,
    fileName: row.file_name,
    fileType: row.file_type,
    rows,
    ignoredColumns: (JSON.parse(row.ignored_columns) as unknown[]).map(String),
    priorities,
    createdAt: row.created_at,
    consumedAt: row.consumed_at,
    batchId: row.batch_id,
  };
}

export async function insertUpload(db: Db, u: UploadFields & { now: Date }): Promise<number> {
  const [row] = await db('bulk_upload')
    .insert({
      access_key_id: u.accessKeyId,
      account_id: u.accountId,
      uploaded_by: u.uploadedBy,
      file_name: u.fileName,
      file_type: u.fileType,
      rows: JSON.stringify(u.rows),
      ignored_columns: JSON.stringify(u.ignoredColumns),
      priorities: '{}',
      created_at: u.now.toISOString(),
    })
    .returning('id');
  return typeof row === 'object' ? (row as { id: number }).id : (row as number);
}

export async function findUpload(db: Db, id: number, actor: { id: number; accountIds: number[] }): Promise<BulkUpload | undefined> {
  const row = await db<UploadRowDb>('bulk_upload').where({ id, uploaded_by: actor.id }).whereIn('account_id', actor.accountIds).first();
  return row ? toUpload(row) : undefined;
}

/** Saves priorities while the upload is still open; false when it was consumed meanwhile. */
export async function savePriorities(db: Db, id: number, priorities: Record<string, Priority>): Promise<boolean> {
  const urgentOnly = Object.fromEntries(Object.entries(priorities).filter(([, p]) => p === 'urgent'));
  const updated = await db('bulk_upload')
    .where({ id })
    .whereNull('consumed_at')
    .update({ priorities: JSON.stringify(urgentOnly) });
  return updated === 1;
}

/** The conditional claim that makes "Validate" happen once: only the first caller sees 1. */
export async function consumeUpload(trx: Knex.Transaction, id: number, now: Date): Promise<boolean> {
  const updated = await trx('bulk_upload').where({ id }).whereNull('consumed_at').update({ consumed_at: now.toISOString() });
  return updated === 1;
}

export async function linkUploadToBatch(trx: Knex.Transaction, id: number, batchId: number): Promise<void> {
  await trx('bulk_upload').where({ id }).update({ batch_id: batchId });
}

/** E-mail → reference of an open application on the key, for the e-mails given (lower-case). */
export async function openApplicationsByEmail(db: Db, accessKeyId: number, emails: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(emails)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db('application')
      .where({ access_key_id: accessKeyId })
      .whereIn('status', OPEN_STATUSES)
      .whereIn('email', unique.slice(i, i + 500))
      .select('email', 'reference');
    for (const r of rows as Array<{ email: string; reference: string }>) if (!out.has(r.email)) out.set(r.email, r.reference);
  }
  return out;
}

export async function insertBatch(
  trx: Knex.Transaction,
  b: { accessKeyId: number; accountId: number; fileName: string; uploadedBy: number; rowCount: number; rejectedCount: number; now: Date },
): Promise<number> {
  const { now, ...fields } = b;
  return insertRow(trx, 'bulk_batch', snakeCaseColumns({ ...fields, createdAt: now.toISOString() }));
}
