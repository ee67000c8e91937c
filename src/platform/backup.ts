import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isSqlite, type Db } from './db';

/** What `npm run backup -- DEST` writes beside the copies: when, and every file with its size and SHA-256. */
export interface BackupManifest {
  format: 'sesame-backup/1';
  createdAt: string;
  /** The database copy, relative to the backup folder. */
  database: string;
  /** Every copied file (the database included), relative to the backup folder, with `/` separators, sorted. */
  files: Array<{ path: string; bytes: number; sha256: string }>;
}

/** The database's name in a backup folder: the same as in DATA_DIR, so restoring is copying back. */
export const BACKUP_DATABASE = 'sesame.sqlite';
export const BACKUP_MANIFEST = 'manifest.json';

/** A backup that cannot be taken as asked (not SQLite, destination not empty…): the message says why. */
export class BackupRefused extends Error {}

/** The part of a better-sqlite3 connection used here (the package ships no types). */
interface RawSqliteConnection {
  backup(file: string, options: { progress(info: { totalPages: number; remainingPages: number }): number }): Promise<unknown>;
}

/**
 * A consistent copy of the embedded SQLite database and of the folders of files (`folders`: name in the backup →
 * folder), taken while the app runs. The database first, with SQLite's online backup API in one step: one read
 * snapshot of a committed state (WAL: writers are not blocked meanwhile). Then the folders: a document or archived
 * file is written before the row naming it and never deleted, so every file the copied database names is copied.
 * Files added after the snapshot are copied too, unnamed; `beforeManifest` may check or prune the copy against its
 * database. `dest` must not exist or be empty.
 */
export async function backupSqlite(
  db: Db,
  input: { folders: Record<string, string>; dest: string; now: Date; beforeManifest?: (dest: string) => Promise<void> },
): Promise<BackupManifest> {
  if (!isSqlite(db)) throw new BackupRefused('The backup command copies the embedded SQLite database; on PostgreSQL use pg_dump (see the README).');
  const dest = path.resolve(input.dest);
  if (fs.existsSync(dest) && (!fs.statSync(dest).isDirectory() || fs.readdirSync(dest).length > 0)) {
    throw new BackupRefused(`${dest} already exists and is not an empty folder: choose a new destination.`);
  }
  fs.mkdirSync(dest, { recursive: true, mode: 0o700 });

  const conn = (await db.client.acquireConnection()) as RawSqliteConnection;
  try {
    // The first step only opens the backup; the next one copies every page at once (2^31 - 1 pages), from one snapshot.
    await conn.backup(path.join(dest, BACKUP_DATABASE), { progress: () => 0x7fffffff });
  } finally {
    await db.client.releaseConnection(conn);
  }
  for (const [name, folder] of Object.entries(input.folders)) copyFolder(folder, path.join(dest, name));
  await input.beforeManifest?.(dest);

  const files = await Promise.all(
    walk(dest).map(async (file) => ({
      path: path.relative(dest, file).split(path.sep).join('/'),
      bytes: fs.statSync(file).size,
      sha256: await sha256File(file),
    })),
  );
  const manifest: BackupManifest = {
    format: 'sesame-backup/1',
    createdAt: input.now.toISOString(),
    database: BACKUP_DATABASE,
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  fs.writeFileSync(path.join(dest, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  return manifest;
}

/** Copies a folder tree (a missing folder is an empty one), keeping each file's mode (documents and archive: 0440). */
function copyFolder(from: string, to: string): void {
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyFolder(source, target);
    else if (entry.isFile()) fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL);
  }
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
