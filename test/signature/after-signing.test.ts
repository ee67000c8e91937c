import { createTestContext, TestClock, $, csrfFrom, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { transition } from '../../src/core/application/status';
import { givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, enter, postCode, requestCode } from '../support/employee';

/** SECURITY.md: signing ends the session it was done in; only the status page and the signed PDF stay reachable. */
describe('after signing, the session shows the status and the signed PDF only', () => {
  let ctx: TestContext;
  let clock: TestClock;

  beforeAll(async () => {
    clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
    ctx = await createTestContext({}, { clock });
  });
  afterAll(() => ctx.close());

  async function signedIn(lang: 'fr' | 'en') {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a, lang);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    // A form page opened before signing, in another tab: its CSRF token is still the session's.
    const cardholder = await agent.get(paths.employee.form.cardholder);
    const signed = await postCode(agent, code);
    expect(signed.status).toBe(303);
    return { a, agent, code, tabToken: csrfFrom(cardholder.text) };
  }

  const formPages = [
    paths.employee.application,
    paths.employee.form.company,
    paths.employee.form.cardholder,
    paths.employee.form.payment,
    paths.employee.form.documents,
    paths.employee.form.terms,
    paths.employee.review,
    paths.employee.beforeYouStart,
    paths.employee.signature,
    paths.employee.signing.document,
    paths.employee.signing.documentPdf,
    paths.employee.signing.code,
  ];

  it.each([
    ['fr', 'seuls son suivi et le PDF signé restent accessibles'],
    ['en', 'only its status and the signed PDF remain available'],
  ] as const)('sends every form and signing page back to the status page, saying why (%s)', async (lang, message) => {
    const { agent } = await signedIn(lang);
    for (const page of formPages) {
      const res = await agent.get(page);
      expect([page, res.status, res.headers.location]).toEqual([page, 303, paths.employee.status]);
    }
    const status = await agent.get(paths.employee.status);
    expect(status.status).toBe(200);
    expect(status.text).toContain(message);
  });

  it('keeps the status page, the confirmation and the signed PDF', async () => {
    const { agent } = await signedIn('fr');
    expect((await agent.get(paths.employee.signing.signed)).status).toBe(200);
    const status = await agent.get(paths.employee.status);
    expect(status.status).toBe(200);
    const pdf = await agent.get(paths.employee.signedPdf(1));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('refuses a form posted from a tab opened before signing, and changes nothing', async () => {
    const { a, agent, tabToken } = await signedIn('fr');
    const before = await ctx.deps.db('application').where({ id: a.id }).first('form_data', 'updated_at');
    const res = await agent.post(paths.employee.form.cardholder).type('form').send({ _csrf: tabToken, firstName: 'Mallory', action: 'save' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.employee.status);
    expect(await ctx.deps.db('application').where({ id: a.id }).first('form_data', 'updated_at')).toEqual(before);
  });

  it('still answers a replayed signing form with "already signed"', async () => {
    const { agent, code, tabToken } = await signedIn('fr');
    const replay = await agent.post(paths.employee.signing.code).type('form').send({ _csrf: tabToken, code });
    expect(replay.status).toBe(409);
    expect($(replay.text)('#already-signed').text()).toContain('déjà été signée');
  });

  it.each([
    ['fr', 'reconnectez-vous avec votre référence et votre clé d’accès'],
    ['en', 'sign in again with your reference and access key'],
  ] as const)('a returned application is changed after signing in again, not in the signing session (%s)', async (lang, text) => {
    const { a, agent } = await signedIn(lang);
    await ctx.deps.db.transaction((trx) =>
      transition(trx, {
        applicationId: a.id,
        from: ['pending_approval'],
        to: 'returned',
        actor: { type: 'admin', id: a.adminId },
        comment: 'Pièce illisible',
        commentForEmployee: true,
        now: clock.now(),
      }),
    );
    const status = await agent.get(paths.employee.status);
    expect($(status.text)('#sign-in-again').text()).toContain(text);
    expect($(status.text)('#continue-form').attr('href')).toBe(`${paths.employee.entry}?ref=${encodeURIComponent(a.reference)}`);
    expect((await agent.get(paths.employee.form.cardholder)).headers.location).toBe(paths.employee.status);
    // Signing in again opens a fresh session in which the form is editable.
    const again = await enter(ctx.app, { number: a.keyNumber }, a.reference, lang);
    expect((await again.get(paths.employee.form.cardholder)).status).toBe(200);
  });

  it('does not touch the administrators’ /applications pages', async () => {
    const { agent } = await signedIn('fr');
    const res = await agent.get('/applications');
    expect(res.headers.location).not.toBe(paths.employee.status);
  });
});
