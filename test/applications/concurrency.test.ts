import { countOf, useFreshDatabase } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { DuplicateOpenApplicationError, initiateControlled } from '../../src/features/applications/service';
import type { Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where two requests really run at the same time. */
describe('controlled send under simultaneous requests', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));
  const now = new Date('2026-11-25T09:00:00Z');
  const input = {
    priority: 'normal' as const,
    title: 'mrs' as const,
    firstName: 'Anne',
    lastName: 'Martin',
    email: 'anne.martin@acme.example',
    language: 'fr' as const,
  };

  it('creates one application and one pair of e-mails when the form is submitted twice at once', async () => {
    const accountId = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [accountId]);
    const key = await givenAccessKey(db, accountId, admin.id);
    const actor = { id: admin.id, accountIds: [accountId] };
    const audit = { actor: { type: 'admin' as const, id: admin.id } };
    const results = await Promise.allSettled([0, 1].map(() => initiateControlled(db, actor, key.id, input, 'Europe/Paris', now, audit)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(DuplicateOpenApplicationError);
    expect(await countOf(db('application').where({ access_key_id: key.id }))).toBe(1);
    expect(await countOf(db('outbox').where({ recipient: input.email }))).toBe(2);
  });
});
