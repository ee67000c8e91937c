import type { Db } from '../../platform/db';

/** When each scheduled job last finished successfully (a failed run releases its slot and never sets finished_at). */
export async function lastJobSuccesses(db: Db): Promise<Array<{ job: string; finishedAt: string }>> {
  const rows = (await db('job_run').whereNotNull('finished_at').select('job').max({ at: 'finished_at' }).groupBy('job')) as Array<{
    job: string;
    at: string | null;
  }>;
  return rows.filter((r) => r.at).map((r) => ({ job: r.job, finishedAt: r.at as string }));
}
