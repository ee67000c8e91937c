import type { Db } from '../../platform/db';
import type { Metrics } from '../../platform/metrics';
import { deliveryOverview, OUTBOX_STATES } from '../../core/outbox/delivery';
import { lastJobSuccesses } from '../../core/monitoring/job-runs-repository';

/** Reads what the gauges show at scrape time (outbox rows by state, oldest pending age, jobs' last success), then the text exposition. */
export async function scrape(db: Db, metrics: Metrics, now: Date): Promise<{ contentType: string; body: string }> {
  const [overview, jobs] = await Promise.all([deliveryOverview(db, now), lastJobSuccesses(db)]);
  for (const state of OUTBOX_STATES) metrics.outboxRows.set({ state }, overview.counts[state]);
  metrics.outboxOldestPending.set(overview.oldestWaitingMs === null ? 0 : overview.oldestWaitingMs / 1000);
  metrics.jobLastSuccess.reset();
  for (const j of jobs) metrics.jobLastSuccess.set({ job: j.job }, Date.parse(j.finishedAt) / 1000);
  metrics.withProcessMetrics();
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
