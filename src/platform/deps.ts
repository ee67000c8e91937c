import type { Config } from './config';
import { openDb, type Db } from './db';
import { createLogger, type Logger } from './logger';
import { KnexSessionStore } from './session-store';
import { createSecrets } from './secrets';

import { systemClock, type Clock } from './clock';

export type { Clock } from './clock';

/**
 * For tests only: points where a test makes one step fail, or waits at the worst moment, without replacing the app's
 * modules. Production passes none (an empty object: every hook is absent).
 */
export interface Faults {
  /** Approval queue and reactivation: inside one application's transaction, its status changed, just before its e-mails are queued. */
  beforeActionEmails?(applicationId: number): Promise<void>;
  /** Signature: inside the signing transaction, the additional approval's state read, before the status changes. */
  afterApprovalStateRead?(applicationId: number): Promise<void>;
  /** Transmission: inside the transaction that records a transmission, everything written, just before it commits. */
  beforeTransmissionCommit?(number: number): Promise<void>;
  /** Transmission: its files written at the destination (renamed into place), before the delivery is recorded. */
  afterTransmissionWritten?(number: number): Promise<void>;
}

/** The composition root's ingredients; tests build their own with a temp database and a fixed clock. */
export function buildDeps(config: Config, overrides: { db?: Db; logger?: Logger; clock?: Clock; faults?: Faults } = {}) {
  const db = overrides.db ?? openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const sessionStore = new KnexSessionStore(db, logger, () => clock.now());
  const secrets = createSecrets(config, logger, clock);
  const faults: Faults = overrides.faults ?? {};
  return { config, db, logger, clock, sessionStore, secrets, faults };
}

export type Deps = ReturnType<typeof buildDeps>;
