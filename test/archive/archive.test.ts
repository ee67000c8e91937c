import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { archiveDocuments, archiveFile, archiveRoot, formatArchiveReport, runArchiveVerify, verifyArchive } from '../../src/core/archive/archive';
import { listDocuments, removeDocument, saveDocument } from '../../src/core/application/documents';
import { ROOT_DIR } from '../../src/platform/root';
import { createTestContext, type TestContext } from '../support/app';
import { isSqlite } from '../../src/platform/db';
import { checkpointSqlite } from '../support/database';
import { givenApplicationRow } from '../support/builders';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(300), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(100)]);
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('write-once archive', () => {
  let ctx: TestContext;
  let applicationId: number;
  beforeEach(async () => {
    ctx = await createTestContext();
    applicationId = (await givenApplicationRow(ctx.deps.db)).id;
  });
  afterEach(() => ctx.close());

  const archive = (kind: string, buffer: Buffer, extension = 'pdf') =>
    ctx.deps.db.transaction((trx) => archiveFile(ctx.deps, trx, { applicationId, kind, extension, buffer, now: ctx.deps.clock.now() }));

  it('copies a file under DATA_DIR/archive/<application>/<n>-<kind>.<ext>, read-only, with its hash recorded', async () => {
    const entry = await archive('signed-pdf', PDF);
    expect(entry).toMatchObject({ applicationId, kind: 'signed-pdf', path: `archive/${applicationId}/1-signed-pdf.pdf`, sha256: sha(PDF), size: PDF.length });
    const file = path.join(ctx.dataDir, entry.path);
    expect(fs.readFileSync(file).equals(PDF)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o440);
    const recorded = await ctx.deps.db('archive_entry').where({ application_id: applicationId }).orderBy('id');
    expect(
      recorded.map((r) => ({
        id: Number(r.id),
        applicationId: Number(r.application_id),
        kind: r.kind,
        path: r.path,
        sha256: r.sha256,
        size: Number(r.size),
        archivedAt: r.archived_at,
      })),
    ).toEqual([entry]);
    const second = await archive('signed-pdf', PNG, 'png');
    expect(second.path).toBe(`archive/${applicationId}/2-signed-pdf.png`);
  });

  it('never overwrites an existing file: a name already taken moves to the next number', async () => {
    const dir = path.join(archiveRoot(ctx.dataDir), String(applicationId));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '1-signed-pdf.pdf'), 'left over by a rolled-back transaction');
    const entry = await archive('signed-pdf', PDF);
    expect(entry.path).toBe(`archive/${applicationId}/2-signed-pdf.pdf`);
    expect(fs.readFileSync(path.join(dir, '1-signed-pdf.pdf'), 'utf8')).toBe('left over by a rolled-back transaction');
  });

  it('refuses kinds and extensions that could leave the folder', async () => {
    await expect(archive('../../etc', PDF)).rejects.toThrow(/invalid archive kind/);
    await expect(archive('signed-pdf', PDF, 'p/df')).rejects.toThrow(/invalid archive extension/);
  });

  it('archives the current documents after checking their upload hash, and they can no longer be removed', async () => {
    const now = ctx.deps.clock.now();
    const saved = await ctx.deps.db.transaction((trx) =>
      saveDocument(ctx.deps, trx, { applicationId, kind: 'identity', file: { buffer: PNG, originalName: 'id.png' }, now }),
    );
    const removed = await ctx.deps.db.transaction((trx) =>
      saveDocument(ctx.deps, trx, { applicationId, kind: 'other', file: { buffer: PDF, originalName: 'x.pdf' }, now }),
    );
    if (!saved.ok || !removed.ok) throw new Error('upload failed');
    await removeDocument(ctx.deps.db, { applicationId, documentId: removed.document.id, now });
    const entries = await ctx.deps.db.transaction((trx) => archiveDocuments(ctx.deps, trx, applicationId, now));
    expect(entries).toEqual([
      expect.objectContaining({ kind: 'document-identity', path: `archive/${applicationId}/1-document-identity.png`, sha256: sha(PNG) }),
    ]);
    expect((await listDocuments(ctx.deps.db, applicationId))[0]?.archived).toBe(true);
    expect(await removeDocument(ctx.deps.db, { applicationId, documentId: saved.document.id, now })).toBe(false);
  });

  it('reports a clean archive, then a tampered file, a deleted file and an unrecorded file', async () => {
    const a = await archive('signed-pdf', PDF);
    const b = await archive('document-identity', PNG, 'png');
    expect(await verifyArchive(ctx.deps)).toEqual({ checked: 2, intact: 2, purged: 0, missing: [], changed: [], extra: [], clean: true });
    const lines: string[] = [];
    expect(await runArchiveVerify(ctx.deps, (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe('Result: the archive matches its ledger.');

    // Tamper: read-only does not stop a determined writer (chmod first), but the check sees it.
    const fileA = path.join(ctx.dataDir, a.path);
    fs.chmodSync(fileA, 0o640);
    fs.appendFileSync(fileA, 'tampered');
    fs.unlinkSync(path.join(ctx.dataDir, b.path));
    fs.writeFileSync(path.join(archiveRoot(ctx.dataDir), String(applicationId), 'planted.pdf'), 'x');

    const report = await verifyArchive(ctx.deps);
    expect(report).toMatchObject({ checked: 2, intact: 0, missing: [b.path], extra: [`archive/${applicationId}/planted.pdf`], clean: false });
    expect(report.changed).toEqual([{ path: a.path, expected: sha(PDF), found: sha(Buffer.concat([PDF, Buffer.from('tampered')])) }]);
    const out: string[] = [];
    expect(await runArchiveVerify(ctx.deps, (l) => out.push(l))).toBe(1);
    expect(formatArchiveReport(report)).toEqual(out);
    // One of each in the singular.
    expect(formatArchiveReport({ ...report, checked: 1, intact: 0, changed: [], missing: [b.path], extra: [] })).toEqual([
      'Archive check: 1 file recorded, 0 intact.',
      `MISSING  ${b.path}`,
      'Result: 1 difference found.',
    ]);
    expect(out).toEqual([
      'Archive check: 2 files recorded, 0 intact.',
      `CHANGED  ${a.path} (recorded sha256 ${sha(PDF)}, found ${report.changed[0]?.found})`,
      `MISSING  ${b.path}`,
      `EXTRA    archive/${applicationId}/planted.pdf (not recorded in the archive ledger)`,
      'Result: 3 differences found.',
    ]);
  });

  it('the archive:verify command exits 1 and prints the difference', async () => {
    const a = await archive('signed-pdf', PDF);
    fs.chmodSync(path.join(ctx.dataDir, a.path), 0o640);
    fs.writeFileSync(path.join(ctx.dataDir, a.path), 'replaced');
    if (isSqlite(ctx.deps.db)) await checkpointSqlite(ctx.deps.db);
    const run = promisify(execFile);
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const result = await run(tsx, [path.join(ROOT_DIR, 'src/cli/archive-verify.ts')], {
      env: { ...process.env, NODE_ENV: 'test', DATA_DIR: ctx.dataDir, ...(ctx.config.databaseUrl ? { DATABASE_URL: ctx.config.databaseUrl } : {}) },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`CHANGED  ${a.path}`);
  });
});
