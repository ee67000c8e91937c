import type { Config } from './config';
import { openDb, type Db } from './db';
import { createLogger, type Logger } from './logger';
import { KnexSessionStore } from './session-store';
import { createSecrets } from './secrets';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The composition root's ingredients; tests build their own with a temp database and a fixed clock. */
export function buildDeps(config: Config, overrides: { db?: Db; logger?: Logger; clock?: Clock } = {}) {
  const db = overrides.db ?? openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const sessionStore = new KnexSessionStore(db, logger, () => clock.now());
  const secrets = createSecrets(config, logger);
  return { config, db, logger, clock, sessionStore, secrets };
}

export type Deps = ReturnType<typeof buildDeps>;
