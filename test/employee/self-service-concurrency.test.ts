import { countOf, useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { initiateControlled } from '../../src/features/applications/service';
import { startSelfService } from '../../src/features/employee-access/service';
import type { Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where the two requests really run at the same time. */
describe('self-service start and controlled send for the same person at the same moment', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  const now = new Date('2026-11-25T09:00:00Z');

  it.each([1, 2, 3])('end with one open application for that e-mail on that key (%i)', async (round) => {
    const accountId = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [accountId]);
    const key = await givenAccessKey(db, accountId, admin.id);
    const email = `anne.martin${round}@acme.example`;
    const results = await Promise.allSettled([
      startSelfService(db, { keyNumber: key.number, email, language: 'fr' }, 'Europe/Paris', now),
      initiateControlled(
        db,
        { id: admin.id, accountIds: [accountId] },
        key.id,
        { priority: 'normal', title: 'mrs', firstName: 'Anne', lastName: 'Martin', email, language: 'fr' },
        'Europe/Paris',
        now,
        {
          actor: { type: 'admin', id: admin.id },
        },
      ),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled' });
    expect(await countOf(db('application').where({ access_key_id: key.id, email }))).toBe(1);
  });
});
