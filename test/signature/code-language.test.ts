import { createTestContext, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createSmtpTransport, type MailTransport } from '../../src/core/outbox/transport';
import { CARDHOLDER, givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, requestCode, submit } from '../support/employee';
import { TestSmtpServer } from '../outbox/smtp-support';
import { waitFor } from '../support/wait';

/**
 * Every e-mail to the employee goes out in their correspondence language (the form's cardholder section), never in
 * the language of the page they happen to read: here the signing code, over a real SMTP server.
 */
describe('the signing code e-mail’s language', () => {
  const smtp = new TestSmtpServer();
  let ctx: TestContext;
  let transport: MailTransport;

  beforeAll(async () => {
    await smtp.start();
    ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock: new TestClock(new Date('2026-11-24T09:00:00Z')) });
    transport = createSmtpTransport(ctx.config.mail, { connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await transport.close();
    await ctx.close();
    await smtp.stop();
  });

  /** Sends what the outbox holds over SMTP; the message received for `to` that carries `code`. */
  async function codeMail(to: string, code: string) {
    const dispatcher = createOutboxDispatcher(ctx.deps, transport, { random: () => 0 });
    while ((await dispatcher.runOnce(ctx.deps.clock.now())).claimed > 0);
    const find = () => smtp.to(to).find((m) => (m.parsed.text ?? '').includes(code));
    await waitFor(() => Boolean(find()));
    return find()!.parsed;
  }

  it('sends the code in French when the page is in English and the correspondence language is French', async () => {
    const a = await givenSignableApplication(ctx, { email: 'francais@acme.example' });
    const agent = await employeeAgent(ctx, a, 'en');
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    const mail = await codeMail('francais@acme.example', code);
    expect(mail.subject).toBe('Votre code de signature électronique');
    expect(mail.text).toContain('Il est valable 10 minutes');
  });

  it('sends the code in English when the page is in French and the employee saved English as correspondence language', async () => {
    const a = await givenSignableApplication(ctx, { email: 'english@acme.example' });
    const agent = await employeeAgent(ctx, a, 'fr');
    // Save only (no Continue): the section stays complete, and the choice counts at once.
    const saved = await submit(agent, paths.employee.form.cardholder, { action: 'save', ...CARDHOLDER, correspondenceLanguage: 'en' });
    expect(saved.status).toBe(303);
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).language).toBe('en');
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    const mail = await codeMail('english@acme.example', code);
    expect(mail.subject).toBe('Your electronic signature code');
    expect(mail.text).toContain('It is valid for 10 minutes');
  });
});
