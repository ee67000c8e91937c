import type { Db } from '../../platform/db';
import type { StatusRow } from '../../core/issuer-status/file';
import type { ImportCounts } from '../../core/issuer-status/import';

/** An uploaded status file between its upload and "Apply"; private to the platform administrator who uploaded it. */
export interface StatusUpload {
  id: number;
  token: string;
  fileName: string;
  rows: StatusRow[];
  createdAt: string;
  consumedAt: string | null;
  result: ImportCounts | null;
}

export async function insertUpload(db: Db, input: { token: string; uploadedBy: number; fileName: string; rows: StatusRow[]; now: Date }): Promise<void> {
  await db('issuer_status_upload').insert({
    token: input.token,
    uploaded_by: input.uploadedBy,
    file_name: input.fileName,
    rows: JSON.stringify(input.rows),
    created_at: input.now.toISOString(),
  });
}

export async function findUpload(db: Db, token: string, uploadedBy: number): Promise<StatusUpload | undefined> {
  const row = await db('issuer_status_upload').where({ token, uploaded_by: uploadedBy }).first();
  if (!row) return undefined;
  return {
    id: Number(row.id),
    token: row.token,
    fileName: row.file_name,
    rows: JSON.parse(row.rows) as StatusRow[],
    createdAt: row.created_at,
    consumedAt: row.consumed_at ?? null,
    result: row.result ? (JSON.parse(row.result) as ImportCounts) : null,
  };
}

/** Claims the upload for its one application: false when it was already applied (a replayed or second submit). */
export async function claimUpload(db: Db, id: number, now: Date): Promise<boolean> {
  const n = await db('issuer_status_upload').where({ id }).whereNull('consumed_at').update({ consumed_at: now.toISOString() });
  return n === 1;
}

export async function saveResult(db: Db, id: number, result: ImportCounts): Promise<void> {
  await db('issuer_status_upload')
    .where({ id })
    .update({ result: JSON.stringify(result) });
}
