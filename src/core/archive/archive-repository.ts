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

/**
 * The signed PDF archived with this SHA-256 (its file not purged), if any: the application's reference, when it was
 * signed, and the latest version signed for that application.
 */
export async function findSignedPdfBySha256(
  db: Db,
  sha256: string,
): Promise<{ reference: string; version: number; signedAt: string; latestVersion: number } | undefined> {
  const row = await db('signature as s')
    .join('application as a', 'a.id', 's.application_id')
    .join('archive_entry as e', function joinEntry() {
      this.on('e.application_id', '=', 's.application_id').andOn('e.path', '=', 's.archive_path');
    })
    .where('s.pdf_sha256', sha256)
    .andWhere('e.sha256', sha256)
    .whereNull('e.purged_at')
    .orderBy('s.id', 'desc')
    .first('a.reference', 's.version', 's.signed_at', 's.application_id');
  if (!row) return undefined;
  const [latest] = await db('signature').where({ application_id: row.application_id }).max<{ v: number }[]>({ v: 'version' });
  return { reference: row.reference, version: Number(row.version), signedAt: row.signed_at, latestVersion: Number(latest?.v ?? row.version) };
}
