import type { Deps } from '../platform/deps';
import type { JobSchedule } from './schedule';

/**
 * A scheduled job: a plain async function of (deps, now) that tests call with a fixed clock. It must be idempotent
 * (select by state, unique idempotency keys), because a slot may be retried after a crash.
 */
export interface Job {
  /** Stable identifier, stored in job_run.job. */
  name: string;
  schedule: JobSchedule;
  /** How long a run may hold its slot before another instance may take it over (renewed while it runs). */
  leaseMs?: number;
  run(deps: Deps, now: Date): Promise<unknown>;
}
