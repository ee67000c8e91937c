import { purgeExpiredData } from '../core/retention/purge';
import type { Job } from './job';

/**
 * The retention purge (issue 13 part 5), every day at 04:00: personal data of applications final for RETENTION_MONTHS,
 * archived files of those final for ARCHIVE_RETENTION_YEARS (src/core/retention/purge.ts). Idempotent.
 */
export const retentionJob: Job = {
  name: 'retention-purge',
  schedule: { kind: 'daily', at: '04:00' },
  leaseMs: 30 * 60_000,
  run: (deps, now) => purgeExpiredData(deps, now),
};
