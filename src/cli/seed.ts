import { loadConfig } from '../platform/config';
import { migrateLatest, openDb } from '../platform/db';
import { seedDemo } from '../seed/demo';

async function run(): Promise<void> {
  const config = loadConfig();
  if (config.isProduction) throw new Error('The demo seed is refused when NODE_ENV=production.');
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrateLatest(db);
    console.log((await seedDemo(db, new Date())) ? 'Demo data seeded.' : 'Database not empty: nothing seeded.');
  } finally {
    await db.destroy();
  }
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
