import crypto from 'node:crypto';
import type { Deps } from '../../platform/deps';
import { NotFoundError } from '../../lib/errors';
import { todayIn } from '../../lib/today';
import type { AuditContext } from '../../core/audit/audit';
import { parseStatusFile } from '../../core/issuer-status/file';
import { applyStatusRows, checkStatusRows, countOutcomes, type CheckedStatusRow, type ImportCounts } from '../../core/issuer-status/import';
import { claimUpload, findUpload, insertUpload, saveResult, type StatusUpload } from './repository';

/**
 * The issuer's status file uploaded by a platform administrator: parsed (a file refused whole throws
 * StatusFileRefused and nothing is kept), kept for the preview under a random token, checked against the applications
 * each time the preview is shown, and applied once (the upload is claimed first: a replayed form applies nothing).
 */

export class AlreadyApplied extends Error {
  constructor() {
    super('status file already applied');
    this.name = 'AlreadyApplied';
  }
}

export async function receiveStatusFile(
  deps: Pick<Deps, 'db' | 'config'>,
  actorId: number,
  file: { buffer: Buffer; name: string },
  now: Date,
): Promise<string> {
  const rows = parseStatusFile(file.buffer, todayIn(deps.config.timeZone, now));
  const token = crypto.randomBytes(24).toString('base64url');
  await insertUpload(deps.db, { token, uploadedBy: actorId, fileName: file.name, rows, now });
  return token;
}

async function uploadFor(deps: Pick<Deps, 'db'>, actorId: number, token: string): Promise<StatusUpload> {
  const upload = /^[A-Za-z0-9_-]{32}$/.test(token) ? await findUpload(deps.db, token, actorId) : undefined;
  if (!upload) throw new NotFoundError('status upload');
  return upload;
}

export async function previewStatusFile(
  deps: Pick<Deps, 'db'>,
  actorId: number,
  token: string,
): Promise<{ upload: StatusUpload; rows: CheckedStatusRow[]; counts: ImportCounts }> {
  const upload = await uploadFor(deps, actorId, token);
  const rows = await checkStatusRows(deps.db, upload.rows);
  return { upload, rows, counts: upload.result ?? countOutcomes(rows) };
}

export async function applyStatusFile(
  deps: Pick<Deps, 'db' | 'config'>,
  actorId: number,
  token: string,
  now: Date,
  audit: AuditContext,
): Promise<ImportCounts> {
  const upload = await uploadFor(deps, actorId, token);
  if (upload.consumedAt || !(await claimUpload(deps.db, upload.id, now))) throw new AlreadyApplied();
  const rows = await checkStatusRows(deps.db, upload.rows);
  const counts = await applyStatusRows(deps.db, rows, {
    now,
    timeZone: deps.config.timeZone,
    deliveryDays: deps.config.issuerStatus.deliveryDays,
    holidayCountry: deps.config.holidayCountry,
    actor: { type: 'admin', id: actorId },
    audit,
    source: 'upload',
  });
  await saveResult(deps.db, upload.id, counts);
  return counts;
}

/** A file name to show: no path, no control characters, at most 255 characters. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return clean || 'status.csv';
}
