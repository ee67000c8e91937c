import type { Db } from '../../src/platform/db';
import { runSlot } from '../../src/jobs/coordinator';
import { freshDatabase, type FreshDatabase } from '../support/database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOW = new Date('2026-11-24T09:00:00Z');

/** Two instances = two Knex instances on one database (a SQLite file, or PostgreSQL with TEST_DATABASE_URL). */
describe('the job run coordinator (two instances sharing one database)', () => {
  let database: FreshDatabase;
  let a: Db;
  let b: Db;

  beforeAll(async () => {
    database = await freshDatabase();
    a = database.open();
    b = database.open();
  });
  afterAll(async () => {
    await a.destroy();
    await b.destroy();
    await database.drop();
  });

  it('runs the body exactly once when both instances ask for the same slot at once', async () => {
    let runs = 0;
    const body = async () => {
      runs++;
      await sleep(50);
      return { sent: 3 };
    };
    const [first, second] = await Promise.all([
      runSlot({ db: a }, { job: 'digest', slot: '2026-11-24', now: NOW, owner: 'instance-a' }, body),
      runSlot({ db: b }, { job: 'digest', slot: '2026-11-24', now: NOW, owner: 'instance-b' }, body),
    ]);
    expect(runs).toBe(1);
    expect([first.ran, second.ran].sort()).toEqual([false, true]);
    const loser = first.ran ? second : first;
    expect(loser).toMatchObject({ ran: false, reason: 'busy' });
    const rows = await a('job_run').where({ job: 'digest' });
    expect(rows).toHaveLength(1);
    expect(rows[0].finished_at >= NOW.toISOString() && rows[0].finished_at < '2026-11-24T09:01').toBe(true);
    expect(JSON.parse(rows[0].result)).toEqual({ sent: 3 });
  });

  it('does nothing for a finished slot and says so, from either instance', async () => {
    let runs = 0;
    const again = await runSlot({ db: b }, { job: 'digest', slot: '2026-11-24', now: new Date('2026-11-24T15:00:00Z') }, async () => ++runs);
    expect(again).toEqual({ ran: false, reason: 'finished', result: { sent: 3 } });
    expect(runs).toBe(0);
  });

  it('leaves a live lease alone and takes over a stale one (a crashed run) once', async () => {
    await a('job_run').insert({
      job: 'expire',
      slot: 's1',
      owner: 'crashed',
      started_at: '2026-11-24T08:00:00.000Z',
      lease_until: '2026-11-24T09:30:00.000Z',
      finished_at: null,
    });
    let runs = 0;
    const live = await runSlot({ db: a }, { job: 'expire', slot: 's1', now: NOW }, async () => ++runs);
    expect(live).toEqual({ ran: false, reason: 'busy', owner: 'crashed' });

    const later = new Date('2026-11-24T09:31:00Z');
    const [x, y] = await Promise.all([
      runSlot({ db: a }, { job: 'expire', slot: 's1', now: later, owner: 'instance-a' }, async () => ++runs),
      runSlot({ db: b }, { job: 'expire', slot: 's1', now: later, owner: 'instance-b' }, async () => ++runs),
    ]);
    expect(runs).toBe(1);
    const winner = x.ran ? x : y;
    expect(winner).toMatchObject({ ran: true, takenOver: true });
    const row = await b('job_run').where({ job: 'expire', slot: 's1' }).first();
    expect(row.finished_at).not.toBeNull();
    expect(row.owner).toBe(x.ran ? 'instance-a' : 'instance-b');
  });

  it('releases the lease when the body fails, so the slot can be retried at once', async () => {
    await expect(
      runSlot({ db: a }, { job: 'flaky', slot: 's1', now: NOW }, async () => {
        throw new Error('SMTP down');
      }),
    ).rejects.toThrow('SMTP down');
    const failed = await a('job_run').where({ job: 'flaky' }).first();
    expect(failed.finished_at).toBeNull();
    expect(JSON.parse(failed.result)).toEqual({ error: 'SMTP down' });
    const retry = await runSlot({ db: b }, { job: 'flaky', slot: 's1', now: NOW }, async () => 'ok');
    expect(retry).toEqual({ ran: true, result: 'ok', takenOver: true });
  });

  it('runs each slot once when many runs race from both instances', async () => {
    const runs: string[] = [];
    const attempts = Array.from({ length: 5 }, (_, slot) =>
      [a, b, a, b].map((db, i) =>
        runSlot({ db }, { job: 'race', slot: `s${slot}`, now: NOW, owner: `owner-${i}` }, async () => {
          runs.push(`s${slot}`);
          await sleep(10);
        }),
      ),
    ).flat();
    const outcomes = await Promise.all(attempts);
    expect(runs.sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(outcomes.filter((o) => o.ran)).toHaveLength(5);
  });

  it('keeps each slot separate: the next period runs again', async () => {
    let runs = 0;
    await runSlot({ db: a }, { job: 'daily', slot: '2026-11-24', now: NOW }, async () => ++runs);
    await runSlot({ db: a }, { job: 'daily', slot: '2026-11-25', now: NOW }, async () => ++runs);
    await runSlot({ db: b }, { job: 'daily', slot: '2026-11-25', now: NOW }, async () => ++runs);
    expect(runs).toBe(2);
  });
});
