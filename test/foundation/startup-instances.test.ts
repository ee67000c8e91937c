import { countOf, freshDatabase, type FreshDatabase } from '../support/database';
import { startInstance, type Instance } from '../support/instances';
import { migrationSource } from '../../migrations/index';

/**
 * Several instances started at the same moment on a new, empty PostgreSQL database (a deployment that starts its
 * replicas together): one migrates and seeds while the others wait, then every one serves, and the demo is there once.
 * Real processes (src/cli/start.ts), ten rounds on a new database each. Needs TEST_DATABASE_URL=postgres://… (CI's
 * PostgreSQL stage sets it); skipped, saying so, on SQLite.
 */
const onPostgres = process.env.TEST_DATABASE_URL?.startsWith('postgres') ?? false;
const ROUNDS = 6;
const INSTANCES = 3;

if (!onPostgres) {
  console.warn('startup-instances.test.ts skipped: set TEST_DATABASE_URL=postgres://user@host:port/postgres to start instances together on PostgreSQL');
}

(onPostgres ? describe : describe.skip)(`${INSTANCES} instances started together on an empty PostgreSQL database (skipped without TEST_DATABASE_URL)`, () => {
  jest.setTimeout(600000);

  it(`all become ready and the demo is seeded once, ${ROUNDS} times in a row`, async () => {
    const migrations = (await migrationSource.getMigrations([])).length;
    for (let round = 1; round <= ROUNDS; round++) {
      const database: FreshDatabase = await freshDatabase({ migrated: false });
      const started = await Promise.allSettled(
        Array.from({ length: INSTANCES }, () => startInstance({ DATABASE_URL: database.url, DATA_DIR: database.dataDir, LOG_LEVEL: 'info' })),
      );
      const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        const failures = started.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message)] : []));
        expect({ round, failures }).toEqual({ round, failures: [] });
        for (const instance of instances) {
          const res = await fetch(`${instance.url}/readyz`);
          expect({ round, status: res.status, body: await res.json() }).toEqual({ round, status: 200, body: { status: 'ready' } });
        }
        const db = database.open();
        try {
          const counts = {
            round,
            migrations: await countOf(db('knex_migrations')),
            administrators: await countOf(db('administrator')),
            platformAdministrators: await countOf(db('administrator').where({ email: 'plateforme@sesame.example' })),
            accounts: await countOf(db('account')),
            accessKeys: await countOf(db('access_key')),
          };
          expect(counts).toEqual({ round, migrations, administrators: 3, platformAdministrators: 1, accounts: 5, accessKeys: 4 });
        } finally {
          await db.destroy();
        }
      } finally {
        await Promise.all(instances.map((i: Instance) => i.stop()));
        await database.drop();
      }
    }
  });
});
