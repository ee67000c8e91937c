import { loadConfig } from '../platform/config';
import { migrateLatest, openDb } from '../platform/db';

async function run(): Promise<void> {
  const config = loadConfig();
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrateLatest(db);
    console.log('Database migrated.');
  } finally {
    await db.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
