import { insertRow, type Db } from '../../platform/db';

/** The SQL of threads.ts: tables thread, thread_message, thread_attachment (migration 20261207_750). */

export interface ThreadRow {
  id: number;
  subjectType: string;
  subjectId: number;
  applicationId: number;
}

export async function insertThread(trx: Db, row: { subjectType: string; subjectId: number; applicationId: number; createdAt: string }): Promise<number> {
  return insertRow(trx, 'thread', { subject_type: row.subjectType, subject_id: row.subjectId, application_id: row.applicationId, created_at: row.createdAt });
}

export async function findThread(db: Db, subjectType: string, subjectId: number): Promise<ThreadRow | undefined> {
  const row = await db('thread').where({ subject_type: subjectType, subject_id: subjectId }).first('id', 'subject_type', 'subject_id', 'application_id');
  return row ? { id: Number(row.id), subjectType: row.subject_type, subjectId: Number(row.subject_id), applicationId: Number(row.application_id) } : undefined;
}

/** The threads of these subjects (one query). */
export async function findThreads(db: Db, subjectType: string, subjectIds: number[]): Promise<ThreadRow[]> {
  if (!subjectIds.length) return [];
  const rows = await db('thread')
    .where('subject_type', subjectType)
    .whereIn('subject_id', subjectIds)
    .select('id', 'subject_type', 'subject_id', 'application_id');
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    subjectType: String(row.subject_type),
    subjectId: Number(row.subject_id),
    applicationId: Number(row.application_id),
  }));
}

export async function insertMessage(
  trx: Db,
  row: { threadId: number; authorType: string; administratorId: number | null; body: string; createdAt: string },
): Promise<number> {
  return insertRow(trx, 'thread_message', {
    thread_id: row.threadId,
    author_type: row.authorType,
    administrator_id: row.administratorId,
    body: row.body,
    created_at: row.createdAt,
  });
}

export async function insertAttachment(
  trx: Db,
  row: {
    messageId: number;
    threadId: number;
    kind: string;
    originalName: string;
    mime: string;
    size: number;
    sha256: string;
    archiveEntryId: number;
    uploadedAt: string;
  },
): Promise<number> {
  return insertRow(trx, 'thread_attachment', {
    message_id: row.messageId,
    thread_id: row.threadId,
    kind: row.kind,
    original_name: row.originalName,
    mime: row.mime,
    size: row.size,
    sha256: row.sha256,
    archive_entry_id: row.archiveEntryId,
    uploaded_at: row.uploadedAt,
  });
}

export interface MessageRecord {
  id: number;
  threadId: number;
  authorType: string;
  administratorName: string | null;
  body: string;
  createdAt: string;
}

export async function messagesOf(db: Db, threadIds: number | number[]): Promise<MessageRecord[]> {
  const rows = await db('thread_message as m')
    .leftJoin('administrator as ad', 'ad.id', 'm.administrator_id')
    .whereIn('m.thread_id', ([] as number[]).concat(threadIds))
    .orderBy('m.id')
    .select('m.id', 'm.thread_id', 'm.author_type', 'ad.display_name', 'm.body', 'm.created_at');
  return rows.map((r) => ({
    id: Number(r.id),
    threadId: Number(r.thread_id),
    authorType: r.author_type,
    administratorName: r.display_name ?? null,
    body: r.body,
    createdAt: r.created_at,
  }));
}

export interface AttachmentRecord {
  id: number;
  messageId: number;
  kind: string;
  originalName: string;
  mime: string;
  size: number;
  sha256: string;
  archivePath: string;
}

const ATTACHMENT_COLUMNS = ['t.id', 't.message_id', 't.kind', 't.original_name', 't.mime', 't.size', 't.sha256', 'e.path'];

function toAttachment(r: Record<string, unknown>): AttachmentRecord {
  return {
    id: Number(r.id),
    messageId: Number(r.message_id),
    kind: String(r.kind),
    originalName: String(r.original_name),
    mime: String(r.mime),
    size: Number(r.size),
    sha256: String(r.sha256),
    archivePath: String(r.path),
  };
}

export async function attachmentsOf(db: Db, threadIds: number | number[]): Promise<AttachmentRecord[]> {
  const rows = await db('thread_attachment as t')
    .join('archive_entry as e', 'e.id', 't.archive_entry_id')
    .whereIn('t.thread_id', ([] as number[]).concat(threadIds))
    .orderBy('t.id')
    .select(ATTACHMENT_COLUMNS);
  return rows.map(toAttachment);
}

export async function findAttachment(db: Db, threadId: number, attachmentId: number): Promise<AttachmentRecord | undefined> {
  const row = await db('thread_attachment as t')
    .join('archive_entry as e', 'e.id', 't.archive_entry_id')
    .where({ 't.thread_id': threadId, 't.id': attachmentId })
    .first(ATTACHMENT_COLUMNS);
  return row ? toAttachment(row) : undefined;
}
