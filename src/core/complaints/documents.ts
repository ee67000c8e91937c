import { checkUploadedFile } from '../application/documents';
import { MAX_COMPLAINT_FILES } from './complaints';

/**
 * The files of a complaint and of its answer, checked as the form's documents are (core/application/documents.ts): the
 * type read from the content (PDF, JPEG, PNG), never from the name; at most DOCUMENT_MAX_BYTES each. Once checked they
 * go to the complaint's thread (core/threads postMessage): SHA-256 hashed, archived write-once, re-hashed when read.
 */

export interface UploadedFile {
  buffer: Buffer;
  originalName?: string;
}

export type FilesCheck = { ok: true; files: UploadedFile[] } | { ok: false; key: string; params?: Record<string, string | number> };

/** Checks every file before anything is stored: one bad file refuses them all, with the reason and its name. */
export function checkComplaintFiles(files: UploadedFile[], maxBytes: number): FilesCheck {
  const present = files.filter((f) => f.buffer && (f.buffer.length > 0 || f.originalName));
  if (present.length > MAX_COMPLAINT_FILES) return { ok: false, key: 'complaints:files.errors.tooMany', params: { max: MAX_COMPLAINT_FILES } };
  for (const f of present) {
    const name = (f.originalName ?? '').slice(0, 100);
    const check = checkUploadedFile(f.buffer, maxBytes);
    if (!check.ok) return { ok: false, key: `complaints:files.errors.${check.problem}`, params: { name, maxBytes } };
  }
  return { ok: true, files: present };
}
