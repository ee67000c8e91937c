import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../../platform/config';
import type { Db } from '../../platform/db';
import { NotFoundError } from '../../lib/errors';
import { checkUploadedFile, downloadHeaders, sanitiseFileName } from '../application/documents';
import { MAX_COMPLAINT_FILES } from './complaints';
import { findComplaintDocument, insertComplaintDocument, type ComplaintDocument } from './repository';

/**
 * The files of a complaint and of its answer, checked as the form's documents are (core/application/documents.ts): the
 * type read from the content (PDF, JPEG, PNG), never from the name; at most DOCUMENT_MAX_BYTES each; stored under
 * DATA_DIR/complaints with random names, read-only, with their SHA-256; downloaded as attachments only.
 */

export interface UploadedFile {
  buffer: Buffer;
  originalName?: string;
}

export type CheckedFile = UploadedFile & { mime: ComplaintDocument['mime'] };

export type FilesCheck = { ok: true; files: CheckedFile[] } | { ok: false; key: string; params?: Record<string, string | number> };

/** Checks every file before anything is stored: one bad file refuses them all, with the reason and its name. */
export function checkComplaintFiles(files: UploadedFile[], maxBytes: number): FilesCheck {
  const present = files.filter((f) => f.buffer && (f.buffer.length > 0 || f.originalName));
  if (present.length > MAX_COMPLAINT_FILES) return { ok: false, key: 'complaints:files.errors.tooMany', params: { max: MAX_COMPLAINT_FILES } };
  const checked: CheckedFile[] = [];
  for (const f of present) {
    const name = (f.originalName ?? '').slice(0, 100);
    const check = checkUploadedFile(f.buffer, maxBytes);
    if (!check.ok) return { ok: false, key: `complaints:files.errors.${check.problem}`, params: { name, maxBytes } };
    checked.push({ ...f, mime: check.mime });
  }
  return { ok: true, files: checked };
}

export function complaintFilesDir(dataDir: string): string {
  return path.resolve(dataDir, 'complaints');
}

/**
 * Writes checked files (never overwriting, mode 0440) and their rows in the caller's transaction. The written paths
 * are returned so the caller can remove them if the transaction fails.
 */
export async function storeComplaintFiles(
  config: Pick<Config, 'dataDir'>,
  trx: Db,
  input: { complaintId: number; role: ComplaintDocument['role']; files: CheckedFile[]; now: Date },
  written: string[],
): Promise<void> {
  if (!input.files.length) return;
  const dir = complaintFilesDir(config.dataDir);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const f of input.files) {
    const storedName = `${crypto.randomBytes(18).toString('base64url')}.bin`;
    const file = path.join(dir, storedName);
    await fs.promises.writeFile(file, f.buffer, { flag: 'wx', mode: 0o440 });
    written.push(file);
    await insertComplaintDocument(trx, {
      complaintId: input.complaintId,
      role: input.role,
      originalName: sanitiseFileName(f.originalName, f.mime),
      storedName,
      mime: f.mime,
      size: f.buffer.length,
      sha256: crypto.createHash('sha256').update(f.buffer).digest('hex'),
      uploadedAt: input.now.toISOString(),
    });
  }
}

/** Removes files written for a transaction that did not commit. */
export async function removeWrittenFiles(written: string[]): Promise<void> {
  await Promise.all(written.map((f) => fs.promises.rm(f, { force: true })));
}

/** Opens a complaint's document for download (the caller has checked the complaint is the reader's). */
export async function openComplaintDocument(
  config: Pick<Config, 'dataDir'>,
  db: Db,
  complaintId: number,
  documentId: number,
): Promise<{ document: ComplaintDocument; headers: Record<string, string>; stream: Readable }> {
  const document = await findComplaintDocument(db, complaintId, documentId);
  if (!document) throw new NotFoundError('complaint document');
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path.join(complaintFilesDir(config.dataDir), path.basename(document.storedName)), 'r');
  } catch {
    throw new NotFoundError('complaint document file');
  }
  return { document, headers: downloadHeaders(document), stream: handle.createReadStream() };
}
