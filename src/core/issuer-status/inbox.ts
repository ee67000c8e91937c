import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from '../../platform/deps';
import { todayIn } from '../../lib/today';
import type { Actor } from '../application/status';
import type { AuditContext } from '../audit/audit';
import { StatusFileRefused, parseStatusFile } from './file';
import { applyStatusRows, checkStatusRows, type CheckedStatusRow, type ImportCounts } from './import';

/**
 * A status file imported in one go (the command line, the nightly inbox job): read, check, apply the lines that can
 * be applied. A file refused whole changes nothing (StatusFileRefused is thrown).
 */
export async function importStatusFile(
  deps: Pick<Deps, 'db' | 'config'>,
  buffer: Buffer,
  opts: { now: Date; source: 'cli' | 'inbox'; actor?: Actor; audit?: AuditContext },
): Promise<{ counts: ImportCounts; rows: CheckedStatusRow[] }> {
  const rows = await checkStatusRows(deps.db, parseStatusFile(buffer, todayIn(deps.config.timeZone, opts.now)));
  const actor: Actor = opts.actor ?? { type: 'system' };
  const counts = await applyStatusRows(deps.db, rows, {
    now: opts.now,
    timeZone: deps.config.timeZone,
    deliveryDays: deps.config.issuerStatus.deliveryDays,
    holidayCountry: deps.config.holidayCountry,
    actor,
    audit: opts.audit ?? { actor: { type: 'system' } },
    source: opts.source,
  });
  return { counts, rows };
}

export interface InboxResult {
  files: Array<{ name: string; counts?: ImportCounts; refused?: string }>;
}

/** Moves a processed file aside without ever overwriting one already there (a file of the same name next night). */
function moveTo(dir: string, file: string, now: Date): void {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  fs.renameSync(file, path.join(dir, `${stamp}-${path.basename(file)}`));
}

/**
 * The nightly job's work: every `*.csv` file of the inbox (ISSUER_INBOX_DIR), oldest name first, imported, then moved
 * to `done/` (a file refused whole goes to `rejected/`, its reason in the log). A file is moved only after its import
 * committed, so a crash leaves it in the inbox and the next run imports it again: its lines are then "already done".
 */
export async function processInbox(deps: Pick<Deps, 'db' | 'config' | 'logger'>, now: Date): Promise<InboxResult> {
  const dir = deps.config.issuerStatus.inboxDir;
  const result: InboxResult = { files: [] };
  if (!fs.existsSync(dir)) return result;
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const { counts } = await importStatusFile(deps, fs.readFileSync(file), { now, source: 'inbox' });
      moveTo(path.join(dir, 'done'), file, now);
      deps.logger.info({ file: name, ...counts }, 'issuer status file imported');
      result.files.push({ name, counts });
    } catch (err) {
      if (!(err instanceof StatusFileRefused)) throw err;
      moveTo(path.join(dir, 'rejected'), file, now);
      deps.logger.warn({ file: name, reason: err.key }, 'issuer status file refused');
      result.files.push({ name, refused: err.key });
    }
  }
  return result;
}
