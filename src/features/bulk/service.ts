import type { Deps } from '../../platform/deps';
import { NotFoundError } from '../../lib/errors';
import { createInvitedApplications, type NewApplication, type Priority } from '../../core/application/create';
import { holdKey } from '../../core/application/repository';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { todayIn } from '../../lib/validators';
import { showControlCharacters } from '../../lib/control-characters';
import { parseUpload } from './parse';
import {
  consumeUpload,
  findKey,
  findUpload,
  insertBatch,
  insertUpload,
  linkUploadToBatch,
  openApplicationsByEmail,
  savePriorities,
  type BulkKey,
  type BulkUpload,
} from './repository';
import { checkRows, type CheckedRow } from './validate';

/**
 * Bulk send: upload (parse, store for the preview), preview (check every row, duplicates in the file and against
 * open applications on the key), priorities, and "Validate" (all valid rows initiated in one transaction with
 * their batch and e-mails 1 and 2 per row, once).
 */

/** Who acted and from where, for the audit log (from the route: auditRequestContext(req)). */

export interface BulkActor {
  id: number;
  accountIds: number[];
}

/** Why an upload or a validation cannot go on; `key` is the message's translation key. */
export class BulkRefused extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`bulk refused: ${key}`);
    this.name = 'BulkRefused';
  }
}

export class AlreadyValidated extends Error {
  constructor(readonly batchId: number | null) {
    super('upload already validated');
    this.name = 'AlreadyValidated';
  }
}

export class UrgentTermsRequired extends Error {
  constructor() {
    super('urgent terms not accepted');
    this.name = 'UrgentTermsRequired';
  }
}

export function isKeyExpired(key: BulkKey, timeZone: string, now: Date): boolean {
  return todayIn(timeZone, now) > key.expiresOn;
}

/** The key, if it belongs to one of the actor's BCs and is not deleted. */
export async function keyForBulk(deps: Deps, actor: BulkActor, keyId: number): Promise<BulkKey> {
  const key = Number.isSafeInteger(keyId) ? await findKey(deps.db, keyId, actor.accountIds) : undefined;
  if (!key || key.deletedAt) throw new NotFoundError('access key');
  return key;
}

/** Parses the file (refusing it whole on any file-level problem) and keeps its rows for the preview. */
export async function receiveUpload(deps: Deps, actor: BulkActor, key: BulkKey, file: { buffer: Buffer; name: string }, now: Date): Promise<number> {
  if (isKeyExpired(key, deps.config.timeZone, now)) throw new BulkRefused('bulk:start.keyExpired');
  const parsed = await parseUpload(file.buffer);
  return insertUpload(deps.db, {
    accessKeyId: key.id,
    accountId: key.accountId,
    uploadedBy: actor.id,
    fileName: file.name,
    fileType: parsed.fileType,
    rows: parsed.rows,
    ignoredColumns: parsed.ignoredColumns,
    now,
  });
}

/**
 * A file name to show and store: no path, no C0 control characters, the other control and bidi characters written
 * "[U+202E]" (lib/control-characters: a right-to-left override would reverse the name on the batch pages), at most
 * 255 characters.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = showControlCharacters(
    base
      .normalize('NFC')
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      .replace(/[\u0000-\u001f\u007f]/g, ''),
  )
    .trim()
    .slice(0, 255);
  return clean || 'fichier';
}

export async function uploadFor(deps: Deps, actor: BulkActor, uploadId: number): Promise<{ upload: BulkUpload; key: BulkKey }> {
  const upload = Number.isSafeInteger(uploadId) ? await findUpload(deps.db, uploadId, actor) : undefined;
  if (!upload) throw new NotFoundError('bulk upload');
  const key = await findKey(deps.db, upload.accessKeyId, actor.accountIds);
  if (!key) throw new NotFoundError('access key');
  return { upload, key };
}

/** Every row checked, including against the applications open on the key right now. */
export async function checkUpload(db: Deps['db'], upload: BulkUpload, now: Date, timeZone: string): Promise<CheckedRow[]> {
  const rows = checkRows(upload.rows, now, timeZone);
  const emails = rows.flatMap((r) => (r.application ? [r.application.email] : []));
  const open = await openApplicationsByEmail(db, upload.accessKeyId, emails);
  for (const row of rows) {
    const reference = row.application && open.get(row.application.email);
    if (reference) {
      row.errors.push({ column: 'email', key: 'bulk:rowErrors.duplicateOpen', params: { reference } });
      delete row.application;
    }
  }
  return rows;
}

