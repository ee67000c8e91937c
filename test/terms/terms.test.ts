import { CARD_PRODUCTS } from '../../src/core/accounts/options';
import {
  currentTerms,
  latestAcceptances,
  publishTerms,
  recordAcceptance,
  seedTerms,
  termsById,
  termsParagraphs,
  termsSha256,
  TermsIntegrityError,
} from '../../src/core/terms/repository';
import { seedDemo } from '../../src/seed/demo';
import { createTestContext, type TestContext } from '../support/app';
import { givenApplicationRow } from '../support/builders';

describe('terms', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(() => ctx.close());

  it('seeds sample cardholder terms for every product and language, and signature terms per language, each marked as sample', async () => {
    await seedTerms(ctx.deps.db);
    await seedTerms(ctx.deps.db); // idempotent
    const rows = await ctx.deps.db('terms_version').select();
    expect(rows).toHaveLength(CARD_PRODUCTS.length * 2 + 2);
    for (const product of CARD_PRODUCTS) {
      const fr = await currentTerms(ctx.deps.db, 'cardholder', product, 'fr', ctx.deps.clock.now());
      const en = await currentTerms(ctx.deps.db, 'cardholder', product, 'en', ctx.deps.clock.now());
      expect(fr?.body.split('\n')[0]).toMatch(/^TEXTE D’EXEMPLE rédigé pour la démonstration de Sésame/);
      expect(en?.body.split('\n')[0]).toMatch(/^SAMPLE TEXT written for the Sésame demo/);
      expect(fr?.sha256).toBe(termsSha256(fr?.body ?? ''));
    }
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate_air_france', 'en', ctx.deps.clock.now()))?.body).toMatch(/Miles/);
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'en', ctx.deps.clock.now()))?.body).not.toMatch(/Miles/);
    // Signature terms are common to every product.
    const signature = await currentTerms(ctx.deps.db, 'signature', 'corporate', 'fr', ctx.deps.clock.now());
    expect(signature).toMatchObject({ kind: 'signature', cardProduct: '*', language: 'fr' });
    expect(termsParagraphs(signature!)[0]).toMatch(/^TEXTE D’EXEMPLE/);
    expect(termsParagraphs(signature!).length).toBeGreaterThan(2);
  });

  it('are seeded with the demo data', async () => {
    await seedDemo(ctx.deps.db, ctx.deps.clock.now());
    expect(await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'fr', ctx.deps.clock.now())).toBeDefined();
  });

  it('serve the latest version published by `now`, per product and language; none when nothing applies', async () => {
    const draft = { kind: 'cardholder' as const, cardProduct: 'corporate', language: 'en' as const, title: 'T', body: 'v1 body' };
    await publishTerms(ctx.deps.db, { ...draft, version: '1' }, new Date('2026-01-01T00:00:00Z'));
    await publishTerms(ctx.deps.db, { ...draft, version: '2', body: 'v2 body' }, new Date('2026-06-01T00:00:00Z'));
    await publishTerms(ctx.deps.db, { ...draft, version: '3', body: 'future body' }, new Date('2027-01-01T00:00:00Z'));
    const now = new Date('2026-11-24T09:00:00Z');
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'en', now))?.version).toBe('2');
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'en', new Date('2026-03-01T00:00:00Z')))?.version).toBe('1');
    expect(await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'fr', now)).toBeUndefined();
    expect(await currentTerms(ctx.deps.db, 'cardholder', 'corporate_air_france', 'en', now)).toBeUndefined();
    expect(await currentTerms(ctx.deps.db, 'signature', 'corporate', 'en', now)).toBeUndefined();
    // Republishing the same version never alters it.
    await publishTerms(ctx.deps.db, { ...draft, version: '2', body: 'changed' }, now);
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'en', now))?.body).toBe('v2 body');
  });

  it('record an acceptance with the version and the hash of the text shown', async () => {
    await seedTerms(ctx.deps.db);
    const { id } = await givenApplicationRow(ctx.deps.db);
    const terms = (await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'fr', ctx.deps.clock.now()))!;
    const signature = (await currentTerms(ctx.deps.db, 'signature', 'corporate', 'fr', ctx.deps.clock.now()))!;
    const now = ctx.deps.clock.now();
    const accepted = await ctx.deps.db.transaction((trx) => recordAcceptance(trx, { applicationId: id, termsId: terms.id, now }));
    expect(accepted).toMatchObject({ version: terms.version, sha256: termsSha256(terms.body) });
    await ctx.deps.db.transaction((trx) => recordAcceptance(trx, { applicationId: id, termsId: signature.id, now }));
    expect(await latestAcceptances(ctx.deps.db, id)).toEqual([
      { kind: 'signature', termsId: signature.id, version: signature.version, sha256: signature.sha256, acceptedAt: now.toISOString() },
      { kind: 'cardholder', termsId: terms.id, version: terms.version, sha256: terms.sha256, acceptedAt: now.toISOString() },
    ]);
    expect((await termsById(ctx.deps.db, terms.id))?.title).toBe(terms.title);
  });

  it('refuse an acceptance when the stored text no longer matches its hash', async () => {
    await seedTerms(ctx.deps.db);
    const { id } = await givenApplicationRow(ctx.deps.db);
    const terms = (await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'en', ctx.deps.clock.now()))!;
    await ctx.deps
      .db('terms_version')
      .where({ id: terms.id })
      .update({ body: `${terms.body} (edited)` });
    await expect(ctx.deps.db.transaction((trx) => recordAcceptance(trx, { applicationId: id, termsId: terms.id, now: ctx.deps.clock.now() }))).rejects.toThrow(
      TermsIntegrityError,
    );
    expect(await latestAcceptances(ctx.deps.db, id)).toEqual([]);
  });
});
