import cron, { type ScheduledTask } from 'node-cron';
import type { Deps } from '../platform/deps';
import type { BackgroundWorker } from '../platform/background-worker';
import { DEFAULT_LEASE_MS, runSlot, type SlotOutcome } from './coordinator';
import { scheduleOf, type Job } from './job';
import { JOBS } from './registry';
import { cronExpression, slotFor } from './schedule';

interface JobReport {
  job: string;
  slot: string;
  outcome: SlotOutcome<unknown> | { ran: false; reason: 'error'; error: string };
}

interface Scheduler extends BackgroundWorker {
  /** Runs each job's current slot unless it has finished (what start() does first, after downtime). */
  catchUp(): Promise<JobReport[]>;
  /** Runs one job's current slot now, through the coordinator. */
  runDue(job: Job, fireDate?: Date): Promise<JobReport>;
  /** Resolves when the start-up catch-up and every run under way have settled. */
  idle(): Promise<void>;
}

/** Retries after an error or a lease held elsewhere (maybe by a crashed instance) while the slot is still current. */
const MAX_RETRIES = 3;
const ERROR_RETRY_MS = 5 * 60 * 1000;

/**
 * In-process scheduler on node-cron 4 (time zone from config, no overlap). Cron only says "now is a good time";
 * the job_run coordinator decides whether this instance runs the slot, so several instances and restarts run each
 * slot once. node-cron never replays slots missed while the process was down, hence the catch-up at start.
 */
export function createScheduler(deps: Deps, jobs: Job[] = JOBS, opts: { owner?: string; cron?: boolean } = {}): Scheduler {
  const { config, logger, clock } = deps;
  const tasks: ScheduledTask[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  };

  async function runDue(job: Job, fireDate?: Date, attempt = 0): Promise<JobReport> {
    const now = clock.now();
    // A cron tick may read the clock a hair before its due time: the fire date then names the slot.
    const at = fireDate && Math.abs(fireDate.getTime() - now.getTime()) < 60000 && fireDate > now ? fireDate : now;
    const slot = slotFor(scheduleOf(job, config), at, config.timeZone);
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    try {
      const outcome = await runSlot({ db: deps.db, logger, clock }, { job: job.name, slot, now, leaseMs, owner: opts.owner }, () => job.run(deps, now));
      if (outcome.ran) logger.info({ job: job.name, slot, result: outcome.result }, 'job ran');
      else logger.debug({ job: job.name, slot, reason: outcome.reason }, 'job slot skipped');
      if (!outcome.ran && outcome.reason === 'busy') retryLater(job, slot, leaseMs + 1000, attempt);
      return { job: job.name, slot, outcome };
    } catch (err) {
      logger.error({ err, job: job.name, slot }, 'job failed');
      retryLater(job, slot, ERROR_RETRY_MS, attempt);
      return { job: job.name, slot, outcome: { ran: false, reason: 'error', error: err instanceof Error ? err.message : String(err) } };
    }
  }

  function retryLater(job: Job, slot: string, delayMs: number, attempt: number): void {
    if (stopped || attempt >= MAX_RETRIES) return;
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      if (stopped || slotFor(scheduleOf(job, config), clock.now(), config.timeZone) !== slot) return;
      void track(runDue(job, undefined, attempt + 1));
    }, delayMs);
    timer.unref();
    retryTimers.add(timer);
  }

  async function catchUp(): Promise<JobReport[]> {
    const reports: JobReport[] = [];
    for (const job of jobs) {
      if (stopped) break;
      reports.push(await runDue(job));
    }
    return reports;
  }

  let startup: Promise<unknown> = Promise.resolve();

  return {
    name: 'scheduler',
    start() {
      stopped = false;
      if (opts.cron !== false) {
        for (const job of jobs) {
          tasks.push(
            cron.schedule(cronExpression(scheduleOf(job, config)), (ctx) => track(runDue(job, ctx.date)), {
              name: `sesame:${job.name}`,
              timezone: config.timeZone,
              noOverlap: true,
            }),
          );
        }
      }
      startup = track(catchUp());
    },
    async stop() {
      stopped = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      await Promise.all(
        tasks.map(async (t) => {
          await t.stop();
          await t.destroy();
        }),
      );
      tasks.length = 0;
      await Promise.allSettled([startup, ...inFlight]);
    },
    catchUp: () => track(catchUp()),
    runDue: (job, fireDate) => track(runDue(job, fireDate)),
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
