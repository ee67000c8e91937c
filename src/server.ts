import type { Server } from 'node:http';
import type { BackgroundWorker } from './platform/background-worker';
import { loadConfig, ConfigError, type Config } from './platform/config';
import { buildDeps, type Deps } from './platform/deps';
import { createApp } from './app';
import { migrateLatest } from './platform/db';
import { seedDemo } from './seed/demo';
import { createScheduler } from './jobs/scheduler';
import { demoDoneSlots } from './jobs/transmission';
import { createOutboxDispatcher, STOP_GRACE_MS } from './core/outbox/dispatcher';
import { createMailTransport } from './core/outbox/transport';
import { metricsFor } from './platform/metrics';
import { createWalCheckpointer } from './platform/wal-checkpointer';

/** Something that runs beside the web server (outbox dispatcher, scheduled jobs) and must stop cleanly. */
/** Background workers for this process; features add theirs here. */
export function backgroundWorkers(deps: Deps): BackgroundWorker[] {
  const metrics = metricsFor(deps);
  return [
    // SQLite only: its checkpoints in a thread of their own, not in the request that commits (see wal-checkpointer.ts).
    createWalCheckpointer(deps.db, deps.logger),
    createScheduler(deps),
    createOutboxDispatcher(deps, createMailTransport(deps.config), { onResult: (r) => metrics.recordOutboxResult(r) }),
  ];
}

/**
 * The longest a shutdown (SIGTERM/SIGINT) takes before the process exits anyway: the outbox waits up to STOP_GRACE_MS
 * (the SMTP socket timeout, 20 s) for the message in flight, plus 5 s to commit its mark and close the database.
 * Give the process at least this long before a kill -9 (README: 30 s, e.g. `docker stop -t 30`).
 */
export const SHUTDOWN_GRACE_MS = STOP_GRACE_MS + 5_000;

interface Running {
  deps: Deps;
  server: Server;
  close(): Promise<void>;
}

/** Migrates and seeds the demo when asked and the database is empty (one instance at a time), serves, and starts the background workers. */
export async function startServer(config: Config, overrides: Parameters<typeof buildDeps>[1] = {}): Promise<Running> {
  const deps = buildDeps(config, overrides);
  // Keys from configuration; outside production, missing ones are generated into DATA_DIR now (and logged once).
  deps.secrets.prepare();
  // Under the start-up lock: instances starting together migrate and seed one after the other (the first does it).
  const now = deps.clock.now();
  const demo = { pinIssuer: () => deps.secrets.pinIssuer(), doneJobSlots: demoDoneSlots(config, now) };
  await migrateLatest(deps.db, async () => {
    if (config.seedDemo && !config.isProduction && (await seedDemo(deps.db, now, demo))) {
      deps.logger.info('demo data seeded (fictitious companies and administrators)');
    }
  });
  const app = createApp(deps);
  const workers = backgroundWorkers(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  workers.forEach((w) => w.start());
  const address = server.address();
  deps.logger.info(
    { port: typeof address === 'object' && address ? address.port : config.port, authMode: config.auth.mode, devMailbox: config.mail.devMailbox },
    'Sésame listening',
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // The outbox gives back its unattempted rows at once and waits for the message in flight (STOP_GRACE_MS).
      await Promise.all(workers.map((w) => w.stop()));
      await deps.db.destroy();
    })());
  return { deps, server, close };
}

/** Entry point used by `npm start`: configuration errors name the bad variable and exit 1; SIGTERM/SIGINT shut down gracefully. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let running: Running;
  try {
    // The keys are opened at start-up: a signing certificate that cannot be opened is a configuration error too.
    running = await startServer(loadConfig(env));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { config } = running.deps;
  if (config.auth.mode === 'dev') {
    running.deps.logger.info(`Open ${config.publicBaseUrl}/sign-in to sign in as a demo administrator`);
  }
  const shutdown = (signal: string) => {
    running.deps.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        running.deps.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
