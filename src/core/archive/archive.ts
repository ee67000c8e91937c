import { counted } from '../../lib/counted';
import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../platform/config';
import { sha256Hex } from '../../lib/download';
import { documentsDir } from '../application/documents';
import { documentsToArchive, markDocumentArchived } from '../application/documents-repository';
import { applicationReference, archiveLedger, countArchiveEntries, findSignedPdfBySha256, insertArchiveEntry, type ArchiveEntry } from './archive-repository';
import { findSignature } from '../application/signatures-repository';

/**
 * The write-once archive of signed applications: the signed PDF and the supporting documents are copied under
 * DATA_DIR/archive/<applicationId>/<n>-<kind>.<ext>, created with O_EXCL ('wx': an existing file is never
 * overwritten), read-only (0440) and synced to disk; each file's SHA-256 and size go into archive_entry.
 * verifyArchive re-hashes everything and reports missing, changed and unrecorded files (npm run archive:verify).
 */
export function archiveRoot(dataDir: string): string {
  return path.resolve(dataDir, 'archive');
}

/** Absolute path of a recorded entry, refusing anything that would leave the archive folder. */
function resolveEntry(dataDir: string, relative: string): string {
  const root = archiveRoot(dataDir);
  const full = path.resolve(dataDir, relative);
  if (!full.startsWith(root + path.sep)) throw new Error(`archive entry outside the archive: ${relative}`);
  return full;
}

/**
 * Archives one file (from a buffer or a path) for an application. The file is written before its row; if the row
 * cannot be written the new file is removed. Call inside the signing transaction.
 */
export async function archiveFile(
  deps: { config: Pick<Config, 'dataDir'> },
  trx: Db,
  input: { applicationId: number; kind: string; extension: string; buffer?: Buffer; sourcePath?: string; now: Date },
): Promise<ArchiveEntry> {
  if (!/^[a-z0-9_-]{1,40}$/.test(input.kind)) throw new Error(`invalid archive kind ${input.kind}`);
  if (!/^[a-z0-9]{1,5}$/.test(input.extension)) throw new Error(`invalid archive extension ${input.extension}`);
  if (!Number.isInteger(input.applicationId) || input.applicationId <= 0) throw new Error('invalid application id');
  const content = input.buffer ?? (input.sourcePath ? await fs.promises.readFile(input.sourcePath) : undefined);
  if (!content) throw new Error('archiveFile needs a buffer or a sourcePath');

  const dir = path.join(archiveRoot(deps.config.dataDir), String(input.applicationId));
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o750 });
  let n = (await countArchiveEntries(trx, input.applicationId)) + 1;
  let handle: fs.promises.FileHandle | undefined;
  let name = '';
  // Never overwrite: if the name is taken (e.g. a file left by a rolled-back transaction), take the next number.
  while (!handle) {
    name = `${n}-${input.kind}.${input.extension}`;
    try {
      handle = await fs.promises.open(path.join(dir, name), 'wx', 0o440);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      n++;
    }
  }
  const full = path.join(dir, name);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    return await insertArchiveEntry(trx, {
      applicationId: input.applicationId,
      kind: input.kind,
      path: path.relative(path.resolve(deps.config.dataDir), full).split(path.sep).join('/'),
      sha256: crypto.createHash('sha256').update(content).digest('hex'),
      size: content.length,
      archivedAt: input.now.toISOString(),
    });
  } catch (err) {
    await fs.promises.rm(full, { force: true });
    throw err;
  }
}

/**
 * Archives the application's current supporting documents (kind `document-<kind>`) and marks them archived, after
 * checking each still has the SHA-256 recorded at upload. Returns the entries in document order.
 */
