import type { Db } from '../../src/platform/db';
import { createEmailRenderer } from '../../src/core/outbox/render';
import { publishFormVersion } from '../../src/features/publications/service';
import { currentTerms } from '../../src/core/terms/repository';
import { paths } from '../../src/platform/paths';
import { $, createTestContext, csrfFrom, signInAs, type Agent, type TestContext } from '../support/app';
import { countOf } from '../support/database';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplicationRow } from '../support/builders';

async function givenApplication(db: Db, input: { keyId: number; accountId: number; status: string; language?: 'fr' | 'en' }): Promise<number> {
  const at = '2026-11-20T10:00:00.000Z';
  const columns = { status: input.status, language: input.language ?? 'fr', status_changed_at: at, created_at: at, updated_at: at };
  return (await givenApplicationRow(db, columns, { id: input.keyId, accountId: input.accountId })).id;
}

describe('publishing terms and form versions (e-mail 9)', () => {
  let ctx: TestContext;
  let platform: Agent;
  let apps: Record<string, number>;
  beforeEach(async () => {
    ctx = await createTestContext();
    const admin = await givenAdministrator(ctx.deps.db, { email: 'platform@test.example', role: 'platform' });
    platform = await signInAs(ctx.app, ctx.deps, 'platform@test.example');
    const corporate = await givenAccount(ctx.deps.db, { card_product: 'corporate' });
    const airFrance = await givenAccount(ctx.deps.db, { card_product: 'corporate_air_france' });
    const keyA = await givenAccessKey(ctx.deps.db, corporate, admin.id);
    const keyB = await givenAccessKey(ctx.deps.db, airFrance, admin.id);
    const a = { keyId: keyA.id, accountId: corporate };
    const b = { keyId: keyB.id, accountId: airFrance };
    apps = {
      aInvited: await givenApplication(ctx.deps.db, { ...a, status: 'invited' }),
      aInProgressEn: await givenApplication(ctx.deps.db, { ...a, status: 'in_progress', language: 'en' }),
      aReturned: await givenApplication(ctx.deps.db, { ...a, status: 'returned' }),
      aPending: await givenApplication(ctx.deps.db, { ...a, status: 'pending_approval' }),
      aApproved: await givenApplication(ctx.deps.db, { ...a, status: 'approved' }),
      aCancelled: await givenApplication(ctx.deps.db, { ...a, status: 'cancelled' }),
      bInvited: await givenApplication(ctx.deps.db, { ...b, status: 'invited' }),
      bInProgress: await givenApplication(ctx.deps.db, { ...b, status: 'in_progress' }),
    };
  });
  afterEach(() => ctx.close());

  const notified = async () =>
    (
      await ctx.deps.db('outbox').where({ template: 'form-changed' }).orderBy('application_id').select('application_id', 'idempotency_key', 'language', 'data')
    ).map((r) => ({
      ...r,
      data: JSON.parse(r.data),
    }));

  async function post(url: string, fields: Record<string, string>) {
    const page = await platform.get(paths.platform.publications.list).expect(200);
    return platform
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields });
  }

  const corporateTerms = {
    kind: 'cardholder',
    cardProduct: 'corporate',
    version: '2026-12',
    titleFr: 'Conditions',
    bodyFr: 'Article 1.\n\nArticle 2.',
    titleEn: 'Terms',
    bodyEn: 'Article 1.\n\nArticle 2.',
  };

  it('publishes cardholder terms of a card product and tells exactly the not-submitted applications of that product, once each', async () => {
    const res = await post(paths.platform.publications.terms, corporateTerms);
    expect(res.status).toBe(303);
    const rows = await notified();
    expect(rows.map((r) => r.application_id)).toEqual([apps.aInvited, apps.aInProgressEn, apps.aReturned]);
    expect(rows.map((r) => r.idempotency_key)).toEqual(
      [apps.aInvited, apps.aInProgressEn, apps.aReturned].map((id) => `form-changed:${id}:terms:cardholder:corporate:2026-12`),
    );
    expect(rows.map((r) => r.language)).toEqual(['fr', 'en', 'fr']);
    expect(rows[0]?.data).toMatchObject({ termsChanged: true, version: '2026-12', firstName: 'Zoé' });
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'fr', ctx.deps.clock.now()))?.version).toBe('2026-12');
    expect((await currentTerms(ctx.deps.db, 'cardholder', 'corporate', 'en', ctx.deps.clock.now()))?.body).toBe('Article 1.\n\nArticle 2.');
    expect(await ctx.deps.db('audit_log').where({ action: 'terms.publish' }).first()).toBeDefined();

    const page = $((await platform.get(paths.platform.publications.list).expect(200)).text);
    expect(page('.banner').text()).toContain('Collaborateurs prévenus : 3');
    expect(page('#publications').text()).toContain('2026-12');

    // The same version again is refused and tells nobody twice.
    const again = await post(paths.platform.publications.terms, corporateTerms);
    expect(again.status).toBe(400);
    expect($(again.text)('#version-error').text()).toContain('déjà publiée');
    expect(await notified()).toHaveLength(3);
  });

  it('tells only the applications in the languages published', async () => {
    const res = await post(paths.platform.publications.terms, {
      kind: 'cardholder',
      cardProduct: 'corporate',
      version: 'v2',
      titleFr: 'Conditions',
      bodyFr: 'Texte.',
    });
    expect(res.status).toBe(303);
    expect((await notified()).map((r) => r.application_id)).toEqual([apps.aInvited, apps.aReturned]);
  });

  it('applies terms common to every product only to the products without their own', async () => {
    await post(paths.platform.publications.terms, corporateTerms);
    await ctx.deps.db('outbox').where({ template: 'form-changed' }).delete();
    expect((await post(paths.platform.publications.terms, { ...corporateTerms, cardProduct: '*', version: 'common-1' })).status).toBe(303);
    expect((await notified()).map((r) => r.application_id)).toEqual([apps.bInvited, apps.bInProgress]);
  });

  it('sends signature terms to every not-submitted application', async () => {
    expect((await post(paths.platform.publications.terms, { ...corporateTerms, kind: 'signature', cardProduct: '' })).status).toBe(303);
    expect((await notified()).map((r) => r.application_id)).toEqual([apps.aInvited, apps.aInProgressEn, apps.aReturned, apps.bInvited, apps.bInProgress]);
    expect((await currentTerms(ctx.deps.db, 'signature', '*', 'fr', ctx.deps.clock.now()))?.version).toBe('2026-12');
  });

  it('publishes a form version to all not-submitted applications, once per publication', async () => {
    const res = await post(paths.platform.publications.formVersion, { formVersion: '2026.2', formNote: 'Nouvelle question sur le centre de coût.' });
    expect(res.status).toBe(303);
    const rows = await notified();
    expect(rows.map((r) => r.application_id)).toEqual([apps.aInvited, apps.aInProgressEn, apps.aReturned, apps.bInvited, apps.bInProgress]);
    expect(rows.every((r) => r.data.termsChanged === false && r.idempotency_key.endsWith(':form:2026.2'))).toBe(true);
    expect(await ctx.deps.db('form_version').where({ version: '2026.2' }).first()).toMatchObject({ note: 'Nouvelle question sur le centre de coût.' });

    const again = await post(paths.platform.publications.formVersion, { formVersion: '2026.2', formNote: '' });
    expect(again.status).toBe(400);
    expect($(again.text)('#formVersion-error').text()).toContain('déjà publiée');
    await expect(
      publishFormVersion(ctx.deps.db, { version: '2026.2', note: '', adminId: 1, audit: { actor: { type: 'system' } }, now: new Date() }),
    ).rejects.toThrow('already published');
    expect(await notified()).toHaveLength(5);
  });

  it('renders e-mail 9 for terms and for the form, in both languages', () => {
    const renderer = createEmailRenderer({ baseUrl: 'https://sesame.example.com' });
    const data = { reference: '6000000001', firstName: 'Zoé', lastName: 'Martin', title: '', version: '2026-12' };
    const terms = renderer.render('form-changed', 'fr', { ...data, termsChanged: true });
    expect(terms.subject).toBe('Nouvelles conditions pour votre demande de carte Corporate');
    expect(terms.text).toContain('Les conditions générales applicables à votre carte Corporate ont été mises à jour (version 2026-12)');
    expect(terms.text).toContain('https://sesame.example.com/access?ref=6000000001');
    const form = renderer.render('form-changed', 'en', { ...data, termsChanged: false });
    expect(form.subject).toBe('The corporate card application form has changed');
    expect(form.text).toContain('Hello Zoé Martin,');
  });

  it.each([
    [{ ...corporateTerms, version: '' }, '#version', 'Saisissez la version.'],
    [{ ...corporateTerms, version: 'é 1' }, '#version', 'La version ne peut contenir'],
    [{ ...corporateTerms, cardProduct: '' }, '#cardProduct', 'Choisissez le produit carte.'],
    [{ ...corporateTerms, titleFr: '', bodyFr: '', titleEn: '', bodyEn: '' }, '#titleFr', 'au moins une langue'],
    [{ ...corporateTerms, bodyEn: '' }, '#bodyEn', 'Saisissez le texte dans cette langue'],
  ])('refuses an invalid terms form with the errors shown and nothing sent (%#)', async (fields, href, message) => {
    const res = await post(paths.platform.publications.terms, fields);
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('.error-summary a').first().attr('href')).toBe(href);
    expect(page('.error-summary').text()).toContain(message);
    expect(page('#titleFr').val()).toBe(fields.titleFr);
    expect(await notified()).toHaveLength(0);
    expect(await countOf(ctx.deps.db('terms_version'))).toBe(0);
  });

  it('is for the platform administrator only', async () => {
    await givenAdministrator(ctx.deps.db, { email: 'plain@test.example' });
    const plain = await signInAs(ctx.app, ctx.deps, 'plain@test.example');
    const token = csrfFrom((await plain.get(paths.admin.accessKeys.create)).text);
    await plain.get(paths.platform.publications.list).expect(403);
    await plain
      .post(paths.platform.publications.terms)
      .type('form')
      .send({ _csrf: token, ...corporateTerms })
      .expect(403);
    await plain.post(paths.platform.publications.formVersion).type('form').send({ _csrf: token, formVersion: 'x1' }).expect(403);
    expect(await notified()).toHaveLength(0);
    const nav = $((await platform.get(paths.platform.publications.list)).text);
    expect(nav(`nav a[href="${paths.platform.publications.list}"]`).attr('aria-current')).toBe('page');
  });
});
