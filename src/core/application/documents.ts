import { attachmentHeaders } from '../../lib/download';
import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../../platform/config';
import type { Logger } from '../../platform/logger';
import { NotFoundError } from '../../lib/errors';
import { NOT_SUBMITTED } from './status';
import {
  applicationStatus,
  countCurrentDocuments,
  DOCUMENT_KINDS,
  findCurrentDocument,
  insertDocument,
  markDocumentRemoved,
  type AcceptedType,
  type DocumentKind,
  type StoredDocument,
} from './documents-repository';

export { DOCUMENT_KINDS, listDocuments, type DocumentKind, type StoredDocument } from './documents-repository';

/**
 * Supporting documents (identity document, proof of address…). The type is read from the content (magic bytes),
 * never from the name or the browser's claim; the size is limited; files live under DATA_DIR/documents with
 * random names (never under public/), read-only, with their SHA-256 recorded. Before signing the employee may
 * remove one (logical removal) and upload another.
 */

/** At most this many current documents per application (several pages of a scan, front and back…). */
export const MAX_DOCUMENTS_PER_APPLICATION = 10;

const EXTENSIONS: Record<AcceptedType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type SaveResult = { ok: true; document: StoredDocument } | { ok: false; key: string; params?: Record<string, string | number> };

/** The file's real type by its first bytes: `%PDF-`, JPEG `FF D8 FF`, the PNG signature; anything else undefined. */
export function sniffType(buffer: Buffer): AcceptedType | undefined {
  if (buffer.length >= 5 && buffer.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'image/jpeg';
  if (buffer.length >= 8 && buffer.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  return undefined;
}

/** What is wrong with an uploaded file, checked as every upload is (empty, over the size limit, not a PDF/JPEG/PNG by
 * its content), or its type when it is acceptable. Each page words the problem with its own keys. */
export function checkUploadedFile(
  buffer: Buffer | undefined,
  maxBytes: number,
): { ok: true; mime: AcceptedType } | { ok: false; problem: 'empty' | 'tooLarge' | 'type' } {
  if (!buffer || buffer.length === 0) return { ok: false, problem: 'empty' };
  if (buffer.length > maxBytes) return { ok: false, problem: 'tooLarge' };
  const mime = sniffType(buffer);
  return mime ? { ok: true, mime } : { ok: false, problem: 'type' };
}

/**
 * A display name safe for pages and Content-Disposition: the last path segment, NFC, no control or reserved
 * characters, at most 100 characters, ending with the extension of the type actually found.
 */
export function sanitiseFileName(name: string | undefined, type: AcceptedType): string {
  const last = (name ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}"<>:*?|;=`$%{}]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s-]+/, '')
    .trim();
  const base =
    cleaned
      .replace(/\.[^.]{1,10}$/, '')
      .slice(0, 90)
      .trim() || 'document';
  return `${base}.${EXTENSIONS[type]}`;
}

export function documentsDir(dataDir: string): string {
  return path.resolve(dataDir, 'documents');
}

async function isEditable(db: Db, applicationId: number): Promise<boolean> {
  const status = await applicationStatus(db, applicationId);
  return Boolean(status && (NOT_SUBMITTED as string[]).includes(status));
}

/**
 * Checks and stores an uploaded file for an application that is still being filled. Writes the file (never
 * overwriting, mode 0440) then the row in the caller's transaction; if the row cannot be written the file is deleted.
 */
export async function saveDocument(
  deps: { config: Pick<Config, 'dataDir' | 'documentMaxBytes'>; logger: Logger },
  trx: Db,
  input: { applicationId: number; kind: string; file: { buffer: Buffer; originalName?: string }; now: Date },
): Promise<SaveResult> {
  const { buffer } = input.file;
  if (!(DOCUMENT_KINDS as readonly string[]).includes(input.kind)) return { ok: false, key: 'documents:errors.kind' };
  const maxBytes = deps.config.documentMaxBytes;
  const checked = checkUploadedFile(buffer, maxBytes);
  if (!checked.ok) return { ok: false, key: `documents:errors.${checked.problem}`, ...(checked.problem === 'tooLarge' ? { params: { maxBytes } } : {}) };
  const { mime } = checked;
  if (!(await isEditable(trx, input.applicationId))) return { ok: false, key: 'documents:errors.locked' };
  if ((await countCurrentDocuments(trx, input.applicationId)) >= MAX_DOCUMENTS_PER_APPLICATION)
    return { ok: false, key: 'documents:errors.tooMany', params: { max: MAX_DOCUMENTS_PER_APPLICATION } };

  const dir = documentsDir(deps.config.dataDir);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const storedName = `${crypto.randomBytes(18).toString('base64url')}.bin`;
  const file = path.join(dir, storedName);
  const sha256 = crypto.createHash('sha256').update(buffer).digest('hex');
  await fs.promises.writeFile(file, buffer, { flag: 'wx', mode: 0o440 });
  try {
    const document = await insertDocument(trx, {
      applicationId: input.applicationId,
      kind: input.kind as DocumentKind,
      originalName: sanitiseFileName(input.file.originalName, mime),
      storedName,
      mime,
      size: buffer.length,
      sha256,
      uploadedAt: input.now.toISOString(),
      removedAt: null,
      archived: false,
    });
    deps.logger.info({ applicationId: input.applicationId, documentId: document.id, kind: input.kind, mime, size: buffer.length }, 'document stored');
    return { ok: true, document };
  } catch (err) {
    await fs.promises.rm(file, { force: true });
    throw err;
  }
}

/** Kinds required by the account's rules that have no current document (the identity document always is). */
export function missingKinds(documents: Pick<StoredDocument, 'kind'>[], required: DocumentKind[] = ['identity']): DocumentKind[] {
  const present = new Set(documents.map((d) => d.kind));
  return [...new Set<DocumentKind>(['identity', ...required])].filter((k) => !present.has(k));
}

/**
 * Removes a document before signing (logical: the row keeps removed_at; the file stays until a purge). Returns false
 * when there is nothing to remove: unknown, another application's, already removed, archived, or no longer editable.
 */
export async function removeDocument(trx: Db, input: { applicationId: number; documentId: number; now: Date }): Promise<boolean> {
  if (!(await isEditable(trx, input.applicationId))) return false;
  return markDocumentRemoved(trx, input);
}

/** Response headers for a download: attachment (never rendered inline), no sniffing, sandboxed, not cached. */
export function downloadHeaders(doc: Pick<StoredDocument, 'mime' | 'size' | 'originalName'>): Record<string, string> {
  const ascii =
    doc.originalName
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '') || 'document';
  return {
    ...attachmentHeaders({ contentType: doc.mime, fileName: ascii, size: doc.size }),
    // The original name as typed, for browsers that read RFC 6266's filename* (the ASCII one for the others).
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.originalName)}`,
  };
}

/**
 * Opens a current document for download. `accountIds` (administrators) restricts to applications of those BCs;
 * the employee's routes pass the application id bound to the session. Anything else is NotFound.
 */
export async function readDocument(
  deps: { config: Pick<Config, 'dataDir'> },
  db: Db,
  input: { applicationId: number; documentId: number; accountIds?: number[] },
): Promise<{ document: StoredDocument; headers: Record<string, string>; stream: Readable }> {
  const document = await findCurrentDocument(db, input);
  if (!document) throw new NotFoundError('document');
  const file = path.join(documentsDir(deps.config.dataDir), path.basename(document.storedName));
  // Opened here, not lazily by the stream, so a missing file is a NotFound now rather than a stream error later.
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    throw new NotFoundError('document file');
  }
  return { document, headers: downloadHeaders(document), stream: handle.createReadStream() };
}

/** The error key shown when a required kind of document is missing. */
export const MISSING_KIND_KEYS: Record<DocumentKind, string> = {
  identity: 'documents:errors.identityMissing',
  proof_of_address: 'documents:errors.proofOfAddressMissing',
  other: 'documents:errors.otherMissing',
};
