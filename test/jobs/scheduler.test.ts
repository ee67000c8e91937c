import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cron from 'node-cron';
import { loadConfig } from '../../src/platform/config';
import { openDb } from '../../src/platform/db';
import type { Deps } from '../../src/platform/deps';
import type { Job } from '../../src/jobs/job';
import { JOBS } from '../../src/jobs/registry';
import { createScheduler } from '../../src/jobs/scheduler';
import { startServer } from '../../src/server';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { freshDatabase, type FreshDatabase } from '../support/database';

/** A daily 00:30 job (like the digest) that counts its runs per slot. */
function countingJob(runs: string[], name = 'test-digest'): Job {
  return {
    name,
    schedule: { kind: 'daily', at: '00:30' },
    run: async (_deps, now) => {
      runs.push(now.toISOString());
      return { runs: runs.length };
    },
  };
}

describe('the scheduler', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let database: FreshDatabase;
  beforeEach(async () => {
    // 09:00 in Paris on 24 November: today's 00:30 run was missed while the service was down
    clock = new TestClock(new Date('2026-11-24T08:00:00Z'));
    database = await freshDatabase(); // PostgreSQL when TEST_DATABASE_URL is set
    ctx = await createTestContext({ DATABASE_URL: database.url }, { clock });
  });
  afterEach(async () => {
    await ctx.close();
    await database.drop();
  });

  it('catches up a missed 00:30 run once at start, and not again at a second start the same day', async () => {
    const runs: string[] = [];
    const first = createScheduler(ctx.deps, [countingJob(runs)], { cron: false });
    first.start();
    await first.idle();
    await first.stop();
    expect(runs).toEqual(['2026-11-24T08:00:00.000Z']);
    expect(await ctx.deps.db('job_run').where({ job: 'test-digest' }).select('slot')).toEqual([{ slot: '2026-11-24' }]);

    clock.current = new Date('2026-11-24T15:00:00Z');
    const second = createScheduler(ctx.deps, [countingJob(runs)], { cron: false });
    second.start();
    await second.idle();
    await second.stop();
    expect(runs).toHaveLength(1);

    // 00:15 the next day: the 25th's run is not due yet; at 00:31 it is
    clock.current = new Date('2026-11-24T23:15:00Z');
    const third = createScheduler(ctx.deps, [countingJob(runs)], { cron: false });
    expect((await third.catchUp())[0]).toMatchObject({ slot: '2026-11-24', outcome: { ran: false, reason: 'finished' } });
    clock.current = new Date('2026-11-24T23:31:00Z');
    expect((await third.catchUp())[0]).toMatchObject({ slot: '2026-11-25', outcome: { ran: true } });
    expect(runs).toHaveLength(2);
  });

  it('runs a missed slot once when two instances start at the same time on one database', async () => {
    const runs: string[] = [];
    const otherDb = database.open();
    try {
      const other: Deps = { ...ctx.deps, db: otherDb };
      const one = createScheduler(ctx.deps, [countingJob(runs)], { cron: false, owner: 'instance-1' });
      const two = createScheduler(other, [countingJob(runs)], { cron: false, owner: 'instance-2' });
      one.start();
      two.start();
      await Promise.all([one.idle(), two.idle()]);
      await Promise.all([one.stop(), two.stop()]);
      expect(runs).toHaveLength(1);
    } finally {
      await otherDb.destroy();
    }
  });

  it('records a failed run, keeps going with the other jobs, and runs the slot again at the next start', async () => {
    let attempts = 0;
    const flaky: Job = {
      name: 'test-flaky',
      schedule: { kind: 'daily', at: '00:30' },
      run: async () => {
        attempts++;
        if (attempts === 1) throw new Error('database busy');
        return { ok: true };
      },
    };
    const runs: string[] = [];
    const scheduler = createScheduler(ctx.deps, [flaky, countingJob(runs)], { cron: false });
    const reports = await scheduler.catchUp();
    await scheduler.stop();
    expect(reports.map((r) => r.outcome)).toEqual([
      { ran: false, reason: 'error', error: 'database busy' },
      { ran: true, result: { runs: 1 }, takenOver: false },
    ]);
    expect(ctx.logs.join('')).toContain('job failed');

    const again = createScheduler(ctx.deps, [flaky], { cron: false });
    expect((await again.catchUp())[0]?.outcome).toMatchObject({ ran: true, result: { ok: true } });
    await again.stop();
  });

  it('schedules every registered job with node-cron in the configured time zone, and removes them at stop', async () => {
    const scheduler = createScheduler(ctx.deps, [countingJob([])]);
    scheduler.start();
    try {
      const task = [...cron.getTasks().values()].find((t) => t.name === 'sesame:test-digest');
      expect(task).toBeDefined();
      // next 00:30 in Paris (winter time) from the real current date
      const next = task?.getNextRun();
      expect(next).toBeInstanceOf(Date);
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next as Date)).toBe(
        '00:30',
      );
    } finally {
      await scheduler.stop();
    }
    expect([...cron.getTasks().values()].some((t) => t.name === 'sesame:test-digest')).toBe(false);
  });

  it('registers the session purge, expiry and reminder jobs', () => {
    expect(JOBS.map((j) => j.name)).toEqual(expect.arrayContaining(['purge-sessions', 'expire-applications', 'send-reminders']));
    expect(new Set(JOBS.map((j) => j.name)).size).toBe(JOBS.length);
  });
});

describe('the server', () => {
  it('starts the scheduler, which catches up every job once, and stops it on close', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-sched-'));
    const config = loadConfig({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
    const running = await startServer(config);
    try {
      await running.close();
      const db = openDb({ dataDir });
      try {
        const rows = await db('job_run').whereNotNull('finished_at').select('job');
        expect(rows.map((r: { job: string }) => r.job).sort()).toEqual(JOBS.map((j) => j.name).sort());
      } finally {
        await db.destroy();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
