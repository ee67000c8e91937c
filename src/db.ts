import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from '../migrations';

export type Db = Knex;

/**
 * Opens the database. SQLite (the embedded default) lives in DATA_DIR; PostgreSQL when DATABASE_URL says so.
 * SQLite: one connection (better-sqlite3 is synchronous; inside a transaction always use trx, never db),
 * WAL for concurrent readers across processes, foreign keys on, busy timeout so two instances wait instead of failing,
 * synchronous=FULL because signed evidence is stored here.
 */
export function openDb(opts: { dataDir: string; databaseUrl?: string }): Db {
  if (opts.databaseUrl?.startsWith('postgres')) {
    return knexFactory({ client: 'pg', connection: opts.databaseUrl, pool: { min: 0, max: 10 } });
  }
  const file = opts.databaseUrl?.startsWith('sqlite:')
    ? opts.databaseUrl.slice('sqlite:'.length)
    : path.join(opts.dataDir, 'sesame.sqlite');
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: Error | null, conn: unknown) => void) => {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('foreign_keys = ON');
          conn.pragma('synchronous = FULL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    acquireConnectionTimeout: 10000,
  });
}

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource });
}

export function isSqlite(db: Db): boolean {
  return db.client.config.client === 'better-sqlite3';
}

/** Current time as the ISO string every timestamp column stores, so SQLite and PostgreSQL compare alike. */
export function isoNow(now: Date = new Date()): string {
  return now.toISOString();
}