export function isDuplicate(row: CheckedRow): boolean {
  return row.errors.some((e) => e.key === 'bulk:rowErrors.duplicateInFile' || e.key === 'bulk:rowErrors.duplicateOpen');
}

export interface PriorityChanges {
  /** Row number → priority, from the preview page's selects (the rows shown). */
  rows: Record<string, Priority>;
  /** "Set every row to": wins over the page's selects. */
  setAll?: Priority;
}

/** Applies the preview form's priority choices to what is stored; returns the new map. */
export async function changePriorities(deps: Deps, upload: BulkUpload, changes: PriorityChanges): Promise<Record<string, Priority>> {
  const next: Record<string, Priority> = Object.create(null);
  const known = new Set(upload.rows.map((r) => String(r.n)));
  if (changes.setAll) {
    if (changes.setAll === 'urgent') for (const n of known) next[n] = 'urgent';
  } else {
    Object.assign(next, upload.priorities);
    for (const [n, p] of Object.entries(changes.rows)) if (known.has(n)) next[n] = p;
  }
  if (!(await savePriorities(deps.db, upload.id, next))) throw new AlreadyValidated(upload.batchId);
  return next;
}

export function priorityOf(priorities: Record<string, Priority>, n: number): Priority {
  return priorities[String(n)] === 'urgent' ? 'urgent' : 'normal';
}

interface ValidationResult {
  batchId: number;
  created: number;
  rejected: number;
}

/**
 * Initiates every valid row in one transaction: the upload is claimed first (`consumed_at IS NULL`), so a second
 * click creates nothing; duplicates against open applications are checked again inside the transaction, with the
 * key's row held, so that another file (another tab, another administrator) or a controlled send on the same key
 * at the same moment waits and is then checked against these applications, and a deletion of the key cannot pass
 * in between (the key is read again under the hold).
 */
export async function validateUpload(
  deps: Deps,
  actor: BulkActor,
  uploadId: number,
  input: PriorityChanges & { urgentTermsAccepted: boolean },
  now: Date,
  audit: AuditContext = { actor: { type: 'admin', id: actor.id } },
): Promise<ValidationResult> {
  const { upload, key } = await uploadFor(deps, actor, uploadId);
  if (upload.consumedAt) throw new AlreadyValidated(upload.batchId);
  if (key.deletedAt) throw new NotFoundError('access key');
  if (isKeyExpired(key, deps.config.timeZone, now)) throw new BulkRefused('bulk:start.keyExpired');
  const priorities = await changePriorities(deps, upload, input);
  const checked = checkRows(upload.rows, now, deps.config.timeZone);
  const candidates = checked.filter((r) => r.application);
  if (candidates.some((r) => priorityOf(priorities, r.n) === 'urgent') && !input.urgentTermsAccepted) throw new UrgentTermsRequired();

  return deps.db.transaction(async (trx) => {
    await holdKey(trx, key.id);
    const current = await findKey(trx, key.id, actor.accountIds);
    if (!current || current.deletedAt) throw new NotFoundError('access key');
    if (!(await consumeUpload(trx, upload.id, now))) throw new AlreadyValidated(upload.batchId);
    const open = await openApplicationsByEmail(
      trx,
      key.id,
      candidates.map((r) => r.application!.email),
    );
    const valid = candidates.filter((r) => !open.has(r.application!.email));
    if (!valid.length) throw new BulkRefused('bulk:preview.errors.nothingValid');
    const batchId = await insertBatch(trx, {
      accessKeyId: key.id,
      accountId: key.accountId,
      fileName: upload.fileName,
      uploadedBy: actor.id,
      rowCount: valid.length,
      rejectedCount: upload.rows.length - valid.length,
      now,
    });
    const items: NewApplication[] = valid.map((r) => {
      const a = r.application!;
      return {
        accessKey: { id: key.id, accountId: key.accountId, number: key.number },
        origin: 'bulk',
        batchId,
        initiatedBy: actor.id,
        priority: priorityOf(priorities, r.n),
        title: a.title,
        firstName: a.firstName,
        lastName: a.lastName,
        email: a.email,
        language: a.language,
        prefill: a.prefill,
      };
    });
    await createInvitedApplications(trx, items, now);
    await linkUploadToBatch(trx, upload.id, batchId);
    const result = { batchId, created: valid.length, rejected: upload.rows.length - valid.length };
    await recordAudit(trx, {
      ...audit,
      at: now,
      action: 'bulk.validate',
      object: { type: 'bulk_batch', id: batchId },
      details: { accessKeyId: key.id, created: result.created, rejected: result.rejected },
    });
    return result;
  });
}
