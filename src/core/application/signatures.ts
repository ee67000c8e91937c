import type { Db } from '../../platform/db';

/** A signed version of an application (table `signature`). */
export interface Consent {
  termsId: number;
  version: string;
  sha256: string;
  acceptedAt: string;
}

export interface Consents {
  cardholderTerms: Consent | null;
  signatureTerms: Consent | null;
}

export interface Signature {
  id: number;
  applicationId: number;
  version: number;
  language: string;
  pdfSha256: string;
  shownPdfSha256: string;
  archivePath: string;
  pdfSize: number;
  signedAt: string;
  signerEmail: string;
  ip: string;
  userAgent: string;
  consents: Consents;
}

function toSignature(row: Record<string, unknown>): Signature {
  return {
    id: Number(row.id),
    applicationId: Number(row.application_id),
    version: Number(row.version),
    language: row.language as string,
    pdfSha256: row.pdf_sha256 as string,
    shownPdfSha256: row.shown_pdf_sha256 as string,
    archivePath: row.archive_path as string,
    pdfSize: Number(row.pdf_size),
    signedAt: row.signed_at as string,
    signerEmail: row.signer_email as string,
    ip: row.ip as string,
    userAgent: row.user_agent as string,
    consents: JSON.parse(row.consents as string) as Consents,
  };
}

/** Every signed version of an application, oldest first. */
export async function listSignatures(db: Db, applicationId: number): Promise<Signature[]> {
  const rows = await db('signature').where({ application_id: applicationId }).orderBy('version');
  return rows.map(toSignature);
}

export async function findSignature(db: Db, applicationId: number, version: number): Promise<Signature | undefined> {
  const row = await db('signature').where({ application_id: applicationId, version }).first();
  return row ? toSignature(row) : undefined;
}

export async function latestSignature(db: Db, applicationId: number): Promise<Signature | undefined> {
  const row = await db('signature').where({ application_id: applicationId }).orderBy('version', 'desc').first();
  return row ? toSignature(row) : undefined;
}

export async function nextSignatureVersion(trx: Db, applicationId: number): Promise<number> {
  const [row] = await trx('signature').where({ application_id: applicationId }).max<{ v: number | null }[]>({ v: 'version' });
  return Number(row?.v ?? 0) + 1;
}

export async function insertSignature(trx: Db, s: Omit<Signature, 'id'> & { signatureAttemptId: number; createdAt: string }): Promise<number> {
  const [row] = await trx('signature')
    .insert({
      application_id: s.applicationId,
      version: s.version,
      language: s.language,
      pdf_sha256: s.pdfSha256,
      shown_pdf_sha256: s.shownPdfSha256,
      archive_path: s.archivePath,
      pdf_size: s.pdfSize,
      signature_attempt_id: s.signatureAttemptId,
      signed_at: s.signedAt,
      signer_email: s.signerEmail,
      ip: s.ip,
      user_agent: s.userAgent,
      consents: JSON.stringify(s.consents),
      created_at: s.createdAt,
    })
    .returning('id');
  return typeof row === 'object' ? (row as { id: number }).id : (row as number);
}

/** The outbox idempotency key of the e-mail carrying one signing code (one e-mail per code). */
export function signingCodeEmailKey(applicationId: number, attemptId: number): string {
  return `signing-code:${applicationId}:${attemptId}`;
}

/** The signing attempt (code) a signing-code e-mail carries, read back from its idempotency key. */
export function attemptOfSigningCodeEmail(idempotencyKey: string): number | undefined {
  const m = /^signing-code:\d+:(\d+)$/.exec(idempotencyKey);
  return m ? Number(m[1]) : undefined;
}

/** The latest open (not consumed, not superseded) code of an application: when it expires and where it went. */
export async function openCode(db: Db, applicationId: number): Promise<{ id: number; sentTo: string; expiresAt: string; attempts: number } | undefined> {
  const row = await db('signature_attempt')
    .where({ application_id: applicationId })
    .whereNull('consumed_at')
    .whereNull('superseded_at')
    .orderBy('id', 'desc')
    .first();
  return row ? { id: Number(row.id), sentTo: row.sent_to, expiresAt: row.expires_at, attempts: Number(row.attempts) } : undefined;
}
