import { loadConfig } from '../platform/config';
import { migrateLatest } from '../platform/db';
import { seedDemo } from '../seed/demo';
import { exitWith, withDatabase } from './command';

/** `npm run seed`: the demo data, into an empty database only; refused in production (checked before the database is opened). */
async function run(): Promise<void> {
  if (loadConfig().isProduction) throw new Error('The demo seed is refused when NODE_ENV=production.');
  await withDatabase(async (_config, db) => {
    let seeded = false;
    await migrateLatest(db, async () => (seeded = await seedDemo(db, new Date())));
    console.log(seeded ? 'Demo data seeded.' : 'Database not empty: nothing seeded.');
  });
}

exitWith(run());
