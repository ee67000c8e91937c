import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../platform/db';
import type { Config } from '../../platform/config';
import { NotFoundError } from '../../lib/errors';
import { archiveFile } from '../archive/archive';
import { checkUploadedFile, downloadHeaders, sanitiseFileName, sniffType } from '../application/documents';
import type { AcceptedType } from '../application/documents-repository';
import {
  attachmentsOf,
  findAttachment,
  findThread,
  findThreads,
  insertAttachment,
  insertMessage,
  insertThread,
  messagesOf,
  type AttachmentRecord,
} from './threads-repository';

/**
 * A message thread about one subject of an application (a request for information, a complaint): messages by an
 * administrator or by the employee, each with its time, and documents attached to messages. A document is checked by
 * its content (PDF, JPEG, PNG: documents.ts sniffType) and size like the form's documents, then SHA-256 hashed and
 * archived write-once at once (core/archive: DATA_DIR/archive/<application>/<n>-thread-<kind>.<ext>), so what the
 * employee sent can never change afterwards; reading one re-hashes it against the hash recorded at upload.
 */

export type ThreadSubjectType = 'information_request' | 'complaint';
export interface ThreadSubject {
  type: ThreadSubjectType;
  id: number;
}
export type ThreadAuthor = { type: 'administrator'; id: number } | { type: 'employee' };

/** A message's body: at most this many characters. */
export const MESSAGE_MAX_LENGTH = 5000;
/** At most this many documents with one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 6;

export interface ThreadFile {
  /** What the document is (e.g. identity, proof_of_address, payslip, other). */
  kind: string;
  buffer: Buffer;
  originalName?: string;
}

export interface ThreadAttachment {
  id: number;
  kind: string;
  originalName: string;
  mime: string;
  size: number;
  sha256: string;
}

export interface ThreadMessage {
  id: number;
  author: 'administrator' | 'employee';
  /** The administrator's display name (administrators' pages only; the employee's pages never show it). */
  administratorName: string | null;
  body: string;
  createdAt: string;
  attachments: ThreadAttachment[];
}

export type FileCheck = { ok: true } | { ok: false; key: string; params?: Record<string, string | number> };

const EXTENSIONS: Record<AcceptedType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** A file's problem as the form's documents have it (empty, too large, not a PDF/JPEG/PNG by its content), or ok. */
export function checkThreadFile(maxBytes: number, file: Pick<ThreadFile, 'buffer'>): FileCheck {
  const checked = checkUploadedFile(file.buffer, maxBytes);
  if (checked.ok) return { ok: true };
  return { ok: false, key: `documents:errors.${checked.problem}`, ...(checked.problem === 'tooLarge' ? { params: { maxBytes } } : {}) };
}

/** The subject's thread, created on first use; its id. */
export async function openThread(trx: Db, subject: ThreadSubject, applicationId: number, now: Date): Promise<number> {
  const existing = await findThread(trx, subject.type, subject.id);
  if (existing) return existing.id;
  return insertThread(trx, { subjectType: subject.type, subjectId: subject.id, applicationId, createdAt: now.toISOString() });
}

/** The subject's thread (its id and application), or undefined. */
export async function threadOf(db: Db, subject: ThreadSubject): Promise<{ id: number; applicationId: number } | undefined> {
  const t = await findThread(db, subject.type, subject.id);
  return t ? { id: t.id, applicationId: t.applicationId } : undefined;
}

/**
 * Adds a message (and its documents) to a thread, in the caller's transaction. Every file is checked before anything is
 * written; a refused file refuses the whole message (FileCheck with the file's index). The caller checks the body.
 */
export async function postMessage(
  deps: { config: Pick<Config, 'dataDir' | 'documentMaxBytes'> },
  trx: Db,
  input: { threadId: number; applicationId: number; author: ThreadAuthor; body: string; files?: ThreadFile[]; now: Date; maxLength?: number },
): Promise<
  { ok: true; messageId: number; attachments: ThreadAttachment[] } | { ok: false; index: number; key: string; params?: Record<string, string | number> }
