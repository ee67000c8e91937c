import type { Deps } from '../platform/deps';
import type { Job } from './job';
import { pruneJobRuns } from './coordinator';
import { purgeOldCounters } from '../core/throttle/attempt-counter';

/** Run records are kept this long, for diagnosis; older ones are deleted. */
const JOB_RUN_RETENTION_DAYS = 30;

/** Deletes expired sessions (admin and employee), old job run records and attempt counters that no longer matter. */
export async function purgeExpired(
  deps: Pick<Deps, 'db' | 'sessionStore'>,
  now: Date,
): Promise<{ sessions: number; jobRuns: number; attemptCounters: number }> {
  const sessions = await deps.sessionStore.purgeExpired();
  const jobRuns = await pruneJobRuns(deps.db, new Date(now.getTime() - JOB_RUN_RETENTION_DAYS * 86400000));
  const attemptCounters = await purgeOldCounters(deps.db, now);
  return { sessions, jobRuns, attemptCounters };
}

export const purgeJob: Job = {
  name: 'purge-sessions',
  schedule: { kind: 'interval', minutes: 15 },
  run: (deps, now) => purgeExpired(deps, now),
};
