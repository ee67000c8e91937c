import { countOf, useFreshDatabase } from '../support/database';
import { givenAdministrator } from '../support/builders';
import { publishFormVersion, publishTermsVersion, VersionExistsError } from '../../src/features/publications/service';
import type { Db } from '../../src/platform/db';

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where the two submissions really run at the same time. */
describe('a publication submitted twice at once (double click, two platform administrators)', () => {
  let db: Db;
  let adminId: number;
  useFreshDatabase((opened) => (db = opened));
  beforeAll(async () => {
    adminId = (await givenAdministrator(db, { role: 'platform' })).id;
  });
  const now = new Date('2026-11-25T09:00:00Z');
  const audit = { actor: { type: 'system' as const } };

  /** One fulfilled, the other refused as "this version exists" (the page shows it on the field), never another error. */
  function expectOnePublished(results: PromiseSettledResult<unknown>[]) {
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(VersionExistsError);
  }

  it('publishes a form version once; the second submission is told the version exists', async () => {
    const publish = () => publishFormVersion(db, { version: '2027.1', note: 'Nouveau champ', adminId, audit, now });
    expectOnePublished(await Promise.allSettled([publish(), publish()]));
    expect(await countOf(db('form_version').where({ version: '2027.1' }))).toBe(1);
  });

  it('publishes a terms version once; the second submission is told the version exists', async () => {
    const texts = [{ language: 'fr' as const, title: 'Conditions', body: 'Texte des conditions.' }];
    const publish = () => publishTermsVersion(db, { kind: 'cardholder', cardProduct: 'corporate', version: '9.0', texts, audit, now });
    expectOnePublished(await Promise.allSettled([publish(), publish()]));
    expect(await countOf(db('terms_version').where({ kind: 'cardholder', card_product: 'corporate', version: '9.0' }))).toBe(1);
  });
});