> {
  const files = input.files ?? [];
  if (files.length > MAX_ATTACHMENTS_PER_MESSAGE)
    return { ok: false, index: MAX_ATTACHMENTS_PER_MESSAGE, key: 'documents:errors.tooMany', params: { max: MAX_ATTACHMENTS_PER_MESSAGE } };
  for (const [index, file] of files.entries()) {
    const check = checkThreadFile(deps.config.documentMaxBytes, file);
    if (!check.ok) return { ok: false, index, key: check.key, ...(check.params ? { params: check.params } : {}) };
  }
  const body = input.body.trim();
  const maxLength = input.maxLength ?? MESSAGE_MAX_LENGTH;
  if (!body || body.length > maxLength) throw new Error(`a thread message must have a body of 1 to ${maxLength} characters`);
  const at = input.now.toISOString();
  const messageId = await insertMessage(trx, {
    threadId: input.threadId,
    authorType: input.author.type,
    administratorId: input.author.type === 'administrator' ? input.author.id : null,
    body,
    createdAt: at,
  });
  const attachments: ThreadAttachment[] = [];
  for (const file of files) {
    const mime = sniffType(file.buffer) as AcceptedType;
    const kind = /^[a-z_]{1,20}$/.test(file.kind) ? file.kind : 'other';
    const entry = await archiveFile(deps, trx, {
      applicationId: input.applicationId,
      kind: `thread-${kind}`.replace(/_/g, '-'),
      extension: EXTENSIONS[mime],
      buffer: file.buffer,
      now: input.now,
    });
    const originalName = sanitiseFileName(file.originalName, mime);
    const id = await insertAttachment(trx, {
      messageId,
      threadId: input.threadId,
      kind,
      originalName,
      mime,
      size: file.buffer.length,
      sha256: entry.sha256,
      archiveEntryId: entry.id,
      uploadedAt: at,
    });
    attachments.push({ id, kind, originalName, mime, size: file.buffer.length, sha256: entry.sha256 });
  }
  return { ok: true, messageId, attachments };
}

/** The thread's messages, oldest first, each with its documents. */
export async function threadMessages(db: Db, threadId: number): Promise<ThreadMessage[]> {
  return (await messagesOfThreads(db, [threadId])).get(threadId) ?? [];
}

/** The messages of several threads at once (two queries whatever their number), by thread id. */
async function messagesOfThreads(db: Db, threadIds: number[]): Promise<Map<number, ThreadMessage[]>> {
  const byThread = new Map<number, ThreadMessage[]>();
  if (!threadIds.length) return byThread;
  const [messages, attachments] = await Promise.all([messagesOf(db, threadIds), attachmentsOf(db, threadIds)]);
  const byMessage = new Map<number, ThreadAttachment[]>();
  for (const a of attachments) {
    const list = byMessage.get(a.messageId) ?? [];
    list.push({ id: a.id, kind: a.kind, originalName: a.originalName, mime: a.mime, size: a.size, sha256: a.sha256 });
    byMessage.set(a.messageId, list);
  }
  for (const m of messages) {
    const list = byThread.get(m.threadId) ?? [];
    list.push({
      id: m.id,
      author: m.authorType === 'administrator' ? 'administrator' : 'employee',
      administratorName: m.administratorName,
      body: m.body,
      createdAt: m.createdAt,
      attachments: byMessage.get(m.id) ?? [],
    });
    byThread.set(m.threadId, list);
  }
  return byThread;
}

/** The messages of the threads of several subjects of one type (three queries), by subject id; none when no thread. */
export async function subjectsMessages(db: Db, type: ThreadSubjectType, subjectIds: number[]): Promise<Map<number, ThreadMessage[]>> {
  const threads = await findThreads(db, type, subjectIds);
  const byThread = await messagesOfThreads(
    db,
    threads.map((t) => t.id),
  );
  return new Map(threads.map((t) => [t.subjectId, byThread.get(t.id) ?? []]));
}

/** An archived document that no longer matches the hash recorded when it was received. */
class ThreadAttachmentIntegrityError extends Error {}

/**
 * A document of the thread from the archive, re-hashed against the SHA-256 recorded at upload (a changed file is never
 * served). NotFound when the thread has no such document. The caller decides who may read the thread.
 */
export async function readThreadAttachment(
  deps: { config: Pick<Config, 'dataDir'> },
  db: Db,
  input: { threadId: number; attachmentId: number },
): Promise<{ attachment: ThreadAttachment; headers: Record<string, string>; content: Buffer }> {
  const found: AttachmentRecord | undefined = await findAttachment(db, input.threadId, input.attachmentId);
  if (!found) throw new NotFoundError('attachment');
  // Archived files live under DATA_DIR/archive; the files of complaints received before they moved onto threads stay in
  // DATA_DIR/complaints (migration 20261208_700). Nothing outside DATA_DIR is ever read.
  const root = path.resolve(deps.config.dataDir);
  const file = path.resolve(root, found.archivePath);
  if (!file.startsWith(root + path.sep)) throw new ThreadAttachmentIntegrityError(`attachment ${found.id} points outside DATA_DIR`);
  let content: Buffer;
  try {
    content = await fs.promises.readFile(file);
  } catch {
    throw new NotFoundError('attachment file');
  }
  if (crypto.createHash('sha256').update(content).digest('hex') !== found.sha256)
    throw new ThreadAttachmentIntegrityError(`attachment ${found.id} does not match the hash recorded at upload`);
  const attachment = { id: found.id, kind: found.kind, originalName: found.originalName, mime: found.mime, size: found.size, sha256: found.sha256 };
  return { attachment, headers: downloadHeaders({ mime: found.mime as AcceptedType, size: found.size, originalName: found.originalName }), content };
}