export async function archiveDocuments(deps: { config: Pick<Config, 'dataDir'> }, trx: Db, applicationId: number, now: Date): Promise<ArchiveEntry[]> {
  const docs = await documentsToArchive(trx, applicationId);
  const out: ArchiveEntry[] = [];
  for (const doc of docs) {
    const buffer = await fs.promises.readFile(path.join(documentsDir(deps.config.dataDir), path.basename(doc.storedName)));
    const sha256 = crypto.createHash('sha256').update(buffer).digest('hex');
    if (sha256 !== doc.sha256) throw new Error(`document ${doc.id} does not match the hash recorded at upload`);
    const extension = ({ 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' } as Record<string, string>)[doc.mime] ?? 'bin';
    out.push(await archiveFile(deps, trx, { applicationId, kind: `document-${doc.kind}`.replace(/_/g, '-'), extension, buffer, now }));
    await markDocumentArchived(trx, doc.id);
  }
  return out;
}

interface ArchiveReport {
  checked: number;
  intact: number;
  /** Files deleted at the end of their retention period (the retention purge): recorded as purged, not missing. */
  purged: number;
  missing: string[];
  changed: Array<{ path: string; expected: string; found: string }>;
  extra: string[];
  clean: boolean;
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Re-hashes every recorded file and lists what is missing, changed, or present without a record. */
export async function verifyArchive(deps: { config: Pick<Config, 'dataDir'>; db: Db }): Promise<ArchiveReport> {
  const dataDir = path.resolve(deps.config.dataDir);
  const rows = await archiveLedger(deps.db);
  const report: ArchiveReport = { checked: rows.length, intact: 0, purged: 0, missing: [], changed: [], extra: [], clean: true };
  const recorded = new Set<string>();
  for (const row of rows) {
    const full = resolveEntry(dataDir, row.path);
    recorded.add(full);
    if (row.purged_at) {
      report.purged++;
      continue;
    }
    let found: string;
    try {
      found = await sha256File(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        report.missing.push(row.path);
        continue;
      }
      throw err;
    }
    if (found !== row.sha256) report.changed.push({ path: row.path, expected: row.sha256, found });
    else report.intact++;
  }
  report.extra = walk(archiveRoot(dataDir))
    .filter((f) => !recorded.has(f))
    .map((f) => path.relative(dataDir, f).split(path.sep).join('/'))
    .sort();
  report.clean = report.missing.length === 0 && report.changed.length === 0 && report.extra.length === 0;
  return report;
}

/** The report as lines for the command line (paths and hashes only: no personal data). */
export function formatArchiveReport(report: ArchiveReport): string[] {
  const lines = [
    `Archive check: ${counted(report.checked, 'file', 'files')} recorded, ${report.intact} intact` +
      (report.purged ? `, ${report.purged} purged at the end of their retention period.` : '.'),
  ];
  for (const c of report.changed) lines.push(`CHANGED  ${c.path} (recorded sha256 ${c.expected}, found ${c.found})`);
  for (const m of report.missing) lines.push(`MISSING  ${m}`);
  for (const e of report.extra) lines.push(`EXTRA    ${e} (not recorded in the archive ledger)`);
  const differences = report.changed.length + report.missing.length + report.extra.length;
  lines.push(differences === 0 ? 'Result: the archive matches its ledger.' : `Result: ${counted(differences, 'difference', 'differences')} found.`);
  return lines;
}

/** What `npm run archive:verify` runs: prints the report; exit code 0 when clean, 1 on differences. */
export async function runArchiveVerify(deps: { config: Pick<Config, 'dataDir'>; db: Db }, print: (line: string) => void): Promise<number> {
  const report = await verifyArchive(deps);
  for (const line of formatArchiveReport(report)) print(line);
  return report.clean ? 0 : 1;
}

/** An archived file that does not match the hash recorded when it was archived (or lies outside the archive). */
class ArchiveIntegrityError extends Error {}

/**
 * A signed version's PDF from the archive, re-hashed against the SHA-256 recorded at signing (a tampered file is never
 * served as the signed document: ArchiveIntegrityError). Undefined when that version does not exist. The caller decides
 * who may read it (the employee's session; an administrator's BC scope) and sends it with pdfHeaders().
 */
export async function readSignedPdf(
  deps: { config: { dataDir: string }; db: Db },
  applicationId: number,
  version: number,
): Promise<{ pdf: Buffer; fileName: string } | undefined> {
  if (!Number.isInteger(version) || version < 1) return undefined;
  const signature = await findSignature(deps.db, applicationId, version);
  if (!signature) return undefined;
  const reference = await applicationReference(deps.db, applicationId);
  const root = archiveRoot(deps.config.dataDir);
  const file = path.resolve(deps.config.dataDir, signature.archivePath);
  if (!file.startsWith(root + path.sep)) throw new ArchiveIntegrityError(`signature ${signature.id} points outside the archive`);
  const pdf = await fs.promises.readFile(file);
  if (sha256Hex(pdf) !== signature.pdfSha256)
    throw new ArchiveIntegrityError(`archived signed PDF of application ${applicationId} v${version} does not match its recorded hash`);
  return { pdf, fileName: `application-${reference ?? applicationId}-signed-v${version}.pdf` };
}

/** A reference with all but its first two and last two characters hidden: 4912345625 → 49******25. */
export function maskReference(reference: string): string {
  if (reference.length <= 4) return '*'.repeat(reference.length);
  return `${reference.slice(0, 2)}${'*'.repeat(reference.length - 4)}${reference.slice(-2)}`;
}

/**
 * What the public verify page may say about a PDF (issue 17 part 3): whether these bytes are a signed PDF archived by
 * Sésame (by their SHA-256), its reference masked, when it was signed and whether a later signed version exists —
 * nothing else about the application.
 */
export async function verifySignedCopy(db: Db, pdf: Buffer): Promise<{ maskedReference: string; signedAt: string; laterVersion: boolean } | undefined> {
  const found = await findSignedPdfBySha256(db, sha256Hex(pdf));
  if (!found) return undefined;
  return { maskedReference: maskReference(found.reference), signedAt: found.signedAt, laterVersion: found.latestVersion > found.version };
}
