import { insertRow, type Db } from '../../platform/db';

/** One archived file (table `archive_entry`). */
export interface ArchiveEntry {
  id: number;
  applicationId: number;
  kind: string;
  path: string;
  sha256: string;
  size: number;
  archivedAt: string;
}

/** How many files the application has in the archive. */
export async function countArchiveEntries(trx: Db, applicationId: number): Promise<number> {
  const [row] = await trx('archive_entry').where({ application_id: applicationId }).count<{ n: number }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

/** Records an archived file; the entry with its id. */
export async function insertArchiveEntry(trx: Db, entry: Omit<ArchiveEntry, 'id'>): Promise<ArchiveEntry> {
  const id = await insertRow(trx, 'archive_entry', {
    application_id: entry.applicationId,
    kind: entry.kind,
    path: entry.path,
    sha256: entry.sha256,
    size: entry.size,
    archived_at: entry.archivedAt,
  });
  return { ...entry, id };
}

/** The ledger: every recorded file's path, SHA-256 and size, in archiving order. */
export async function archiveLedger(db: Db): Promise<Array<{ path: string; sha256: string; size: number; purged_at: string | null }>> {
  return db('archive_entry').orderBy('id').select('path', 'sha256', 'size', 'purged_at');
}

/** The application's reference, for a download's file name. */
export async function applicationReference(db: Db, applicationId: number): Promise<string | undefined> {
  const row = await db('application').where({ id: applicationId }).first('reference');
  return row?.reference;
}
