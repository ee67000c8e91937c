import { insertRow, type Db } from '../../platform/db';
import { column, int, rowMapper, text } from '../../lib/rows';

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

const SIGNATURE = rowMapper<Signature>({
  id: int,
  applicationId: int,
  version: int,
  language: text,
  pdfSha256: text,
  shownPdfSha256: text,
  archivePath: text,
  pdfSize: int,
  signedAt: text,
  signerEmail: text,
  ip: text,
  userAgent: text,
  consents: column('consents', (v) => JSON.parse(v as string) as Consents),
});

/** Every signed version of an application, oldest first. */
export async function listSignatures(db: Db, applicationId: number): Promise<Signature[]> {
  const rows = await db('signature').where({ application_id: applicationId }).orderBy('version').select(SIGNATURE.columns);
  return rows.map(SIGNATURE.map);
}

export async function findSignature(db: Db, applicationId: number, version: number): Promise<Signature | undefined> {
  const row = await db('signature').where({ application_id: applicationId, version }).first(SIGNATURE.columns);
  return row ? SIGNATURE.map(row) : undefined;
}

export async function latestSignature(db: Db, applicationId: number): Promise<Signature | undefined> {
  const row = await db('signature').where({ application_id: applicationId }).orderBy('version', 'desc').first(SIGNATURE.columns);
  return row ? SIGNATURE.map(row) : undefined;
}

export async function nextSignatureVersion(trx: Db, applicationId: number): Promise<number> {
  const [row] = await trx('signature').where({ application_id: applicationId }).max<{ v: number | null }[]>({ v: 'version' });
  return Number(row?.v ?? 0) + 1;
}

export async function insertSignature(trx: Db, s: Omit<Signature, 'id'> & { signatureAttemptId: number; createdAt: string }): Promise<number> {
  return insertRow(trx, 'signature', {
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
  });
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
