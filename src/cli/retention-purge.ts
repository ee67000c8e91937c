import { counted } from '../lib/counted';
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
        ? `Dry run: ${counted(r.applications, 'application', 'applications')} would have their personal data erased, ${counted(r.archiveFiles, 'archived file', 'archived files')} would be deleted. Nothing was changed.`
        : `Retention purge: personal data erased for ${counted(r.applications, 'application', 'applications')} (${counted(r.pins, 'PIN', 'PINs')}, ${counted(r.documents, 'document', 'documents')}); ${counted(r.archiveFiles, 'archived file', 'archived files')} deleted.`,
    );
    return 0;
  }),
);
