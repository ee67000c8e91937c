import { createTestContext, signInAs, csrfFrom, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { createEmailRenderer, extractLinks } from '../../src/core/outbox/render';
import { NOT_SUBMITTED, StaleStateError } from '../../src/core/application/status';
import { countOf } from '../support/database';
import { RUN_GROUP_SIZE } from '../../src/features/approvals/service';
import type { Faults } from '../../src/platform/deps';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';
import { outboxRows } from '../support/outbox';
import { act, resultRows, select } from '../support/approval-queue';

describe('approval queue actions: approve, return, cancel', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let adminA2: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: Key;
  let keyB: Key;
  const renderer = () => createEmailRenderer({ baseUrl: ctx.config.publicBaseUrl });
  const faults: Faults = {};

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(), faults });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db, { company_name: 'ACME Test SA' });
    const accountB = await givenAccount(db, { company_name: 'Globex' });
    adminA = await givenAdministrator(db, { display_name: 'Claire Admin' }, [accountA]);
    adminA2 = await givenAdministrator(db, { display_name: 'Paul Admin' }, [accountA]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Finance' })), accountId: accountA };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id)), accountId: accountB };
  });
  afterAll(() => ctx.close());

  async function statusOf(id: number): Promise<string> {
    return (await ctx.deps.db('application').where({ id }).first('status')).status;
  }
  async function history(id: number) {
    return ctx.deps.db('application_status_history').where({ application_id: id }).orderBy('id');
  }

  it.each(['fr', 'en'] as const)('approves and queues e-mail 6 in the employee’s language (%s), with a link to the accepted terms', async (lang) => {
    const app = await givenPending(ctx.deps.db, keyA, { language: lang, firstName: 'Zoé', lastName: 'Martin' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, lang);
    const { results } = await act(agent, { ids: [app.id], action: 'approve', form: { comment: 'OK pour moi' } });
    expect(resultRows(results.text, 'succeeded').map((r) => r.id)).toEqual([app.id]);
    expect(await statusOf(app.id)).toBe('approved');
    const last = (await history(app.id)).pop();
    expect(last).toMatchObject({ from_status: 'pending_approval', to_status: 'approved', actor_type: 'admin', actor_id: adminA.id, comment: 'OK pour moi' });
    expect(Boolean(last.comment_for_employee)).toBe(false);
    const mails = (await outboxRows(ctx.deps.db, app.id)).filter((m) => m.template === 'approved');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ language: lang, idempotency_key: `approved:${app.id}:${last.id}` });
    const mail = renderer().render('approved', lang, JSON.parse(mails[0]!.data));
    expect(mail.subject).toBe(lang === 'fr' ? 'Votre demande de carte Corporate a été approuvée' : 'Your corporate card application has been approved');
    expect(mail.text).toContain(app.reference);
    expect(mail.text).toContain(lang === 'fr' ? 'conditions générales des titulaires' : 'cardholder terms');
    expect(extractLinks(mail.text).some((l) => l.startsWith(`${ctx.config.publicBaseUrl}${paths.employee.entry}`))).toBe(true);
    const audit = await ctx.deps.db('audit_log').where({ application_id: app.id, action: 'application.approve' });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_email).toBe(adminA.email);
  });

  it('says in e-mail 6 which version of the terms was accepted, and when', async () => {
    const db = ctx.deps.db;
    const app = await givenPending(db, keyA, { language: 'en' });
    const [terms] = await db('terms_version')
      .insert({
        kind: 'cardholder',
        card_product: 'corporate',
        language: 'en',
        version: '2026-10',
        title: 'Terms',
        body: 'Terms body',
        sha256: 'a'.repeat(64),
        published_at: '2026-10-01T00:00:00.000Z',
      })
      .returning('id');
    const termsId = typeof terms === 'object' ? (terms as { id: number }).id : (terms as number);
    await db('terms_acceptance').insert({
      application_id: app.id,
      terms_version_id: termsId,
      kind: 'cardholder',
      version: '2026-10',
      sha256: 'a'.repeat(64),
      accepted_at: '2026-11-25T10:00:00.000Z',
    });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    await act(agent, { ids: [app.id], action: 'approve' });
    const [mail] = (await outboxRows(db, app.id)).filter((m) => m.template === 'approved');
    const rendered = renderer().render('approved', 'en', JSON.parse(mail!.data));
    expect(rendered.text).toContain('(version 2026-10, accepted on 25 November 2026)');
  });

  it.each(['fr', 'en'] as const)('returns to the applicant with the required comment and queues e-mail 4 (%s); the form is editable again', async (lang) => {
    const app = await givenPending(ctx.deps.db, keyA, { language: lang });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, lang);
    const { confirmUrl, html, csrf } = await select(agent, { ids: [app.id], action: 'return' });
    expect($(html)('h1').text()).toBe(lang === 'fr' ? 'Renvoyer la demande de carte au demandeur' : 'Return the card application to the applicant');
    const missing = await agent.post(confirmUrl).type('form').send({ _csrf: csrf, comment: '   ' });
    expect(missing.status).toBe(400);
    expect($(missing.text)('title').text()).toMatch(lang === 'fr' ? /^Erreur :/ : /^Error:/);
    expect($(missing.text)('.error-summary a').attr('href')).toBe('#comment');
    expect($(missing.text)('#comment-error').text()).toContain(lang === 'fr' ? 'Saisissez un commentaire' : 'Enter a comment');
    expect(await statusOf(app.id)).toBe('pending_approval');

    const comment = 'Votre numéro d’employé est erroné, merci de corriger <b>vite</b>';
    const done = await agent.post(confirmUrl).type('form').send({ _csrf: csrf, comment });
    expect(done.status).toBe(303);
    expect(await statusOf(app.id)).toBe('returned');
    const last = (await history(app.id)).pop();
    expect(last).toMatchObject({ to_status: 'returned', comment });
    expect(Boolean(last.comment_for_employee)).toBe(true);
    const mails = (await outboxRows(ctx.deps.db, app.id)).filter((m) => m.template === 'returned');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.language).toBe(lang);
    const mail = renderer().render('returned', lang, JSON.parse(mails[0]!.data));
    expect(mail.subject).toBe(
      lang === 'fr' ? 'Votre demande de carte Corporate vous est renvoyée pour correction' : 'Your corporate card application has been returned for correction',
    );
    expect(mail.text).toContain(comment);
    expect(mail.html).toContain('merci de corriger &lt;b&gt;vite&lt;/b&gt;');
    expect(mail.text).toContain(app.reference);
    // "Returned" is a status in which the employee's form is editable again (and must be signed again).
    expect(NOT_SUBMITTED).toContain('returned');
  });

  it.each(['fr', 'en'] as const)(
    'cancels with the required comment, kept for the employee’s status page, and queues the cancellation notice (%s)',
    async (lang) => {
      const app = await givenPending(ctx.deps.db, keyA, { language: lang, priority: 'urgent' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, lang);
      const { confirmUrl, html, csrf } = await select(agent, { ids: [app.id], action: 'cancel' });
      expect($(html)('main').text()).toContain(
        lang === 'fr' ? 'réactivée jusqu’à 90 jours après son initiation' : 'reactivated until 90 days after its initiation',
      );
      expect((await agent.post(confirmUrl).type('form').send({ _csrf: csrf })).status).toBe(400);
      const comment = lang === 'fr' ? 'Votre société a annulé votre demande.' : 'Your company cancelled your application.';
      expect((await agent.post(confirmUrl).type('form').send({ _csrf: csrf, comment })).status).toBe(303);
      expect(await statusOf(app.id)).toBe('cancelled');
      const last = (await history(app.id)).pop();
      expect(last).toMatchObject({ to_status: 'cancelled', comment, actor_id: adminA.id });
      expect(Boolean(last.comment_for_employee)).toBe(true);
      const [mail] = (await outboxRows(ctx.deps.db, app.id)).filter((m) => m.template === 'cancelled');
      expect(mail!.language).toBe(lang);
      const rendered = renderer().render('cancelled', lang, JSON.parse(mail!.data));
      expect(rendered.subject).toBe(lang === 'fr' ? 'Votre demande de carte Corporate a été annulée' : 'Your corporate card application has been cancelled');
      expect(rendered.text).toContain(comment);
    },
  );

  it.each([
    ['fr', 'Approuver les demandes de carte', '2 traitées, 1 non traitée.', 'Approuver la demande de carte', '1 traitée, 0 non traitée.'],
    ['en', 'Approve the card applications', '2 processed, 1 not processed.', 'Approve the card application', '1 processed, 0 not processed.'],
  ] as const)(
    'words the confirmation title and the results summary with plural forms: 1 and 2 (%s)',
    async (lang, titleMany, summaryMany, titleOne, summaryOne) => {
      const db = ctx.deps.db;
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, lang);
      const [ok1, ok2, ok3] = [await givenPending(db, keyA), await givenPending(db, keyA), await givenPending(db, keyA)];
      const done = await givenPending(db, keyA, { status: 'approved' });
      expect($((await select(agent, { ids: [ok1.id, done.id], action: 'approve' })).html)('h1').text()).toBe(titleMany);
      const many = $((await act(agent, { ids: [ok1.id, done.id, ok2.id], action: 'approve' })).results.text);
      expect(many('h1').text()).toMatch(new RegExp(`– ${titleMany}$`));
      expect(many('#results-summary').text()).toBe(summaryMany);
      expect($((await select(agent, { ids: [ok3.id], action: 'approve' })).html)('h1').text()).toBe(titleOne);
      const one = $((await act(agent, { ids: [ok3.id], action: 'approve' })).results.text);
      expect(one('h1').text()).toMatch(new RegExp(`– ${titleOne}$`));
      expect(one('#results-summary').text()).toBe(summaryOne);
    },
  );

  it('acts on many at once and reports per application what succeeded and what did not', async () => {
    const db = ctx.deps.db;
    const ok1 = await givenPending(db, keyA);
    const ok2 = await givenPending(db, keyA);
    const done = await givenPending(db, keyA, { status: 'approved' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const { results } = await act(agent, { ids: [ok1.id, done.id, ok2.id], action: 'approve' });
    expect($(results.text)('#results-summary').text()).toBe('2 processed, 1 not processed.');
    expect(resultRows(results.text, 'succeeded').map((r) => r.id)).toEqual([ok1.id, ok2.id]);
    const refused = resultRows(results.text, 'refused');
    expect(refused).toEqual([{ id: done.id, text: `${done.reference} Already processed meanwhile (its status changed)` }]);
    expect((await outboxRows(db, done.id)).filter((m) => m.template === 'approved')).toHaveLength(0);
  });

  it(`acts on a selection larger than one transaction's group (${RUN_GROUP_SIZE}): each application on its own, reported in order`, async () => {
    const db = ctx.deps.db;
    const ids: number[] = [];
    const refusedIds: number[] = [];
    for (let i = 0; i < RUN_GROUP_SIZE * 2 + 7; i++) {
      const refused = i % 40 === 3; // already approved meanwhile: refused, while the rest of its group goes through
      const app = await givenPending(db, keyA, refused ? { status: 'approved' } : {});
      ids.push(app.id);
      if (refused) refusedIds.push(app.id);
    }
    // One application fails after its status has changed (its e-mail cannot be queued): only its own changes are
    // undone; the others of its group are kept.
    const failing = ids[RUN_GROUP_SIZE + 10] as number;
    refusedIds.push(failing);
    refusedIds.sort((a, b) => ids.indexOf(a) - ids.indexOf(b));
    faults.beforeActionEmails = async (applicationId) => {
      if (applicationId === failing) throw new StaleStateError(failing);
    };
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const { results } = await act(agent, { ids, action: 'return', form: { comment: 'Merci de vérifier votre adresse' } }).finally(
      () => delete faults.beforeActionEmails,
    );
    expect(await statusOf(failing)).toBe('pending_approval');
    expect(await countOf(db('application_status_history').where({ application_id: failing, to_status: 'returned' }))).toBe(0);
    const returned = ids.filter((id) => !refusedIds.includes(id));
    expect(resultRows(results.text, 'succeeded').map((r) => r.id)).toEqual(returned);
    expect(resultRows(results.text, 'refused').map((r) => r.id)).toEqual(refusedIds);
    const rows = await db('application').whereIn('id', ids).select('id', 'status');
    expect(
      rows
        .filter((r) => r.status === 'returned')
        .map((r) => Number(r.id))
        .sort((a, b) => a - b),
    ).toEqual([...returned].sort((a, b) => a - b));
    expect(await countOf(db('outbox').whereIn('application_id', ids).where({ template: 'returned' }))).toBe(returned.length);
    expect(await countOf(db('audit_log').whereIn('application_id', ids).where({ action: 'application.return' }))).toBe(returned.length);
  });

  it('never approves twice nor sends two e-mails when the confirmation is submitted again', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const { confirmUrl, confirmBody } = await act(agent, { ids: [app.id], action: 'approve' });
    const again = await agent.post(confirmUrl).type('form').send(confirmBody);
    expect(again.status).toBe(303);
    const page = await agent.get(again.headers.location as string);
    expect($(page.text)('.banner').text()).toContain('already been used');
    expect((await history(app.id)).filter((h) => h.to_status === 'approved')).toHaveLength(1);
    expect((await outboxRows(ctx.deps.db, app.id)).filter((m) => m.template === 'approved')).toHaveLength(1);
  });

  it('approves once when two submissions of the same confirmation race', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    const { confirmUrl, csrf } = await select(agent, { ids: [app.id], action: 'approve' });
    const [r1, r2] = await Promise.all([agent.post(confirmUrl).type('form').send({ _csrf: csrf }), agent.post(confirmUrl).type('form').send({ _csrf: csrf })]);
    expect([r1.status, r2.status]).toEqual([303, 303]);
    expect((await history(app.id)).filter((h) => h.to_status === 'approved')).toHaveLength(1);
    expect((await outboxRows(ctx.deps.db, app.id)).filter((m) => m.template === 'approved')).toHaveLength(1);
  });

  it('approves once when two administrators approve the same application; the second is told it was already processed', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    const first = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const second = await signInAs(ctx.app, ctx.deps, adminA2.email, 'en');
    const s1 = await select(first, { ids: [app.id], action: 'approve' });
    const s2 = await select(second, { ids: [app.id], action: 'approve' });
    expect((await first.post(s1.confirmUrl).type('form').send({ _csrf: s1.csrf })).status).toBe(303);
    const late = await second.post(s2.confirmUrl).type('form').send({ _csrf: s2.csrf });
    const results = await second.get(late.headers.location as string);
    expect(resultRows(results.text, 'succeeded')).toEqual([]);
    expect(resultRows(results.text, 'refused')[0]!.text).toContain('Already processed meanwhile');
    const approvals = (await history(app.id)).filter((h) => h.to_status === 'approved');
    expect(approvals).toHaveLength(1);
    expect(approvals[0].actor_id).toBe(adminA.id);
    expect((await outboxRows(ctx.deps.db, app.id)).filter((m) => m.template === 'approved')).toHaveLength(1);
  });

  it('refuses another BC’s application in a selection, reports it without showing anything of it, and processes the rest', async () => {
    const db = ctx.deps.db;
    const own = await givenPending(db, keyA);
    const other = await givenPending(db, keyB, { firstName: 'Secret', lastName: 'Globex' });
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const { html } = await select(agent, { ids: [own.id, other.id], action: 'approve' });
    expect($(html)('#selection-count').text()).toContain('1 application selected.');
    expect($(html)('#unknown').text()).toContain('1 selected application was not found among your billing accounts');
    expect(html).not.toContain(other.reference);
    expect(html).not.toContain('Secret');
    const { results } = await act(agent, { ids: [own.id, other.id], action: 'approve' });
    expect(resultRows(results.text, 'succeeded').map((r) => r.id)).toEqual([own.id]);
    expect($(results.text)('#unknown').text()).toContain('1 selected application was not found');
    expect(results.text).not.toContain(other.reference);
    expect(await statusOf(other.id)).toBe('pending_approval');
    expect((await outboxRows(db, other.id)).filter((m) => m.template === 'approved')).toHaveLength(0);
  });

  it('keeps confirmations and results to the administrator who made them (404 for anyone else)', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email);
    const { confirmUrl, csrf } = await select(agent, { ids: [app.id], action: 'cancel' });
    const other = await signInAs(ctx.app, ctx.deps, adminB.email);
    expect((await other.get(confirmUrl)).status).toBe(404);
    const otherCsrf = csrfFrom((await other.get(paths.admin.approvals.list)).text);
    expect((await other.post(confirmUrl).type('form').send({ _csrf: otherCsrf, comment: 'no' })).status).toBe(404);
    const colleague = await signInAs(ctx.app, ctx.deps, adminA2.email);
    expect((await colleague.get(confirmUrl)).status).toBe(404);
    expect(await statusOf(app.id)).toBe('pending_approval');
    const res = await agent.post(confirmUrl).type('form').send({ _csrf: csrf, comment: 'Annulée' });
    expect((await other.get(res.headers.location as string)).status).toBe(404);
  });

  it('refuses a selection without the CSRF token, and asks for a selection and an action', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    expect(
      (
        await agent
          .post(paths.admin.approvals.select)
          .type('form')
          .send({ ids: String(app.id), action: 'approve' })
      ).status,
    ).toBe(403);
    const csrf = csrfFrom((await agent.get(paths.admin.approvals.list)).text);
    const none = await agent.post(paths.admin.approvals.select).type('form').send({ _csrf: csrf, action: 'approve' });
    expect(none.status).toBe(400);
    expect($(none.text)('.error-summary a').attr('href')).toBe('#select-all');
    expect($(none.text)('.error-summary').text()).toContain('Select at least one application');
    const noAction = await agent
      .post(paths.admin.approvals.select)
      .type('form')
      .send({ _csrf: csrf, ids: String(app.id), action: 'delete' });
    expect(noAction.status).toBe(400);
    expect(await statusOf(app.id)).toBe('pending_approval');
  });

  it('offers the queue’s actions on the application page, for that one application', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = await agent.get(paths.admin.applications.show(app.id));
    const form = $(page.text)('form.queue-actions-form');
    expect(form.attr('action')).toBe(paths.admin.approvals.select);
    expect(form.find('button[value="approve"]').text()).toBe('Approve');
    const res = await agent
      .post(paths.admin.approvals.select)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ids: String(app.id), action: 'approve' });
    expect(res.status).toBe(303);
    const confirm = await agent.get(res.headers.location as string);
    expect($(confirm.text)('#selection tbody tr').attr('data-id')).toBe(String(app.id));
  });
});
