import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one app (prom-client), served by /metrics (src/features/metrics): one registry per Deps, so the
 * HTTP middleware (app.ts), the outbox dispatcher's hook (server.ts) and the route share it, and two apps in one
 * process (tests) never share counters.
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  outboxSent: Counter<'template'>;
  outboxFailures: Counter<'template' | 'outcome'>;
  outboxRows: Gauge<'state'>;
  outboxOldestPending: Gauge;
  jobLastSuccess: Gauge<'job'>;
  /** Once per registry, on the first scrape: the process's own metrics (memory, CPU, event loop). */
  withProcessMetrics(): void;
  /** The dispatcher's hook (its `onResult` option): one delivered e-mail or one failed attempt. */
  recordOutboxResult(result: { template: string; outcome: 'sent' | 'retried' | 'dead' | 'expired' }): void;
}

const byOwner = new WeakMap<object, Metrics>();

function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const outboxSent = new Counter({
    name: 'sesame_outbox_sent_total',
    help: 'E-mails accepted by the SMTP server',
    labelNames: ['template'] as const,
    registers,
  });
  const outboxFailures = new Counter({
    name: 'sesame_outbox_failures_total',
    help: 'Failed delivery attempts, by what became of the e-mail (retried, dead, expired)',
    labelNames: ['template', 'outcome'] as const,
    registers,
  });
  let processMetrics = false;
  return {
    registry,
    httpDuration: new Histogram({
      name: 'sesame_http_request_duration_seconds',
      help: 'HTTP request durations, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    outboxSent,
    outboxFailures,
    outboxRows: new Gauge({ name: 'sesame_outbox_rows', help: 'Outbox rows by state', labelNames: ['state'] as const, registers }),
    outboxOldestPending: new Gauge({
      name: 'sesame_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest e-mail still waiting (pending or being sent), 0 when none waits',
      registers,
    }),
    jobLastSuccess: new Gauge({
      name: 'sesame_job_last_success_timestamp_seconds',
      help: 'When each scheduled job last finished successfully (Unix time)',
      labelNames: ['job'] as const,
      registers,
    }),
    withProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry });
    },
    recordOutboxResult({ template, outcome }) {
      if (outcome === 'sent') outboxSent.inc({ template });
      else outboxFailures.inc({ template, outcome });
    },
  };
}

/** The metrics of this owner (the app's Deps): created on first use. */
export function metricsFor(owner: object): Metrics {
  let metrics = byOwner.get(owner);
  if (!metrics) {
    metrics = createMetrics();
    byOwner.set(owner, metrics);
  }
  return metrics;
}
