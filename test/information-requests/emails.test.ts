import crypto from 'node:crypto';
import { createTestContext, signInAs, csrfFrom, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, pdfBytes, postCode, requestCode } from '../support/employee';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createSmtpTransport } from '../../src/core/outbox/transport';
import { TestSmtpServer, type ReceivedMail } from '../outbox/smtp-support';

/** The e-mails of a request for information over real SMTP: to the employee (no attachment), then to the administrator. */
describe('request for information e-mails, delivered over SMTP', () => {
  const smtp = new TestSmtpServer();
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));

  beforeAll(async () => {
    await smtp.start();
    ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock });
  });
  afterAll(async () => {
    await smtp.stop();
    await ctx.close();
  });

  async function deliveredTo(address: string): Promise<ReceivedMail[]> {
    const transport = createSmtpTransport(ctx.config.mail, { connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 });
    try {
      await createOutboxDispatcher(ctx.deps, transport).runOnce();
    } finally {
      await transport.close();
    }
    return smtp.to(address);
  }

  it.each([
    [
      'fr' as const,
      'Demande d’information sur votre demande de carte Corporate – référence',
      'Documents demandés :\n- Bulletin de salaire',
      'Réponse reçue à la demande d’information',
    ],
    [
      'en' as const,
      'Request for information about your corporate card application – reference',
      'Documents requested:\n- Payslip',
      'Answer received to request for information',
    ],
  ])(
    'in %s: the request with its reference, the documents, the date and the entry link, never an attachment; the answer notice to the requester',
    async (lang, subject, documents, answeredSubject) => {
      const email = `rfi.${crypto.randomUUID()}@acme.example`;
      const a = await givenSignableApplication(ctx, { email });
      await ctx.deps.db('application').where({ id: a.id }).update({ language: lang });
      await ctx.deps.db('administrator').where({ id: a.adminId }).update({ language: lang });
      const employee = await employeeAgent(ctx, a, lang);
      await acceptSignatureTerms(employee);
      await postCode(employee, await requestCode(ctx, employee, a.id));
      await deliveredTo(email); // the invitation and signing e-mails, out of the way
      smtp.received = [];

      const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, lang);
      const form = await admin.get(paths.admin.informationRequests.create(a.id));
      const res = await admin
        .post(paths.admin.informationRequests.create(a.id))
        .type('form')
        .send({ _csrf: csrfFrom(form.text), message: 'Please send your latest payslip.', documents: 'payslip', answerBy: '2026-12-15' });
      expect(res.status).toBe(303);
      const request = await ctx.deps.db('information_request').where({ application_id: a.id }).first();

      const [mail, ...more] = await deliveredTo(email);
      expect(more).toHaveLength(0);
      expect(mail!.parsed.subject).toBe(`${subject} ${request.reference}`);
      expect(mail!.parsed.attachments).toHaveLength(0);
      const text = mail!.parsed.text ?? '';
      expect(text).toContain('Please send your latest payslip.');
      expect(text).toContain(documents);
      expect(text).toContain(lang === 'fr' ? '15 décembre 2026' : '15 December 2026');
      expect(text).toContain(`${ctx.config.publicBaseUrl.replace(/\/$/, '')}${paths.employee.entry}?ref=${a.reference}`);
      expect(mail!.parsed.html).toContain(request.reference);

      // The employee answers in Sésame; the administrator who asked gets the notice with the request's link.
      const page = await employee.get(paths.employee.informationRequests.show(request.id));
      const answered = await employee
        .post(paths.employee.informationRequests.answer(request.id))
        .field('_csrf', $(page.text)('#answer-form input[name="_csrf"]').val() as string)
        .field('message', 'Attached.')
        .attach('file_payslip', pdfBytes('payslip'), { filename: 'payslip.pdf', contentType: 'application/pdf' });
      expect(answered.status).toBe(303);
      const [notice, ...others] = await deliveredTo(a.adminEmail);
      expect(others).toHaveLength(0);
      expect(notice!.parsed.subject).toBe(`${answeredSubject} ${request.reference}`);
      expect(notice!.parsed.attachments).toHaveLength(0);
      expect(notice!.parsed.text).toContain(`${paths.admin.informationRequests.show(request.id)}`);
    },
  );
});
