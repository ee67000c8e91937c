import supertest from 'supertest';
import { createTestContext, $, TestClock, type TestContext } from '../support/app';
import { countOf } from '../support/database';
import { paths } from '../../src/platform/paths';
import { canStartSigning, buildReview } from '../../src/core/application/review';
import { tFor } from '../../src/platform/i18n';
import { givenApplication, givenFormKey, type KeyOptions } from '../support/builders';
import { enter, pdfBytes, sectionIds, sectionStatus, submit, uploadDocument, VALID_CARDHOLDER, VALID_IBAN } from '../support/employee';

interface Scenario {
  name: string;
  lang: 'fr' | 'en';
  key: KeyOptions;
  priority: 'normal' | 'urgent';
  origin?: 'controlled' | 'self_service';
  directDebit?: 'yes' | 'no';
  sections: string[];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'normal, central payment, no approver (fr)',
    lang: 'fr',
    key: {},
    priority: 'normal',
    sections: ['company', 'priority', 'cardholder', 'pin', 'documents', 'terms'],
  },
  {
    name: 'urgent, central payment (en): no PIN section',
    lang: 'en',
    key: {},
    priority: 'urgent',
    sections: ['company', 'priority', 'cardholder', 'documents', 'terms'],
  },
  {
    name: 'normal, individual payment with direct debit required, additional approver (en)',
    lang: 'en',
    key: {
      paymentType: 'individual',
      liabilityType: 'individual',
      directDebitRule: 'required',
      approver: true,
      employeeNumberRule: 'required',
      costCentreRule: 'required',
    },
    priority: 'normal',
    sections: ['company', 'priority', 'cardholder', 'payment', 'pin', 'documents', 'approval', 'terms'],
  },
  {
    name: 'urgent, individual payment with direct debit optional and chosen, additional approver (fr)',
    lang: 'fr',
    key: { paymentType: 'individual', directDebitRule: 'optional', approver: true },
    priority: 'urgent',
    directDebit: 'yes',
    sections: ['company', 'priority', 'cardholder', 'payment', 'documents', 'approval', 'terms'],
  },
  {
    name: 'normal, individual payment with direct debit optional and declined (en)',
    lang: 'en',
    key: { paymentType: 'individual', directDebitRule: 'optional' },
    priority: 'normal',
    directDebit: 'no',
    sections: ['company', 'priority', 'cardholder', 'payment', 'pin', 'documents', 'terms'],
  },
  {
    name: 'normal, individual payment without direct debit: no payment section (fr)',
    lang: 'fr',
    key: { paymentType: 'individual', directDebitRule: 'none' },
    priority: 'normal',
    sections: ['company', 'priority', 'cardholder', 'pin', 'documents', 'terms'],
  },
  {
    name: 'self-service, the employee chooses urgent (en)',
    lang: 'en',
    key: {},
    priority: 'urgent',
    origin: 'self_service',
    sections: ['company', 'priority', 'cardholder', 'documents', 'terms'],
  },
  {
    name: 'self-service, normal, central payment with direct debit rule required: still no payment section (fr)',
    lang: 'fr',
    key: { directDebitRule: 'required' },
    priority: 'normal',
    origin: 'self_service',
    sections: ['company', 'priority', 'cardholder', 'pin', 'documents', 'terms'],
  },
];

