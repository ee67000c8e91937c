import { loadConfig, type Config } from '../platform/config';
import { openDb, type Db } from '../platform/db';

/** Opens the database named by the configuration for a command-line tool, and closes it whatever happens. */
export async function withDatabase<T>(body: (config: Config, db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    return await body(config, db);
  } finally {
    await db.destroy();
  }
}

/** Ends the process with the tool's exit code; an exception prints its message (no stack) and exits with `errorCode`. */
export function exitWith(run: Promise<number | void>, errorCode = 1): void {
  run.then(
    (code) => process.exit(code ?? 0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(errorCode);
    },
  );
}
