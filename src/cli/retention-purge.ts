import { createLogger } from '../platform/logger';
import { purgeExpiredData } from '../core/retention/purge';
import { exitWith, withDatabase } from './command';

/**
 * npm run retention:purge [-- --dry-run] — erases the personal data of applications final for RETENTION_MONTHS and the
 * archived files of those final for ARCHIVE_RETENTION_YEARS (as the daily job does); --dry-run only counts them.
 */
const dryRun = process.argv.slice(2).includes('--dry-run');

exitWith(
  withDatabase(async (config, db) => {
    const r = await purgeExpiredData({ config, db, logger: createLogger(config.logLevel) }, new Date(), { dryRun });
    console.log(
      dryRun
        ? `Dry run: ${r.applications} application(s) would have their personal data erased, ${r.archiveFiles} archived file(s) would be deleted. Nothing was changed.`
        : `Retention purge: personal data erased for ${r.applications} application(s) (${r.pins} PIN(s), ${r.documents} document(s)); ${r.archiveFiles} archived file(s) deleted.`,
    );
    return 0;
  }),
);