describe('the employee fills the form up to the review page', () => {
  let ctx: TestContext;
  const clock = new TestClock();

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
  });
  afterAll(() => ctx.close());

  it.each(SCENARIOS)('$name', async (s) => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db, s.key);
    const selfService = s.origin === 'self_service';
    const app = await givenApplication(db, key, { priority: selfService ? 'normal' : s.priority, origin: s.origin ?? 'controlled', language: s.lang });
    const agent = await enter(ctx.app, key, app.reference, s.lang);

    // Task list: only the sections that apply, all incomplete except the read-only company (and an administrator's priority).
    let tasks = await agent.get(paths.employee.application);
    expect(tasks.status).toBe(200);
    expect($(tasks.text)('html').attr('lang')).toBe(s.lang);
    expect(sectionIds(tasks.text)).toEqual(
      selfService && s.priority === 'urgent' ? ['company', 'priority', 'cardholder', 'pin', 'documents', 'terms'] : s.sections,
    );
    expect($(tasks.text)('#before-you-start').length).toBe(1);
    expect(sectionStatus(tasks.text, 'cardholder')).toBe(s.lang === 'fr' ? 'Incomplet' : 'Incomplete');
    expect(await canStartSigning(db, app.id, { now: clock.now() })).toBe(false);

    // Company: read-only.
    const company = await agent.get(paths.employee.form.company);
    expect($(company.text)('#company-details').text()).toContain('ACME Formulaire SA');
    expect($(company.text)('form input').length).toBe(0);

    // Priority.
    if (selfService) {
      const res = await submit(agent, paths.employee.form.priority, {
        action: 'continue',
        priority: s.priority,
        ...(s.priority === 'urgent' ? { urgentTermsAccepted: 'yes' } : {}),
      });
      expect(res.status).toBe(303);
      expect((await db('application').where({ id: app.id }).first()).priority).toBe(s.priority);
    } else {
      const page = await agent.get(paths.employee.form.priority);
      expect($(page.text)('#priority-set-by-admin').length).toBe(1);
      expect($(page.text)('input[name="priority"]').length).toBe(0);
    }
    tasks = await agent.get(paths.employee.application);
    expect(sectionIds(tasks.text)).toEqual(s.sections);

    // Cardholder.
    const holder = await submit(agent, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER, correspondenceLanguage: s.lang });
    expect(holder.status).toBe(303);
    expect(holder.headers.location).toBe(paths.employee.application);
    const row = await db('application').where({ id: app.id }).first();
    expect(row.language).toBe(s.lang);
    expect(JSON.parse(row.form_data).cardholder.embossName).toBe('ELODIE DUPRE');

    // Individual payment.
    if (s.sections.includes('payment')) {
      const fields: Record<string, string> =
        s.directDebit === 'no'
          ? { directDebit: 'no' }
          : { iban: VALID_IBAN, bic: 'BNPAFRPP', accountHolder: 'Élodie Dupré', ...(s.directDebit ? { directDebit: 'yes' } : {}) };
      const res = await submit(agent, paths.employee.form.payment, { action: 'continue', ...fields });
      expect(res.status).toBe(303);
    } else {
      expect((await agent.get(paths.employee.form.payment)).headers.location).toBe(paths.employee.application);
    }

    // PIN.
    if (s.sections.includes('pin')) {
      const res = await submit(agent, paths.employee.form.pin, { action: 'continue', pin: '5827', pinConfirmation: '5827' });
      expect(res.status).toBe(303);
      const page = await agent.get(paths.employee.form.pin);
      expect($(page.text)('#pin-chosen').length).toBe(1);
      expect($(page.text)('#pin').val()).toBe('');
    } else {
      expect((await agent.get(paths.employee.form.pin)).headers.location).toBe(paths.employee.application);
    }

    // Documents.
    expect((await uploadDocument(agent, 'identity', pdfBytes('id'), 'passport.pdf')).status).toBe(303);
    if (s.key.liabilityType === 'individual') {
      const refused = await submit(agent, paths.employee.form.documents, { action: 'continue' });
      expect(refused.status).toBe(400);
      expect($(refused.text)('.error-summary').text()).toContain(s.lang === 'fr' ? 'Joignez un justificatif de domicile' : 'Attach a proof of address');
      expect((await uploadDocument(agent, 'proof_of_address', pdfBytes('address'), 'facture.pdf')).status).toBe(303);
    }
    expect((await submit(agent, paths.employee.form.documents, { action: 'continue' })).status).toBe(303);

    // Additional approval.
    if (s.sections.includes('approval')) {
      const notSent = await submit(agent, paths.employee.form.approval, {
        action: 'continue',
        approverName: 'Marc Durand',
        approverEmail: 'marc.durand@acme.example',
        approverLanguage: 'fr',
      });
      expect(notSent.status).toBe(400);
      const sent = await submit(agent, paths.employee.form.approval, {
        action: 'send',
        approverName: 'Marc Durand',
        approverEmail: 'marc.durand@acme.example',
        approverLanguage: 'fr',
      });
      expect(sent.status).toBe(303);
      expect(
        await countOf(db('outbox').where({ application_id: app.id, template: 'additional-approval-request', recipient: 'marc.durand@acme.example' })),
      ).toBe(1);
      expect(
        (
          await submit(agent, paths.employee.form.approval, {
            action: 'continue',
            approverName: 'Marc Durand',
            approverEmail: 'marc.durand@acme.example',
            approverLanguage: 'fr',
          })
        ).status,
      ).toBe(303);
    } else {
      expect((await agent.get(paths.employee.form.approval)).headers.location).toBe(paths.employee.application);
    }

    // Terms: the version in force for the product and the page language.
    const termsPage = await agent.get(paths.employee.form.terms);
    expect($(termsPage.text)('#terms-title').text()).toBeTruthy();
    const termsId = $(termsPage.text)('input[name="termsId"]').val() as string;
    const terms = await db('terms_version')
      .where({ id: Number(termsId) })
      .first();
    expect(terms.language).toBe(s.lang);
    expect((await submit(agent, paths.employee.form.terms, { action: 'continue', accept: 'yes', termsId })).status).toBe(303);
    const acceptance = await db('terms_acceptance').where({ application_id: app.id }).first();
    expect(acceptance).toMatchObject({ terms_version_id: terms.id, version: terms.version, sha256: terms.sha256 });

    // Everything completed; the review page offers to sign.
    tasks = await agent.get(paths.employee.application);
    for (const id of s.sections) expect(sectionStatus(tasks.text, id)).toBe(s.lang === 'fr' ? 'Complété' : 'Completed');
    const review = await agent.get(paths.employee.review);
    expect(review.status).toBe(200);
    const page = $(review.text);
    expect(page('h1').text()).toBe(s.lang === 'fr' ? 'Vérifiez vos réponses avant de signer' : 'Check your answers before signing');
    expect(page('.error-summary').length).toBe(0);
    expect(page('#sign').attr('href')).toBe(paths.employee.signature);
    expect(
      page('.review-section')
        .map((_i, el) => page(el).attr('id'))
        .get(),
    ).toEqual(s.sections.map((id) => `section-${id}`));
    // Each editable section has "change" links back to itself, returning to the review.
    expect(page('#section-cardholder a.summary-list__change').first().attr('href')).toBe(
      `${paths.employee.form.cardholder}?returnTo=${encodeURIComponent(paths.employee.review)}`,
    );
    expect(page('#section-company a.summary-list__change').length).toBe(0);
    // Not in the page, leaving out the random CSRF token (which may contain these digits by chance).
    expect(review.text.replace(/name="_csrf" value="[^"]*"/g, '')).not.toContain('5827');
    if (s.sections.includes('payment') && s.directDebit !== 'no') {
      expect(page('#section-payment').text()).toContain('0189');
      expect(review.text).not.toContain('30006000011234567890');
      expect(review.text.replace(/\s/g, '')).not.toContain('FR763000');
    }
    expect(await canStartSigning(db, app.id, { now: clock.now(), timeZone: 'Europe/Paris' })).toBe(true);

    const built = await buildReview(db, app.id, s.lang, tFor(s.lang), { now: clock.now(), timeZone: 'Europe/Paris' });
    expect(built.canSign).toBe(true);
    expect(built.sections.map((x) => x.id)).toEqual(s.sections);
    const docs = built.sections.find((x) => x.id === 'documents')!;
    expect(docs.rows[0]!.value).toMatch(/passport\.pdf .*[0-9a-f]{64}/);
    expect(JSON.stringify(built)).not.toContain('5827');
  });

  it('goes back to the review after a change made from it (returnTo), and refuses a foreign returnTo', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key);
    const agent = await enter(ctx.app, key, app.reference, 'en');
    const back = `${paths.employee.form.cardholder}?returnTo=${encodeURIComponent(paths.employee.review)}`;
    const res = await submit(agent, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER, returnTo: paths.employee.review }, back);
    expect(res.headers.location).toBe(paths.employee.review);
    const evil = await submit(agent, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER, returnTo: '//evil.example/x' });
    expect(evil.headers.location).toBe(paths.employee.application);
  });

  it('shows the form read-only once submitted, and refuses changes', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key);
    const agent = await enter(ctx.app, key, app.reference, 'en');
    const page = await agent.get(paths.employee.form.cardholder);
    const token = $(page.text)('input[name="_csrf"]').val() as string;
    await db('application').where({ id: app.id }).update({ status: 'pending_approval' });
    const tasks = await agent.get(paths.employee.application);
    expect($(tasks.text)('#not-editable a').first().attr('href')).toBe(paths.employee.status);
    expect($(tasks.text)('#tasks').length).toBe(0);
    expect((await agent.get(paths.employee.form.cardholder)).headers.location).toBe(paths.employee.application);
    const post = await agent.post(paths.employee.form.cardholder).type('form').send({ _csrf: token, action: 'save', firstName: 'Changed' });
    expect(post.headers.location).toBe(paths.employee.application);
    expect(JSON.parse((await db('application').where({ id: app.id }).first()).form_data).cardholder).toBeUndefined();
    const review = await agent.get(paths.employee.review);
    expect($(review.text)('#sign').length).toBe(0);
    expect(await canStartSigning(db, app.id, { now: clock.now() })).toBe(false);
  });

  it('sends an employee without a session to the entry page', async () => {
    for (const path of [paths.employee.application, paths.employee.form.cardholder, paths.employee.review, paths.employee.form.documents]) {
      const res = await supertest(ctx.app).get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(paths.employee.entry);
    }
  });

  it('quits without saving the page: the session ends, what was saved stays', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key);
    const agent = await enter(ctx.app, key, app.reference, 'fr');
    const res = await submit(agent, paths.employee.form.cardholder, { action: 'quit', ...VALID_CARDHOLDER });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${paths.employee.left}?lang=fr`);
    expect(JSON.parse((await db('application').where({ id: app.id }).first()).form_data).cardholder).toBeUndefined();
    expect((await agent.get(paths.employee.application)).headers.location).toBe(paths.employee.entry);
    const left = await agent.get(`${paths.employee.left}?lang=fr`);
    expect($(left.text)('h1').text()).toBe('Vous avez quitté votre demande');
  });
});
