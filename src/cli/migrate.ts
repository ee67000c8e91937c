import { migrateLatest } from '../platform/db';
import { exitWith, withDatabase } from './command';

/** `npm run migrate`: applies the pending migrations. */
exitWith(
  withDatabase(async (_config, db) => {
    await migrateLatest(db);
    console.log('Database migrated.');
  }),
);
