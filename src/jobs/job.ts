import type { Config } from '../platform/config';
import type { Deps } from '../platform/deps';
import type { JobSchedule } from './schedule';

/**
 * A scheduled job: a plain async function of (deps, now) that tests call with a fixed clock. It must be idempotent
 * (select by state, unique idempotency keys), because a slot may be retried after a crash.
 */
export interface Job {
  /** Stable identifier, stored in job_run.job. */
  name: string;
  /** Fixed, or read from the configuration (e.g. TRANSMISSION_CRON). */
  schedule: JobSchedule | ((config: Pick<Config, 'transmission'>) => JobSchedule);
  /** How long a run may hold its slot before another instance may take it over (renewed while it runs). */
  leaseMs?: number;
  run(deps: Deps, now: Date): Promise<unknown>;
}

/** The job's schedule under this configuration. */
export function scheduleOf(job: Pick<Job, 'schedule'>, config: Pick<Config, 'transmission'>): JobSchedule {
  return typeof job.schedule === 'function' ? job.schedule(config) : job.schedule;
}
