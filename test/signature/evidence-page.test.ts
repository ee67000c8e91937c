import { createTestContext, TestClock, csrfFrom, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { formatDate } from '../../src/platform/i18n';
import { loadFormState } from '../../src/core/application/form-state';
import { formContentSha256 } from '../../src/features/signature/service';
import { pdfText } from './support';
import { CARDHOLDER, givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

/** Issue 17 part 1: the evidence page appended to every signed PDF, in the PDF's language. */
describe('the evidence page of a signed PDF', () => {
  let ctx: TestContext;
  let clock: TestClock;

  beforeAll(async () => {
    clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
    ctx = await createTestContext({}, { clock });
  });
  afterAll(() => ctx.close());

  const tick = (ms: number) => clock.advance(ms);

  const cases = [
    {
      lang: 'fr',
      title: 'Preuve de la signature électronique',
      zone: (tz: string) => `fuseau ${tz}`,
      labels: ['Nom', 'Adresse e-mail', 'Numéro de référence', 'Code envoyé', 'Code saisi (signature)', 'Nombre d’essais', 'SHA-256 du contenu du formulaire'],
      decision: 'Décision de l’administrateur',
      noDecision: 'Pas encore de décision à la signature',
    },
    {
      lang: 'en',
      title: 'Evidence of the electronic signature',
      zone: (tz: string) => `${tz} time zone`,
      labels: ['Name', 'E-mail address', 'Reference number', 'Code sent', 'Code typed (signature)', 'Number of tries', 'SHA-256 of the form’s content'],
      decision: 'Administrator’s decision',
      noDecision: 'No decision yet at signing',
    },
  ] as const;

  it.each(cases)('shows who signed, what, when and how, in the PDF language ($lang)', async ({ lang, title, zone, labels, decision, noDecision }) => {
    const a = await givenSignableApplication(ctx, { email: `evidence-${lang}@acme.example` });
    const agent = await employeeAgent(ctx, a, lang);
    await acceptSignatureTerms(agent);
    const sentAt = clock.now();
    const code = await requestCode(ctx, agent, a.id);
    tick(2 * 60 * 1000);
    // One wrong try, then the right code: two tries.
    expect((await postCode(agent, code === '000000' ? '111111' : '000000')).status).toBe(400);
    tick(30 * 1000);
    const typedAt = clock.now();
    const page = await agent.get(paths.employee.signing.code);
    const signed = await agent
      .post(paths.employee.signing.code)
      .type('form')
      .set('User-Agent', 'EvidenceBrowser/2.0')
      .send({ _csrf: csrfFrom(page.text), code });
    expect(signed.status).toBe(303);

    const text = pdfText((await agent.get(paths.employee.signedPdf(1)).buffer(true)).body).replace(/\s+/g, ' ');
    const start = text.indexOf(title);
    expect(start).toBeGreaterThan(0);
    const evidence = text.slice(start);

    for (const label of labels) expect(evidence).toContain(label);
    expect(evidence).toContain(`${CARDHOLDER.firstName} ${CARDHOLDER.lastName}`);
    expect(evidence).toContain(`evidence-${lang}@acme.example`);
    expect(evidence).toContain(a.reference);

    const tz = ctx.config.timeZone;
    for (const at of [sentAt, typedAt]) {
      expect(evidence).toContain(`${formatDate(lang, at, tz, true)} (${zone(tz)}) – ${at.toISOString()} (UTC)`);
    }
    const sig = await ctx.deps.db('signature').where({ application_id: a.id }).first();
    expect(evidence).toContain(sig.ip);
    expect(evidence).toContain('EvidenceBrowser/2.0');
    expect(evidence).toContain(`${labels[5]} 2 `);

    // The terms accepted: their version and SHA-256.
    const acceptances = await ctx.deps.db('terms_acceptance').where({ application_id: a.id }).select('version', 'sha256');
    expect(acceptances.length).toBe(2);
    for (const t of acceptances) {
      // A version may wrap after its hyphen.
      expect(evidence.replace(/- /g, '-')).toContain(`version ${t.version}`);
      expect(evidence).toContain(t.sha256);
    }
    // Each document's SHA-256 and the form's content.
    const docs = await ctx.deps.db('application_document').where({ application_id: a.id }).select('sha256');
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(evidence).toContain(d.sha256);
    const form = await loadFormState(ctx.deps.db, a.id, { now: clock.now(), timeZone: tz, language: lang });
    expect(evidence).toContain(formContentSha256(form!.ctx.form));
    expect(evidence).toContain(sig.shown_pdf_sha256);

    // Signed before any decision: said so.
    expect(evidence).toContain(decision);
    expect(evidence).toContain(noDecision);
  });

  it('hashes the form content independently of key order, and any change of an answer changes it', () => {
    expect(formContentSha256({ a: '1', b: { c: '2', d: '3' } })).toBe(formContentSha256({ b: { d: '3', c: '2' }, a: '1' }));
    expect(formContentSha256({ a: '1', b: { c: '2', d: '3' } })).not.toBe(formContentSha256({ a: '1', b: { c: '2', d: '4' } }));
  });

  it('the document shown before signing has no evidence page', async () => {
    const a = await givenSignableApplication(ctx, { email: 'draft-evidence@acme.example' });
    const agent = await employeeAgent(ctx, a, 'en');
    await acceptSignatureTerms(agent);
    const text = pdfText((await agent.get(paths.employee.signing.documentPdf).buffer(true)).body);
    expect(text).toContain('Document to be signed');
    expect(text).not.toContain('Evidence of the electronic signature');
  });
});
