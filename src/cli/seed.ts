import { loadConfig } from '../platform/config';
import { migrateLatest } from '../platform/db';
import { seedDemo } from '../seed/demo';
import { createSecrets } from '../platform/secrets';
import { createLogger } from '../platform/logger';
import { demoDoneSlots } from '../jobs/transmission';
import { exitWith, withDatabase } from './command';

/** `npm run seed`: the demo data, into an empty database only; refused in production (checked before the database is opened). */
async function run(): Promise<void> {
  if (loadConfig().isProduction) throw new Error('The demo seed is refused when NODE_ENV=production.');
  await withDatabase(async (config, db) => {
    const secrets = createSecrets(config, createLogger(config.logLevel));
    const now = new Date();
    const demo = { pinIssuer: () => secrets.pinIssuer(), doneJobSlots: demoDoneSlots(config, now) };
    let seeded = false;
    await migrateLatest(db, async () => (seeded = await seedDemo(db, now, demo)));
    console.log(seeded ? 'Demo data seeded.' : 'Database not empty: nothing seeded.');
  });
}

exitWith(run());
