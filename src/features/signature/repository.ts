import type { Db } from '../../platform/db';

/** The archive paths (relative to the data directory) recorded for the application's archived files. */
export async function archivedPaths(db: Db, applicationId: number): Promise<string[]> {
  return (await db('archive_entry').where({ application_id: applicationId }).select('path')).map((r) => r.path as string);
}

/** A signing code's row (table signature_attempt): only the code's HMAC is stored. */
interface SignatureAttemptRow {
  id: number;
  application_id: number;
  pdf_sha256: string;
  sent_to: string;
  code_hmac: string | null;
  created_at: string;
  expires_at: string;
  attempts: number;
  consumed_at: string | null;
  superseded_at: string | null;
}

/** When the application's codes created after `since` were created, oldest first. */
export async function codeTimesSince(trx: Db, applicationId: number, since: string): Promise<Array<{ created_at: string }>> {
  return trx('signature_attempt').where({ application_id: applicationId }).where('created_at', '>', since).orderBy('created_at', 'asc').select('created_at');
}

/** Supersedes the application's open codes (neither consumed nor superseded): how many. */
export async function supersedeOpenCodes(trx: Db, applicationId: number, ts: string): Promise<number> {
  return trx('signature_attempt').where({ application_id: applicationId }).whereNull('consumed_at').whereNull('superseded_at').update({ superseded_at: ts });
}

function idOf(row: unknown): number {
  return typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number);
}

/** Inserts a code's row, its HMAC not set yet: its id. */
export async function insertSignatureAttempt(
  trx: Db,
  attempt: { applicationId: number; pdfSha256: string; sentTo: string; createdAt: string; expiresAt: string },
): Promise<number> {
  const [row] = await trx('signature_attempt')
    .insert({
      application_id: attempt.applicationId,
      pdf_sha256: attempt.pdfSha256,
      sent_to: attempt.sentTo,
      code_hmac: null,
      created_at: attempt.createdAt,
      expires_at: attempt.expiresAt,
      attempts: 0,
    })
    .returning('id');
  return idOf(row);
}

export async function storeCodeHmac(trx: Db, attemptId: number, hmac: string): Promise<void> {
  await trx('signature_attempt').where({ id: attemptId }).update({ code_hmac: hmac });
}

/** The application's latest code not superseded (consumed or not). */
export async function currentSignatureAttempt(trx: Db, applicationId: number): Promise<SignatureAttemptRow | undefined> {
  return trx('signature_attempt').where({ application_id: applicationId }).whereNull('superseded_at').orderBy('id', 'desc').first();
}

/** The id of the application's latest code not superseded (consumed or not), if any. */
export async function latestCodeAttemptId(db: Db, applicationId: number): Promise<number | undefined> {
  const row = await currentSignatureAttempt(db, applicationId);
  return row ? Number(row.id) : undefined;
}

/** Counts one more try, only if the code is not consumed and its count is still `attempts`: rows written (0 or 1). */
export async function countCodeTry(trx: Db, attemptId: number, attempts: number): Promise<number> {
  return trx('signature_attempt')
    .where({ id: attemptId, attempts })
    .whereNull('consumed_at')
    .update({ attempts: Number(attempts) + 1 });
}

/** Consumes the code if not consumed yet: rows written (0 or 1). */
export async function consumeCode(trx: Db, attemptId: number, ts: string): Promise<number> {
  return trx('signature_attempt').where({ id: attemptId }).whereNull('consumed_at').update({ consumed_at: ts });
}
