import { loadConfig } from '../platform/config';
import { openDb } from '../platform/db';
import { runArchiveVerify } from '../core/archive/archive';

/** npm run archive:verify — re-hashes the write-once archive against its ledger; exit 1 on any difference, 2 on error. */
async function run(): Promise<number> {
  const config = loadConfig();
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    return await runArchiveVerify({ config, db }, (line) => console.log(line));
  } finally {
    await db.destroy();
  }
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
