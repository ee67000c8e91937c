import { parseArgs } from 'node:util';
import { migrateLatest } from '../platform/db';
import { exitWith, withDatabase } from './command';
import { addPlatformAdministrator } from '../features/administrators/service';
import { tFor } from '../platform/i18n';

const USAGE = 'Usage: npm run add-platform-admin -- --email someone@company.example --name "First Last" [--language fr|en]';

/**
 * Adds a platform administrator, typically the first one on a new installation (the others are then added from the
 * Administrators page). Migrates the database first; refuses an e-mail that is already an administrator.
 */
async function run(): Promise<number> {
  let values: { email?: string; name?: string; language?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, name: { type: 'string' }, language: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help || !values.email || !values.name) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  return withDatabase(async (_config, db) => {
    await migrateLatest(db);
    console.log('Database schema is up to date.');
    const result = await addPlatformAdministrator(db, { email: values.email, name: values.name, language: values.language ?? 'fr' }, new Date());
    if (result.ok) {
      console.log(`Platform administrator ${result.email} added (id ${result.id}). They can now sign in through the company proxy.`);
      return 0;
    }
    if (result.reason === 'exists') {
      console.error(`Nothing done: ${result.email} is already an administrator. Change their role from the Administrators page.`);
      return 1;
    }
    const t = tFor('en');
    console.error(`Nothing done, invalid input:\n  - ${result.issues.map((i) => `--${i.option}: ${t(i.key)}`).join('\n  - ')}\n${USAGE}`);
    return 2;
  });
}

exitWith(run());
