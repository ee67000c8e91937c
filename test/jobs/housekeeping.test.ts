import { JOBS } from '../../src/jobs/registry';
import { contextPerTest, type TestContext } from '../support/app';

const HOUR = 3600000;
/** Far from today, so a purge that read the wall clock instead of the job's `now` would keep or drop other rows. */
const NOW = new Date('2031-03-10T12:00:00Z');
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString();

describe('the housekeeping job', () => {
  let ctx: TestContext;
  const currentContext = contextPerTest();
  beforeEach(() => {
    ctx = currentContext();
  });

  const housekeeping = () => {
    const job = JOBS.find((j) => j.name === 'purge-sessions');
    if (!job) throw new Error('the housekeeping job is not registered');
    return job;
  };

  it('purges attempt counters untouched for 48 hours and no longer locked, as of the time it is run for', async () => {
    const counter = (subject: string, updatedHoursAgo: number, lockedUntil: string | null = null) => ({
      kind: 'entry_reference',
      subject,
      count: 1,
      window_started_at: ago(updatedHoursAgo),
      locked_until: lockedUntil,
      updated_at: ago(updatedHoursAgo),
    });
    await ctx.deps
      .db('attempt_counter')
      .insert([counter('old', 49), counter('old-lock-over', 72, ago(1)), counter('recent', 47), counter('old-still-locked', 72, ago(-1))]);

    const result = await housekeeping().run(ctx.deps, NOW);

    expect(result).toMatchObject({ attemptCounters: 2 });
    const left = await ctx.deps.db('attempt_counter').orderBy('subject').pluck('subject');
    expect(left).toEqual(['old-still-locked', 'recent']);
  });
});
