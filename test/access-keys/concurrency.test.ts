import { countOf, useFreshDatabase } from '../support/database';
import { givenKey } from '../support/builders';
import { deleteAccessKey, KeyHasOpenApplicationsError } from '../../src/features/access-keys/service';
import { initiateControlled, KeyUnavailableError } from '../../src/features/applications/service';
import type { Actor } from '../../src/core/administrators/repository';
import type { Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where two requests really run at the same time. */
describe('access keys under simultaneous requests', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  const now = new Date('2026-11-25T09:00:00Z');

  async function givenKeyAndActor() {
    const key = await givenKey(db);
    const actor: Actor = {
      id: key.adminId,
      email: key.adminEmail,
      displayName: 'Admin',
      role: 'admin',
      language: 'fr',
      active: true,
      accountIds: [key.accountId],
      isPlatform: false,
    };
    return { key, actor, audit: { actor: { type: 'admin' as const, id: key.adminId } } };
  }

  it.each([
    ['initiation', 'deletion'],
    ['deletion', 'initiation'],
  ])('never leaves a deleted key with an open application (%s sent first, %s at once)', async (first) => {
    const { key, actor, audit } = await givenKeyAndActor();
    const input = {
      priority: 'normal' as const,
      title: 'mr' as const,
      firstName: 'Paul',
      lastName: 'Durand',
      email: 'paul.durand@acme.example',
      language: 'fr' as const,
    };
    const initiate = () => initiateControlled(db, actor, key.id, input, 'Europe/Paris', now, audit);
    const remove = () => deleteAccessKey(db, actor, key.id, now, audit);
    const [initiated, deleted] =
      first === 'initiation' ? await Promise.allSettled([initiate(), remove()]) : (await Promise.allSettled([remove(), initiate()])).reverse();
    const keyRow = await db('access_key').where({ id: key.id }).first('deleted_at');
    const open = await countOf(db('application').where({ access_key_id: key.id }));
    // Either order is right, but only one of the two may succeed: the one that came second sees the first.
    if (deleted.status === 'fulfilled') {
      expect(initiated.status === 'rejected' && initiated.reason).toBeInstanceOf(KeyUnavailableError);
      expect(open).toBe(0);
    } else {
      expect(deleted.reason).toBeInstanceOf(KeyHasOpenApplicationsError);
      expect(initiated.status).toBe('fulfilled');
      expect(keyRow.deleted_at).toBeNull();
      expect(open).toBe(1);
    }
  });
});
