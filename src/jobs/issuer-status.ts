import { processInbox } from '../core/issuer-status/inbox';
import type { Job } from './job';

/**
 * The issuer's status files dropped in the inbox folder (ISSUER_INBOX_DIR), imported every night at 03:00 (after the
 * issuer's nightly run); processed files go to done/. Idempotent: a file imported twice changes nothing the second time.
 */
export const issuerStatusJob: Job = {
  name: 'issuer-status-import',
  schedule: { kind: 'daily', at: '03:00' },
  run: (deps, now) => processInbox(deps, now),
};
