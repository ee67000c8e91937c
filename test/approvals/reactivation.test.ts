import { createTestContext, signInAs, csrfFrom, $, TestClock, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';
import { act } from '../support/approval-queue';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createSmtpTransport } from '../../src/core/outbox/transport';
import { TestSmtpServer, type ReceivedMail } from '../outbox/smtp-support';

const DAY = 86_400_000;

describe('reactivation of a cancelled application: the employee is told by e-mail; past 90 days, a page that says why', () => {
  const smtp = new TestSmtpServer();
  let ctx: TestContext;
  let clock: TestClock;
  let admin: { id: number; email: string };
  let key: Key;
  let agents: Record<'fr' | 'en', Agent>;

  beforeAll(async () => {
    await smtp.start();
    clock = new TestClock();
    ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock });
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    admin = await givenAdministrator(db, {}, [account]);
    key = { ...(await givenAccessKey(db, account, admin.id)), accountId: account };
    await givenAdministrator(db, { email: 'platform@test.example', role: 'platform', display_name: 'Pat Platform' });
    agents = { fr: await signInAs(ctx.app, ctx.deps, admin.email, 'fr'), en: await signInAs(ctx.app, ctx.deps, admin.email, 'en') };
  });
  afterAll(async () => {
    await smtp.stop();
    await ctx.close();
  });

  /** A pending application initiated `daysAgo` days ago, then cancelled through the queue. */
  async function cancelled(daysAgo: number, employee: { language: 'fr' | 'en'; firstName: string; lastName: string; email: string }) {
    const createdAt = new Date(clock.now().getTime() - daysAgo * DAY).toISOString();
    const a = await givenPending(ctx.deps.db, key, { createdAt, ...employee });
    await act(agents.en, { ids: [a.id], action: 'cancel', form: { comment: 'Cancelled by mistake' } });
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).status).toBe('cancelled');
    return a;
  }

  async function reactivate(agent: Agent, id: number) {
    const page = await agent.get(paths.admin.applications.show(id));
    return agent
      .post(paths.admin.applications.reactivate(id))
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
  }

  /** Delivers what the outbox holds over real SMTP; returns what the server received for that address. */
  async function deliveredTo(address: string): Promise<ReceivedMail[]> {
    const transport = createSmtpTransport(ctx.config.mail, { connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 });
    try {
      await createOutboxDispatcher(ctx.deps, transport).runOnce();
    } finally {
      await transport.close();
    }
    return smtp.to(address);
  }

  const baseUrl = () => ctx.config.publicBaseUrl.replace(/\/$/, '');
  const queued = (id: number) => ctx.deps.db('outbox').where({ application_id: id, template: 'reactivated' });

  it.each([
    [
      'fr' as const,
      'Votre demande de carte Corporate a été réactivée',
      'Bonjour Zoé Martin,',
      'Votre entreprise a réactivé votre demande de carte Corporate',
      'Votre numéro de référence : ',
    ],
    [
      'en' as const,
      'Your corporate card application has been reactivated',
      'Hello Zoé Martin,',
      'Your company has reactivated your corporate card application',
      'Your reference number: ',
    ],
  ])(
    'sends the employee an e-mail in their language (%s), with the link and the reference to resume',
    async (language, subject, greeting, body, referenceLine) => {
      const email = `zoe.${language}@example.test`;
      const a = await cancelled(10, { language, firstName: 'Zoé', lastName: 'Martin', email });
      await deliveredTo(email);
      smtp.received = [];
      expect(await queued(a.id)).toHaveLength(0);

      // The administrator's page language is not the employee's: the e-mail follows the employee.
      const other = language === 'fr' ? agents.en : agents.fr;
      expect((await reactivate(other, a.id)).status).toBe(303);
      const rows = await queued(a.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ language, recipient: email });

      const mails = await deliveredTo(email);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!.parsed;
      expect(mail.subject).toBe(subject);
      const link = `${baseUrl()}${paths.employee.entry}?ref=${a.reference}`;
      expect(mail.text).toContain(greeting);
      expect(mail.text).toContain(body);
      expect(mail.text).toContain(`${referenceLine}${a.reference}`);
      expect(mail.text).toContain(link);
      expect(mail.html).toContain(`href="${link}"`);
      expect(mail.html).toContain(`<html lang="${language}">`);

      // A second click reactivates nothing and sends nothing more.
      expect((await reactivate(other, a.id)).status).toBe(409);
      expect(await queued(a.id)).toHaveLength(1);
    },
  );

  it('queues the e-mail in the reactivation’s transaction: when it cannot be queued, the application stays cancelled', async () => {
    const a = await cancelled(5, { language: 'fr', firstName: 'Zoé', lastName: 'Martin', email: 'same.transaction@example.test' });
    ctx.deps.faults.beforeActionEmails = async () => {
      throw new Error('outbox unavailable');
    };
    try {
      expect((await reactivate(agents.en, a.id)).status).toBe(500);
    } finally {
      delete ctx.deps.faults.beforeActionEmails;
    }
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).status).toBe('cancelled');
    expect(await ctx.deps.db('application_status_history').where({ application_id: a.id, event: 'reactivated' })).toHaveLength(0);
    expect(await ctx.deps.db('audit_log').where({ application_id: a.id, action: 'application.reactivate' })).toHaveLength(0);
    expect(await queued(a.id)).toHaveLength(0);
    // Once it can be queued again, the reactivation and its e-mail go through together.
    expect((await reactivate(agents.en, a.id)).status).toBe(303);
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).status).toBe('pending_approval');
    expect(await queued(a.id)).toHaveLength(1);
  });

  it('appears on the e-mail templates page, and an edited version is what the employee receives', async () => {
    const platform = await signInAs(ctx.app, ctx.deps, 'platform@test.example', 'en');
    const list = $((await platform.get(paths.admin.emailTemplates.list).expect(200)).text);
    const row = list('tr[data-template="reactivated"]');
    expect(row.text()).toContain('Application reactivated');
    expect(row.find('td[data-language="fr"] a').attr('href')).toBe(paths.admin.emailTemplates.edit('reactivated', 'fr'));
    expect(row.find('td[data-language="en"] .template-subject').text()).toBe('Your corporate card application has been reactivated');

    const editor = await platform.get(paths.admin.emailTemplates.edit('reactivated', 'fr')).expect(200);
    const form = $(editor.text);
    expect(form('#subject').val()).toBe('Votre demande de carte Corporate a été réactivée');
    expect(
      form('#template-variables tbody tr')
        .map((_i, el) => form(el).attr('data-variable'))
        .get(),
    ).toEqual(['reference', 'firstName', 'lastName', 'fullName', 'links.entry']);
    const saved = await platform
      .post(paths.admin.emailTemplates.edit('reactivated', 'fr'))
      .type('form')
      .send({
        _csrf: csrfFrom(editor.text),
        subject: 'Demande {{ reference }} réactivée',
        body: 'Bonjour {{ fullName }},\n\nReprenez ici :\n{{ links.entry }}',
      });
    expect(saved.status).toBe(303);

    const email = 'edited.template@example.test';
    const a = await cancelled(20, { language: 'fr', firstName: 'Léa', lastName: 'Roux', email });
    await deliveredTo(email);
    smtp.received = [];
    expect((await reactivate(agents.fr, a.id)).status).toBe(303);
    const mails = await deliveredTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.subject).toBe(`Demande ${a.reference} réactivée`);
    expect(mails[0]!.parsed.text).toContain(`Bonjour Léa Roux,\n\nReprenez ici :\n${baseUrl()}${paths.employee.entry}?ref=${a.reference}`);
  });

  it.each([
    [
      'fr' as const,
      'Réactivation impossible : plus de 90 jours depuis l’initiation',
      'est annulée et a été initiée le',
      'ouvrez une nouvelle demande',
      'Retour à la demande',
    ],
    [
      'en' as const,
      'Reactivation not possible: more than 90 days since initiation',
      'more than 90 days have passed since its initiation',
      'start a new application',
      'Back to application',
    ],
  ])('past 90 days, answers 409 with a page that says why and links back to the application (%s)', async (lang, title, why, next, back) => {
    const a = await cancelled(91, { language: 'fr', firstName: 'Zoé', lastName: 'Martin', email: `late.${lang}@example.test` });
    const res = await reactivate(agents[lang], a.id);
    expect(res.status).toBe(409);
    const page = $(res.text);
    expect(page('title').text()).toContain(title);
    expect(page('h1').text()).toBe(title);
    expect(page('h1').text()).not.toMatch(/Accès refusé|Access denied/);
    expect(page('main').text()).toContain(why);
    expect(page('main').text()).toContain(a.reference);
    expect(page('main').text()).toContain(next);
    expect(page(`main a[href="${paths.admin.applications.show(a.id)}"]`).text()).toContain(back);
    expect(page(`main a[href="${paths.admin.applications.initiate(key.id)}"]`).length).toBe(1);
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).status).toBe('cancelled');
    expect(await queued(a.id)).toHaveLength(0);
  });
});
