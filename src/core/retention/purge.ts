import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from '../../platform/deps';
import { refreshPlannerStatistics } from '../../platform/db';
import { documentsDir } from '../application/documents';
import { erasePins } from '../application/pin-repository';
import { archiveRoot } from '../archive/archive';
import { recordAudit } from '../audit/audit';
import { archiveCutoff, personalDataCutoff } from './rules';
import {
  applicationsToErase,
  archiveEntriesToPurge,
  countApplicationsToErase,
  countArchiveEntriesToPurge,
  erasePersonalData,
  markArchivePurged,
} from './repository';

/**
 * The retention purge (issue 13 part 5), run daily by src/jobs/retention.ts and by `npm run retention:purge
 * [-- --dry-run]`:
 *  1. applications final for RETENTION_MONTHS: their personal data erased (repository erasePersonalData), their PIN
 *     erased (the core's erasePins), their uploaded documents deleted from disk;
 *  2. applications final for ARCHIVE_RETENTION_YEARS: their archived files (signed PDFs, archived documents) deleted and
 *     recorded as purged in the archive ledger, so `npm run archive:verify` reports them as purged, not missing.
 * In pages of 500, one transaction each; files are deleted after their transaction commits. Selected by state, so a
 * re-run (or a second instance) finds nothing left to do. One audit entry per run that purged anything: counts only.
 */

export interface PurgeResult {
  dryRun: boolean;
  applications: number;
  pins: number;
  documents: number;
  archiveFiles: number;
}

/**
 * Applications erased per transaction. Each transaction also writes one new segment of the search index (FTS5 on
 * SQLite), which later merges cost: over 100,000 applications, pages of 500 took 10.3 s of CPU, of 2,000 5.4 s, of
 * 5,000 4.1 s. 2,000 keeps each transaction (which holds SQLite's write lock) near 100 ms.
 */
const PAGE = 2000;

function removeFile(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // A file that cannot be removed now is left; its record is erased, so it is no longer reachable.
  }
}

export async function purgeExpiredData(deps: Pick<Deps, 'db' | 'config' | 'logger'>, now: Date, opts: { dryRun?: boolean } = {}): Promise<PurgeResult> {
  const { db, config } = deps;
  const personalCutoff = personalDataCutoff(now, config.retention.months);
  const filesCutoff = archiveCutoff(now, config.retention.archiveYears);
  if (opts.dryRun) {
    return {
      dryRun: true,
      applications: await countApplicationsToErase(db, personalCutoff),
      pins: 0,
      documents: 0,
      archiveFiles: await countArchiveEntriesToPurge(db, filesCutoff),
    };
  }
  const result: PurgeResult = { dryRun: false, applications: 0, pins: 0, documents: 0, archiveFiles: 0 };
  await refreshPlannerStatistics(db);
  const docsDir = documentsDir(config.dataDir);

  let afterId = 0;
  for (;;) {
    const ids = await applicationsToErase(db, { cutoff: personalCutoff, afterId, limit: PAGE });
    if (!ids.length) break;
    const { documents } = await db.transaction(async (trx) => {
      result.pins += await erasePins(trx, ids, now);
      return erasePersonalData(trx, ids, now);
    });
    for (const name of documents) removeFile(path.join(docsDir, path.basename(name)));
    result.applications += ids.length;
    result.documents += documents.length;
    afterId = ids[ids.length - 1] as number;
    if (ids.length < PAGE) break;
  }

  const root = archiveRoot(config.dataDir);
  // Archived files are under DATA_DIR/archive, but for the files of complaints received before complaints moved onto
  // threads (migration 20261208_700), which stayed in DATA_DIR/complaints: any file inside DATA_DIR is removed.
  const dataRoot = path.resolve(config.dataDir);
  let afterEntry = 0;
  for (;;) {
    const entries = await archiveEntriesToPurge(db, { cutoff: filesCutoff, afterId: afterEntry, limit: PAGE });
    if (!entries.length) break;
    const applicationIds = [...new Set(entries.map((e) => e.applicationId))];
    await db.transaction((trx) =>
      markArchivePurged(
        trx,
        entries.map((e) => e.id),
        applicationIds,
        now,
      ),
    );
    for (const e of entries) {
      const full = path.resolve(config.dataDir, e.path);
      if (full.startsWith(dataRoot + path.sep)) removeFile(full);
    }
    for (const id of applicationIds) {
      try {
        fs.rmdirSync(path.join(root, String(id)));
      } catch {
        // not empty (a later version) or already gone
      }
    }
    result.archiveFiles += entries.length;
    afterEntry = entries[entries.length - 1]!.id;
    if (entries.length < PAGE) break;
  }

  if (result.applications || result.archiveFiles) {
    const { dryRun: _dryRun, ...counts } = result;
    await recordAudit(db, {
      actor: { type: 'system' },
      at: now,
      action: 'retention.purge',
      details: { ...counts, retentionMonths: config.retention.months, archiveRetentionYears: config.retention.archiveYears },
    });
    deps.logger.info(counts, 'retention purge');
  }
  return result;
}
