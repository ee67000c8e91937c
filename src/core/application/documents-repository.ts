import { insertRow, type Db } from '../../platform/db';
import { bool, int, rowMapper, text, textOrNull } from '../../lib/rows';

/** The kinds of supporting document an employee uploads. */
export const DOCUMENT_KINDS = ['identity', 'proof_of_address', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The types a supporting document may be, told from its first bytes (documents.ts sniffType), never from its name. */
export type AcceptedType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** A supporting document (table `application_document`). */
export interface StoredDocument {
  id: number;
  applicationId: number;
  kind: DocumentKind;
  originalName: string;
  storedName: string;
  mime: AcceptedType;
  size: number;
  sha256: string;
  uploadedAt: string;
  removedAt: string | null;
  archived: boolean;
}

const DOCUMENT = rowMapper<StoredDocument>({
  id: int,
  applicationId: int,
  kind: text,
  originalName: text,
  storedName: text,
  mime: text,
  size: int,
  sha256: text,
  uploadedAt: text,
  removedAt: textOrNull,
  archived: bool,
});

/** The application's status, or undefined when it does not exist. */
export async function applicationStatus(db: Db, applicationId: number): Promise<string | undefined> {
  const row = await db('application').where({ id: applicationId }).first('status');
  return row?.status;
}

/** How many current (not removed) documents the application has. */
export async function countCurrentDocuments(db: Db, applicationId: number): Promise<number> {
  const [row] = await db('application_document').where({ application_id: applicationId }).whereNull('removed_at').count<{ n: number }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

/** Records a stored file; the new document with its id. */
export async function insertDocument(trx: Db, document: Omit<StoredDocument, 'id'>): Promise<StoredDocument> {
  const row = {
    application_id: document.applicationId,
    kind: document.kind,
    original_name: document.originalName,
    stored_name: document.storedName,
    mime: document.mime,
    size: document.size,
    sha256: document.sha256,
    uploaded_at: document.uploadedAt,
    removed_at: document.removedAt,
    archived: document.archived,
  };
  const id = await insertRow(trx, 'application_document', row);
  return { ...document, id };
}

/** The current (not removed) documents of an application, oldest first. */
export async function listDocuments(db: Db, applicationId: number): Promise<StoredDocument[]> {
  const rows = await db('application_document').where({ application_id: applicationId }).whereNull('removed_at').orderBy('id').select(DOCUMENT.columns);
  return rows.map(DOCUMENT.map);
}

/** The current documents not archived yet, oldest first. */
export async function documentsToArchive(trx: Db, applicationId: number): Promise<StoredDocument[]> {
  const rows = await trx('application_document')
    .where({ application_id: applicationId, archived: false })
    .whereNull('removed_at')
    .orderBy('id')
    .select(DOCUMENT.columns);
  return rows.map(DOCUMENT.map);
}

export async function markDocumentArchived(trx: Db, documentId: number): Promise<void> {
  await trx('application_document').where({ id: documentId }).update({ archived: true });
}

/** Marks a current, not archived document of the application removed; whether one was. */
export async function markDocumentRemoved(trx: Db, input: { applicationId: number; documentId: number; now: Date }): Promise<boolean> {
  const n = await trx('application_document')
    .where({ id: input.documentId, application_id: input.applicationId, archived: false })
    .whereNull('removed_at')
    .update({ removed_at: input.now.toISOString() });
  return n === 1;
}

/** A current document of the application, only if the application belongs to one of `accountIds` (when given). */
export async function findCurrentDocument(
  db: Db,
  input: { applicationId: number; documentId: number; accountIds?: number[] },
): Promise<StoredDocument | undefined> {
  const q = db('application_document as d')
    .join('application as a', 'a.id', 'd.application_id')
    .where({ 'd.id': input.documentId, 'd.application_id': input.applicationId })
    .whereNull('d.removed_at')
    .first(DOCUMENT.columns.map((c) => `d.${c}`));
  if (input.accountIds) q.whereIn('a.account_id', input.accountIds);
  const row = await q;
  return row ? DOCUMENT.map(row) : undefined;
}
