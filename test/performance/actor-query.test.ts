import { useFreshDatabase } from '../support/database';
import { givenAccount, givenAdministrator } from '../support/builders';
import type { Db } from '../../src/platform/db';
import { findActiveActor } from '../../src/core/administrators/repository';

/** The request's actor in one query (identity + BC memberships); runs on PostgreSQL too with TEST_DATABASE_URL. */
describe('findActiveActor', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));

  it('loads an administrator with their BCs by e-mail or id, every BC for a platform administrator, nothing when inactive', async () => {
    const accounts = [await givenAccount(db), await givenAccount(db), await givenAccount(db)];
    const admin = await givenAdministrator(db, { email: 'Manager@Test.example'.toLowerCase() }, [accounts[2] as number, accounts[0] as number]);
    const lonely = await givenAdministrator(db);
    const platform = await givenAdministrator(db, { role: 'platform' });
    const gone = await givenAdministrator(db, { active: false }, [accounts[1] as number]);

    const byEmail = await findActiveActor(db, { email: ' MANAGER@test.example ' });
    expect(byEmail).toMatchObject({ id: admin.id, email: 'manager@test.example', role: 'admin', isPlatform: false, accountIds: [accounts[0], accounts[2]] });
    expect(await findActiveActor(db, { id: admin.id })).toEqual(byEmail);
    expect((await findActiveActor(db, { id: lonely.id }))?.accountIds).toEqual([]);
    expect(await findActiveActor(db, { id: platform.id })).toMatchObject({ isPlatform: true, accountIds: expect.arrayContaining(accounts) });
    expect(await findActiveActor(db, { id: gone.id })).toBeUndefined();
    expect(await findActiveActor(db, { email: gone.email })).toBeUndefined();
    expect(await findActiveActor(db, { email: 'nobody@test.example' })).toBeUndefined();
  });
});
