import fs from 'node:fs';
import path from 'node:path';
import { documentsDir } from '../core/application/documents';
import { archiveRoot, verifyArchive } from '../core/archive/archive';
import { BACKUP_MANIFEST, backupSqlite } from '../platform/backup';
import { loadConfig } from '../platform/config';
import { openDb } from '../platform/db';
import { exitWith, withDatabase } from './command';

const USAGE = 'Usage: npm run backup -- DEST   (DEST: a new or empty folder)';

/**
 * `npm run backup -- DEST`: a consistent copy of the embedded SQLite database, the documents and the archive into DEST,
 * with a manifest (time, files, SHA-256), while the app runs. Exit 0 when written, 2 when refused or on error.
 * PostgreSQL: pg_dump plus a copy of the folders (README).
 */
async function run(): Promise<number> {
  const dest = process.argv[2];
  if (!dest || process.argv.length > 3) {
    console.error(USAGE);
    return 2;
  }
  if (loadConfig().databaseUrl?.startsWith('postgres')) {
    console.error('DATABASE_URL is PostgreSQL: back it up with pg_dump and copy DATA_DIR/documents and DATA_DIR/archive (see the README).');
    return 2;
  }
  return withDatabase(async (config, db) => {
    const manifest = await backupSqlite(db, {
      folders: { documents: documentsDir(config.dataDir), archive: archiveRoot(config.dataDir) },
      dest,
      now: new Date(),
      beforeManifest: matchArchiveToLedger,
    });
    const count = (folder: string) => manifest.files.filter((f) => f.path.startsWith(`${folder}/`)).length;
    console.log(
      `Backup written to ${dest}: the database, ${count('documents')} document file(s), ${count('archive')} archive file(s); ${BACKUP_MANIFEST} lists them with their SHA-256.`,
    );
    return 0;
  });
}

/**
 * The copied archive against the copied database's ledger: files archived after the database snapshot are removed from
 * the copy (the restored archive then matches its ledger, as `npm run archive:verify` checks); a file the ledger names
 * that is missing or changed fails the backup.
 */
async function matchArchiveToLedger(dest: string): Promise<void> {
  const copy = openDb({ dataDir: dest });
  try {
    const report = await verifyArchive({ config: { dataDir: dest }, db: copy });
    for (const extra of report.extra) fs.rmSync(path.join(dest, extra));
    const wrong = [...report.missing, ...report.changed.map((c) => c.path)];
    if (wrong.length > 0) throw new Error(`The copied archive does not match its ledger (${wrong.join(', ')}): the backup in ${dest} is incomplete.`);
  } finally {
    await copy.destroy();
  }
}

exitWith(run(), 2);
