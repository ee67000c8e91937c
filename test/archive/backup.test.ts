import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { saveDocument } from '../../src/core/application/documents';
import { archiveFile, verifyArchive } from '../../src/core/archive/archive';
import { openDb, type Db } from '../../src/platform/db';
import { ROOT_DIR } from '../../src/platform/root';
import { createTestContext, type TestContext } from '../support/app';
import { givenApplicationRow } from '../support/builders';

const run = promisify(execFile);
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const pdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(2000), Buffer.from('\n%%EOF\n')]);

interface Made {
  applicationId: number;
  reference: string;
  documents: Array<{ storedName: string; bytes: Buffer }>;
  signedPdf?: { path: string; bytes: Buffer };
}

/** `npm run backup -- DEST` (src/cli/backup.ts): the embedded database, documents and archive, while the app runs. */
describe('backup command', () => {
  let dataDir: string;
  let ctx: TestContext;
  const removeLater: string[] = [];

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-backup-data-'));
    // SQLite always (the command is for the embedded database), even when the suite runs on PostgreSQL.
    ctx = await createTestContext({ DATA_DIR: dataDir, DATABASE_URL: `sqlite:${path.join(dataDir, 'sesame.sqlite')}` });
    removeLater.push(dataDir);
  });
  afterEach(async () => {
    await ctx.close();
    for (const dir of removeLater.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const tempDir = (label: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sesame-backup-${label}-`));
    removeLater.push(dir);
    return dir;
  };

  function backup(dest: string, env: Record<string, string> = {}) {
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    return run(tsx, [path.join(ROOT_DIR, 'src', 'cli', 'backup.ts'), dest], {
      cwd: ROOT_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        DATABASE_URL: `sqlite:${path.join(dataDir, 'sesame.sqlite')}`,
        ...env,
      },
      timeout: 60000,
    }).then(
      (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
  }

  /** An application with two documents; `signed`: its signed PDF archived too. */
  async function makeApplication(signed: boolean): Promise<Made> {
    const db = ctx.deps.db;
    const now = ctx.deps.clock.now();
    const { id: applicationId, reference } = await givenApplicationRow(db);
    const documents: Made['documents'] = [];
    for (const kind of ['identity', 'proof_of_address']) {
      const bytes = pdf();
      const saved = await db.transaction((trx) =>
        saveDocument(ctx.deps, trx, { applicationId, kind, file: { buffer: bytes, originalName: `${kind}.pdf` }, now }),
      );
      if (!saved.ok) throw new Error(`document refused: ${saved.key}`);
      documents.push({ storedName: saved.document.storedName, bytes });
    }
    if (!signed) return { applicationId, reference, documents };
    const bytes = pdf();
    const entry = await db.transaction((trx) => archiveFile(ctx.deps, trx, { applicationId, kind: 'signed-pdf', extension: 'pdf', buffer: bytes, now }));
    return { applicationId, reference, documents, signedPdf: { path: entry.path, bytes } };
  }

  it('copies every application, document and archived PDF while the app writes; restored, the copy has them byte for byte', async () => {
    const made: Made[] = [];
    for (let i = 0; i < 6; i++) made.push(await makeApplication(i % 2 === 0));

    // The app keeps writing (applications, documents, signed PDFs) while the backup runs.
    let writing = true;
    const duringBackup = (async () => {
      let n = 0;
      while (writing) {
        await makeApplication(n++ % 2 === 0);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return n;
    })();
    const dest = path.join(tempDir('dest'), 'nightly');
    const result = await backup(dest);
    writing = false;
    expect(await duringBackup).toBeGreaterThan(0);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain(`Backup written to ${dest}`);

    // The manifest: when, and every file with its size and SHA-256 as copied.
    const manifest = JSON.parse(fs.readFileSync(path.join(dest, 'manifest.json'), 'utf8')) as {
      format: string;
      createdAt: string;
      database: string;
      files: Array<{ path: string; bytes: number; sha256: string }>;
    };
    expect(manifest.format).toBe('sesame-backup/1');
    expect(Number.isNaN(Date.parse(manifest.createdAt))).toBe(false);
    expect(manifest.database).toBe('sesame.sqlite');
    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    expect(listed.has('sesame.sqlite')).toBe(true);
    for (const file of manifest.files) {
      const bytes = fs.readFileSync(path.join(dest, file.path));
      expect({ path: file.path, bytes: bytes.length, sha256: sha(bytes) }).toEqual(file);
    }
    for (const m of made) {
      for (const d of m.documents) expect(listed.get(`documents/${d.storedName}`)?.sha256).toBe(sha(d.bytes));
      if (m.signedPdf) expect(listed.get(m.signedPdf.path)?.sha256).toBe(sha(m.signedPdf.bytes));
    }

    // Restore as the README says: into a new DATA_DIR, copy the database and the two folders back, open it.
    const restored = tempDir('restored');
    fs.copyFileSync(path.join(dest, 'sesame.sqlite'), path.join(restored, 'sesame.sqlite'));
    fs.cpSync(path.join(dest, 'documents'), path.join(restored, 'documents'), { recursive: true });
    fs.cpSync(path.join(dest, 'archive'), path.join(restored, 'archive'), { recursive: true });
    const db: Db = openDb({ dataDir: restored });
    try {
      expect(await db.raw('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      for (const m of made) {
        expect(await db('application').where({ id: m.applicationId }).first('reference')).toEqual({ reference: m.reference });
        const rows = await db('application_document').where({ application_id: m.applicationId }).orderBy('id').select('stored_name', 'sha256');
        expect(rows).toEqual(m.documents.map((d) => ({ stored_name: d.storedName, sha256: sha(d.bytes) })));
        for (const d of m.documents) expect(fs.readFileSync(path.join(restored, 'documents', d.storedName)).equals(d.bytes)).toBe(true);
        if (m.signedPdf) {
          expect(await db('archive_entry').where({ application_id: m.applicationId, kind: 'signed-pdf' }).pluck('path')).toEqual([m.signedPdf.path]);
          expect(fs.readFileSync(path.join(restored, m.signedPdf.path)).equals(m.signedPdf.bytes)).toBe(true);
        }
      }
      // One consistent state: every document the copied database names is there with its hash (those written during the
      // backup included), and the archive matches its ledger exactly (files archived after the snapshot are left out).
      for (const row of await db('application_document').select('stored_name', 'sha256')) {
        expect({ file: row.stored_name, sha256: sha(fs.readFileSync(path.join(restored, 'documents', row.stored_name))) }).toEqual({
          file: row.stored_name,
          sha256: row.sha256,
        });
      }
      const report = await verifyArchive({ config: { dataDir: restored }, db });
      expect({ missing: report.missing, changed: report.changed, extra: report.extra }).toEqual({ missing: [], changed: [], extra: [] });
      expect(report.intact).toBeGreaterThanOrEqual(made.filter((m) => m.signedPdf).length);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a destination that is not empty, and PostgreSQL (pointing to pg_dump), changing nothing', async () => {
    const dest = tempDir('full');
    fs.writeFileSync(path.join(dest, 'keep.txt'), 'an earlier backup');
    const full = await backup(dest);
    expect(full.code).toBe(2);
    expect(full.stderr).toContain('already exists and is not an empty folder');
    expect(fs.readdirSync(dest)).toEqual(['keep.txt']);

    const postgres = await backup(path.join(tempDir('pg'), 'b'), { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(postgres.code).toBe(2);
    expect(postgres.stderr).toContain('pg_dump');

    const usage = await backup('');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run backup -- DEST');
  });
});
