import type { Server } from 'node:http';
import type { BackgroundWorker } from './jobs/background-worker';
import { loadConfig, ConfigError, type Config } from './platform/config';
import { buildDeps, type Deps } from './platform/deps';
import { createApp } from './app';
import { migrateLatest } from './platform/db';
import { seedDemo } from './seed/demo';
import { createScheduler } from './jobs/scheduler';
import { demoDoneSlots } from './jobs/transmission';
import { createOutboxDispatcher } from './core/outbox/dispatcher';
import { createMailTransport } from './core/outbox/transport';

/** Something that runs beside the web server (outbox dispatcher, scheduled jobs) and must stop cleanly. */
/** Background workers for this process; features add theirs here. */
export function backgroundWorkers(deps: Deps): BackgroundWorker[] {
  return [createScheduler(deps), createOutboxDispatcher(deps, createMailTransport(deps.config))];
}

interface Running {
  deps: Deps;
  server: Server;
  close(): Promise<void>;
}

/** Migrates, seeds the demo when asked and the database is empty, serves, and starts the background workers. */
export async function startServer(config: Config, overrides: Parameters<typeof buildDeps>[1] = {}): Promise<Running> {
  const deps = buildDeps(config, overrides);
  await migrateLatest(deps.db);
  // Keys from configuration; outside production, missing ones are generated into DATA_DIR now (and logged once).
  deps.secrets.prepare();
  const now = deps.clock.now();
  const demo = { pinIssuer: () => deps.secrets.pinIssuer(), doneJobSlots: demoDoneSlots(config, now) };
  if (config.seedDemo && !config.isProduction && (await seedDemo(deps.db, now, demo))) {
    deps.logger.info('demo data seeded (fictitious companies and administrators)');
  }
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
      await Promise.all(workers.map((w) => w.stop()));
      await deps.db.destroy();
    })());
  return { deps, server, close };
}

/** Entry point used by `npm start`: configuration errors name the bad variable and exit 1; SIGTERM/SIGINT shut down gracefully. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const running = await startServer(config);
  if (config.auth.mode === 'dev') {
    running.deps.logger.info(`Open ${config.publicBaseUrl}/sign-in to sign in as a demo administrator`);
  }
  const shutdown = (signal: string) => {
    running.deps.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10000);
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
