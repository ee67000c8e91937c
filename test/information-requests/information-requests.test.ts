import { formatFileSize } from '../../src/lib/file-size';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createTestContext, signInAs, csrfFrom, $, TestClock, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { createEmailRenderer } from '../../src/core/outbox/render';
import { givenAccount, givenAdministrator, givenKey, givenSignableApplication, type Signable } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, pdfBytes, postCode, requestCode } from '../support/employee';
import { act, resultRows, select } from '../support/approval-queue';
import { outboxRows } from '../support/outbox';
import { answerDateProblem, queueInformationRequestReminders } from '../../src/core/information-requests/information-requests';

/**
 * Requests for information (issue 14 part 3): asked from the administrator's application page, answered by the
 * employee in the request's thread (after signing, in the session reduced to the status page), closed or asked again;
 * an open request blocks the approval; reminders and the overdue notice.
 */
describe('requests for information', () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
  const renderer = () => createEmailRenderer({ baseUrl: ctx.config.publicBaseUrl });

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
  });
  afterAll(() => ctx.close());

  /** A signed application awaiting approval, and the employee's session in which it was signed (reduced to the status page). */
  async function signedApplication(opts: { email?: string } = {}): Promise<{ a: Signable; employee: Agent }> {
    const a = await givenSignableApplication(ctx, { email: opts.email ?? `employee.${crypto.randomUUID()}@acme.example` });
    const employee = await employeeAgent(ctx, a);
    await acceptSignatureTerms(employee);
    expect((await postCode(employee, await requestCode(ctx, employee, a.id))).status).toBe(303);
    return { a, employee };
  }

  async function ask(admin: Agent, applicationId: number, fields: Record<string, string | string[]>) {
    const form = await admin.get(paths.admin.informationRequests.create(applicationId));
    return admin
      .post(paths.admin.informationRequests.create(applicationId))
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...fields });
  }

  const VALID = {
    message: 'Merci de nous transmettre un justificatif de domicile récent.',
    documents: ['proof_of_address', 'payslip'],
    answerBy: '2026-12-10',
  };

  async function requestsOf(applicationId: number) {
    return ctx.deps.db('information_request').where({ application_id: applicationId }).orderBy('id');
  }

  async function answer(employee: Agent, requestId: number, message: string, files: Array<{ field: string; buffer: Buffer; name: string }> = []) {
    const page = await employee.get(paths.employee.informationRequests.show(requestId));
    const token = $(page.text)('#answer-form input[name="_csrf"]').val() as string;
    let req = employee.post(paths.employee.informationRequests.answer(requestId)).field('_csrf', token).field('message', message);
    for (const f of files) req = req.attach(f.field, f.buffer, { filename: f.name, contentType: 'application/pdf' });
    return req;
  }

  it('asks from the application page: the request gets its own reference, the employee an e-mail with the link and no attachment, the audit log a line', async () => {
    const { a } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    const appPage = $((await admin.get(paths.admin.applications.show(a.id))).text);
    expect(appPage('#ask-information').attr('href')).toBe(paths.admin.informationRequests.create(a.id));
    expect(appPage('#information-requests').text()).toContain('Aucune demande d’information');

    const res = await ask(admin, a.id, VALID);
    expect(res.status).toBe(303);
    const [request] = await requestsOf(a.id);
    expect(request).toMatchObject({ reference: `${a.reference}-DI1`, status: 'open', answer_by: '2026-12-10', requested_by: a.adminId });
    expect(JSON.parse(request.documents)).toEqual(['proof_of_address', 'payslip']);
    expect(res.headers.location).toBe(paths.admin.informationRequests.show(request.id));

    const mail = (await outboxRows(ctx.deps.db, a.id)).find((m) => m.template === 'information-request');
    expect(mail).toBeDefined();
    const rendered = renderer().render('information-request', 'fr', JSON.parse(mail!.data));
    expect(rendered.subject).toContain(`${a.reference}-DI1`);
    expect(rendered.text).toContain('Merci de nous transmettre un justificatif de domicile récent.');
    expect(rendered.text).toContain('- Justificatif de domicile\n- Bulletin de salaire');
    expect(rendered.text).toContain('10 décembre 2026');
    expect(rendered.text).toContain(`${ctx.config.publicBaseUrl}${paths.employee.entry}?ref=${a.reference}`);

    const audit = await ctx.deps.db('audit_log').where({ action: 'information_request.create', object_id: String(request.id) });
    expect(audit).toHaveLength(1);

    // The thread shows the administrator's message; the application page lists the request and says approval waits.
    const show = $((await admin.get(paths.admin.informationRequests.show(request.id))).text);
    expect(show('#thread .thread__message--administrator .thread__body').text()).toContain('justificatif de domicile récent');
    const after = $((await admin.get(paths.admin.applications.show(a.id))).text);
    expect(after('#information-request-open').text()).toContain('ne peut pas être approuvée');
    expect(after('#information-requests a').text()).toBe(`${a.reference}-DI1`);
  });

  it.each([
    ['an empty message', { ...VALID, message: '   ' }, '#message', 'Saisissez un message'],
    ['a date in the past', { ...VALID, answerBy: '2026-11-20' }, '#answerBy', 'La date de réponse doit être dans le futur'],
    ['today', { ...VALID, answerBy: '2026-11-24' }, '#answerBy', 'La date de réponse doit être dans le futur'],
    ['a date more than 60 days ahead', { ...VALID, answerBy: '2027-01-24' }, '#answerBy', 'dans les 60 jours'],
    ['not a date', { ...VALID, answerBy: '2026-02-30' }, '#answerBy', 'Saisissez une date réelle'],
    ['an unknown document', { ...VALID, documents: ['passport'] }, '#documents', 'Choisissez les documents dans la liste'],
  ])('refuses %s with a translated message and creates nothing', async (_label, fields, href, text) => {
    const { a } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    const res = await ask(admin, a.id, fields as Record<string, string | string[]>);
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('.error-summary a').attr('href')).toBe(href);
    expect(page('.error-summary').text()).toContain(text);
    expect(await requestsOf(a.id)).toHaveLength(0);
    expect((await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'information-request')).toHaveLength(0);
  });

  it('speaks English to an English administrator, errors included', async () => {
    const { a } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'en');
    const form = $((await admin.get(paths.admin.informationRequests.create(a.id))).text);
    expect(form('h1').text()).toContain('Ask for more information');
    expect(form('label[for="documents-3"]').text()).toBe('Payslip');
    const res = await ask(admin, a.id, { ...VALID, message: '', answerBy: '2027-06-01' });
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('Enter a message');
    expect($(res.text)('.error-summary').text()).toContain('The answer date must be within 60 days');
  });

  it('keeps another BC’s application and request out of reach (404), and changes nothing', async () => {
    const { a } = await signedApplication();
    const owner = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(owner, a.id, VALID);
    const [request] = await requestsOf(a.id);
    const otherAccount = await givenAccount(ctx.deps.db);
    const stranger = await givenAdministrator(ctx.deps.db, {}, [otherAccount]);
    const agent = await signInAs(ctx.app, ctx.deps, stranger.email, 'fr');
    expect((await agent.get(paths.admin.informationRequests.create(a.id))).status).toBe(404);
    expect((await agent.get(paths.admin.informationRequests.show(request.id))).status).toBe(404);
    const token = csrfFrom((await agent.get(paths.admin.approvals.list)).text);
    expect((await agent.post(paths.admin.informationRequests.close(request.id)).type('form').send({ _csrf: token })).status).toBe(404);
    expect(
      (
        await agent
          .post(paths.admin.informationRequests.askAgain(request.id))
          .type('form')
          .send({ _csrf: token, ...VALID })
      ).status,
    ).toBe(404);
    expect((await ctx.deps.db('information_request').where({ id: request.id }).first()).status).toBe('open');
    expect(await ctx.deps.db('thread_message').join('thread', 'thread.id', 'thread_message.thread_id').where('thread.subject_id', request.id)).toHaveLength(1);
  });

  it('the employee reaches the request after signing (status page box, request page), answers with a document; the administrator is notified, reads the thread and downloads the archived document', async () => {
    const { a, employee } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);

    // The session in which the application was signed is reduced to the status page, but reaches the request.
    const status = $((await employee.get(paths.employee.status)).text);
    expect(status(`#information-request-${request.id}`).text()).toContain(`Demande d’information ${a.reference}-DI1`);
    expect(status(`#information-request-${request.id}`).text()).toContain('10 décembre 2026');
    expect(status(`#information-request-${request.id} a`).attr('href')).toBe(paths.employee.informationRequests.show(request.id));
    const page = await employee.get(paths.employee.informationRequests.show(request.id));
    expect(page.status).toBe(200);
    const $page = $(page.text);
    expect($page('#thread').text()).toContain('justificatif de domicile récent');
    expect($page('#thread').text()).not.toContain('Admin'); // never the administrator's name
    expect(
      $page('#answer-form input[type="file"]')
        .map((_i, el) => $page(el).attr('name'))
        .get(),
    ).toEqual(['file_proof_of_address', 'file_payslip', 'file_other']);

    const document = pdfBytes('proof of address');
    clock.current = new Date(clock.current.getTime() + 60000);
    const res = await answer(employee, request.id, 'Voici mon justificatif.', [{ field: 'file_proof_of_address', buffer: document, name: 'facture-edf.pdf' }]);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.employee.informationRequests.show(request.id));
    expect((await ctx.deps.db('information_request').where({ id: request.id }).first()).status).toBe('answered');

    // Hashed and archived at once, write-once.
    const [attachment] = await ctx.deps
      .db('thread_attachment')
      .where({ thread_id: (await ctx.deps.db('thread').where({ subject_type: 'information_request', subject_id: request.id }).first()).id });
    expect(attachment).toMatchObject({ kind: 'proof_of_address', original_name: 'facture-edf.pdf', mime: 'application/pdf', size: document.length });
    expect(attachment.sha256).toBe(crypto.createHash('sha256').update(document).digest('hex'));
    const entry = await ctx.deps.db('archive_entry').where({ id: attachment.archive_entry_id }).first();
    expect(entry).toMatchObject({ application_id: a.id, sha256: attachment.sha256 });
    expect(entry.path).toMatch(new RegExp(`^archive/${a.id}/\\d+-thread-proof-of-address\\.pdf$`));
    expect(fs.statSync(path.join(ctx.dataDir, entry.path)).mode & 0o777).toBe(0o440);

    // The administrator who asked is told, with the link to the request.
    const notice = (await outboxRows(ctx.deps.db, a.id)).find((m) => m.template === 'information-request-answered');
    expect(notice?.recipient).toBe(a.adminEmail);
    const mail = renderer().render('information-request-answered', 'fr', JSON.parse(notice!.data));
    expect(mail.text).toContain(`${ctx.config.publicBaseUrl}${paths.admin.informationRequests.show(request.id)}`);
    expect(mail.text).toContain('Documents joints : 1.');

    // The thread for the administrator: both messages in order, the document downloadable (same bytes, audited).
    const show = $((await admin.get(paths.admin.informationRequests.show(request.id))).text);
    expect(
      show('#thread .thread__message')
        .map((_i, el) => show(el).attr('class'))
        .get(),
    ).toEqual(['thread__message thread__message--administrator', 'thread__message thread__message--employee']);
    expect(show('#request-status').text()).toContain('Répondue');
    const href = show('#thread .thread__message--employee a').attr('href') as string;
    expect(href).toBe(paths.admin.informationRequests.attachment(request.id, attachment.id));
    const download = await admin
      .get(href)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(Buffer.compare(download.body as Buffer, document)).toBe(0);
    expect(await ctx.deps.db('audit_log').where({ action: 'information_request.attachment_download', object_id: String(request.id) })).toHaveLength(1);
    expect(await ctx.deps.db('audit_log').where({ action: 'information_request.answer', object_id: String(request.id), actor_type: 'employee' })).toHaveLength(
      1,
    );

    // The employee reads their own document back too; the status page now says the answer was sent.
    expect((await employee.get(paths.employee.informationRequests.attachment(request.id, attachment.id))).status).toBe(200);
    expect($((await employee.get(paths.employee.status)).text)(`#information-request-${request.id}`).text()).toContain('Votre réponse a été envoyée');
  });

  it.each([
    ['an empty message', '  ', [] as Array<{ field: string; buffer: Buffer; name: string }>, 'Saisissez un message'],
    [
      'a file that is not what it claims',
      'Voici',
      [{ field: 'file_proof_of_address', buffer: Buffer.from('not a pdf at all'), name: 'justificatif.pdf' }],
      'Le fichier doit être un PDF, un JPEG ou un PNG',
    ],
    ['an empty file', 'Voici', [{ field: 'file_other', buffer: Buffer.alloc(0), name: 'vide.pdf' }], 'Le fichier choisi est vide'],
  ])('refuses an answer with %s: translated message, nothing stored, still open', async (_label, message, files, text) => {
    const { a, employee } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);
    const archived = (await ctx.deps.db('archive_entry').where({ application_id: a.id })).length;
    const res = await answer(employee, request.id, message, files);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain(text);
    expect((await ctx.deps.db('information_request').where({ id: request.id }).first()).status).toBe('open');
    expect(await ctx.deps.db('thread_attachment')).toEqual(expect.not.arrayContaining([expect.objectContaining({ original_name: 'justificatif.pdf' })]));
    expect((await ctx.deps.db('archive_entry').where({ application_id: a.id })).length).toBe(archived);
    expect((await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'information-request-answered')).toHaveLength(0);
  });

  it('refuses a file over the size limit and says the limit in the page’s units (fr/en)', async () => {
    const { a, employee } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(ctx.config.documentMaxBytes)]);
    const limit = (lang: 'fr' | 'en') => formatFileSize(ctx.config.documentMaxBytes, lang);
    const fr = await answer(employee, request.id, 'Voici', [{ field: 'file_other', buffer: big, name: 'gros.pdf' }]);
    expect(fr.status).toBe(413);
    expect($(fr.text)('.error-summary').text()).toContain(limit('fr'));
    const en = await answer(await employeeAgent(ctx, a, 'en'), request.id, 'Here', [{ field: 'file_other', buffer: big, name: 'big.pdf' }]);
    expect($(en.text)('.error-summary').text()).toContain(limit('en'));
    expect((await ctx.deps.db('information_request').where({ id: request.id }).first()).status).toBe('open');
  });

  it('answers in English for an English session', async () => {
    const { a } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);
    const employee = await employeeAgent(ctx, a, 'en');
    const page = $((await employee.get(paths.employee.informationRequests.show(request.id))).text);
    expect(page('h1').text()).toBe(`Request for information ${a.reference}-DI1`);
    const res = await answer(employee, request.id, 'Here it is', [{ field: 'file_payslip', buffer: Buffer.from('GIF89a'), name: 'payslip.pdf' }]);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('The file must be a PDF, JPEG or PNG');
  });

  it('keeps a request of another application out of the employee’s reach (404)', async () => {
    const { a } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);
    const { employee: other } = await signedApplication();
    expect((await other.get(paths.employee.informationRequests.show(request.id))).status).toBe(404);
    const token = csrfFrom((await other.get(paths.employee.status)).text);
    const res = await other.post(paths.employee.informationRequests.answer(request.id)).field('_csrf', token).field('message', 'intrus');
    expect(res.status).toBe(404);
    expect((await ctx.deps.db('information_request').where({ id: request.id }).first()).status).toBe('open');
  });

  it('an open request refuses the approval, alone or in "select all", with the reason; once closed the application is approved', async () => {
    const { a, employee } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);

    // The queue flags it.
    const queue = $((await admin.get(paths.admin.approvals.list)).text);
    const row = queue(`#select-${a.id}`).closest('tr');
    expect(row.find('.information-request-flag').text()).toBe('Information demandée');

    // Alone: the confirmation warns, the action refuses with the reason.
    const { html } = await select(admin, { ids: [a.id], action: 'approve' });
    expect($(html)('.warning-cell').text()).toContain('Une demande d’information n’est pas clôturée');
    const alone = await act(admin, { ids: [a.id], action: 'approve' });
    expect(resultRows(alone.results.text, 'refused')).toEqual([{ id: a.id, text: expect.stringContaining('Une demande d’information n’est pas clôturée') }]);
    // "Select all": the same refusal for it.
    const all = await act(admin, { ids: 'all', action: 'approve' });
    expect(resultRows(all.results.text, 'refused').find((r) => r.id === a.id)?.text).toContain('Une demande d’information n’est pas clôturée');
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).status).toBe('pending_approval');

    // Answered is not enough: still refused until closed.
    await answer(employee, request.id, 'Voici.', [{ field: 'file_proof_of_address', buffer: pdfBytes(), name: 'a.pdf' }]);
    expect(resultRows((await act(admin, { ids: [a.id], action: 'approve' })).results.text, 'refused').map((r) => r.id)).toEqual([a.id]);

    const page = await admin.get(paths.admin.informationRequests.show(request.id));
    const closed = await admin
      .post(paths.admin.informationRequests.close(request.id))
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(closed.status).toBe(303);
    expect(await ctx.deps.db('audit_log').where({ action: 'information_request.close', object_id: String(request.id) })).toHaveLength(1);
    expect($((await admin.get(paths.admin.applications.show(a.id))).text)('#information-request-open')).toHaveLength(0);
    const approved = await act(admin, { ids: [a.id], action: 'approve' });
    expect(resultRows(approved.results.text, 'succeeded').map((r) => r.id)).toEqual([a.id]);
    expect((await ctx.deps.db('application').where({ id: a.id }).first()).status).toBe('approved');
  });

  it('refuses a second close and an answer to a closed request with a translated message, changing nothing', async () => {
    const { a, employee } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);
    const token = csrfFrom((await admin.get(paths.admin.informationRequests.show(request.id))).text);
    expect((await admin.post(paths.admin.informationRequests.close(request.id)).type('form').send({ _csrf: token })).status).toBe(303);
    const again = await admin.post(paths.admin.informationRequests.close(request.id)).type('form').send({ _csrf: token });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Cette demande d’information est déjà clôturée');
    const askAgain = await admin
      .post(paths.admin.informationRequests.askAgain(request.id))
      .type('form')
      .send({ _csrf: token, ...VALID });
    expect(askAgain.status).toBe(409);

    // The employee's page has no answer form any more; a replayed answer is refused.
    const page = await employee.get(paths.employee.informationRequests.show(request.id));
    expect($(page.text)('#answer-form')).toHaveLength(0);
    expect($(page.text)('#closed-notice').text()).toContain('clôturée');
    const res = await employee
      .post(paths.employee.informationRequests.answer(request.id))
      .field('_csrf', csrfFrom((await employee.get(paths.employee.status)).text))
      .field('message', 'Trop tard ?')
      .attach('file_other', pdfBytes(), { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(409);
    expect($(res.text)('.error-summary').text()).toContain('votre réponse n’a pas été envoyée');
    expect(await ctx.deps.db('thread_message').join('thread', 'thread.id', 'thread_message.thread_id').where('thread.subject_id', request.id)).toHaveLength(1);
    expect(await ctx.deps.db('audit_log').where({ action: 'information_request.close', object_id: String(request.id) })).toHaveLength(1);
  });

  it('asks again in the same thread: a new message, new documents and date, open again, e-mailed again', async () => {
    const { a, employee } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    await ask(admin, a.id, VALID);
    const [request] = await requestsOf(a.id);
    await answer(employee, request.id, 'Voici.', [{ field: 'file_proof_of_address', buffer: pdfBytes(), name: 'a.pdf' }]);
    clock.current = new Date(clock.current.getTime() + 60000);
    const page = await admin.get(paths.admin.informationRequests.show(request.id));
    const bad = await admin
      .post(paths.admin.informationRequests.askAgain(request.id))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), message: '', answerBy: '2026-12-20' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('.error-summary').text()).toContain('Saisissez un message');
    const res = await admin
      .post(paths.admin.informationRequests.askAgain(request.id))
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        message: 'Le justificatif est illisible, merci d’en envoyer un autre.',
        documents: 'proof_of_address',
        answerBy: '2026-12-20',
      });
    expect(res.status).toBe(303);
    const after = await ctx.deps.db('information_request').where({ id: request.id }).first();
    expect(after).toMatchObject({ status: 'open', answer_by: '2026-12-20' });
    expect(JSON.parse(after.documents)).toEqual(['proof_of_address']);
    const mails = (await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'information-request');
    expect(mails).toHaveLength(2);
    const show = $((await admin.get(paths.admin.informationRequests.show(request.id))).text);
    expect(show('#thread .thread__message')).toHaveLength(3);
    expect(await ctx.deps.db('audit_log').where({ action: 'information_request.ask_again', object_id: String(request.id) })).toHaveLength(1);
  });

  it('reminds the employee every 7 days until the answer date (once per day number), then tells the requester it is overdue, once', async () => {
    const { a } = await signedApplication();
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'fr');
    const asked = clock.now();
    await ask(admin, a.id, { ...VALID, answerBy: '2026-12-10' });
    const [request] = await requestsOf(a.id);
    const deps = { db: ctx.deps.db, config: ctx.config };
    const reminders = async () => (await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'information-request-reminder');
    const overdue = async () => (await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'information-request-overdue');
    const at = (days: number) => new Date(asked.getTime() + days * 86400000);

    await queueInformationRequestReminders(deps, at(6));
    expect(await reminders()).toHaveLength(0);
    await queueInformationRequestReminders(deps, at(7));
    await queueInformationRequestReminders(deps, at(7.1));
    expect(await reminders()).toHaveLength(1);
    const reminder = (await reminders())[0]!;
    expect(reminder.recipient).toBe((await ctx.deps.db('application').where({ id: a.id }).first()).email);
    expect(renderer().render('information-request-reminder', 'fr', JSON.parse(reminder.data)).text).toContain(`${a.reference}-DI1`);
    await queueInformationRequestReminders(deps, at(14));
    expect(await reminders()).toHaveLength(2);
    expect(await overdue()).toHaveLength(0);
    // 10 December passed: no more reminders, the requester is told once.
    await queueInformationRequestReminders(deps, new Date('2026-12-11T09:00:00Z'));
    await queueInformationRequestReminders(deps, new Date('2026-12-12T09:00:00Z'));
    expect(await reminders()).toHaveLength(2);
    expect((await overdue()).map((m) => m.recipient)).toEqual([a.adminEmail]);
    expect(await ctx.deps.db('audit_log').where({ action: 'information_request.overdue', object_id: String(request.id) })).toHaveLength(1);
    const show = $((await admin.get(paths.admin.informationRequests.show(request.id))).text);
    expect(show('#overdue')).toHaveLength(clock.now() > new Date('2026-12-10T23:00:00Z') ? 1 : 0);
  });

  it('answer dates: in the future, at most 60 days ahead, in the service time zone', () => {
    const now = new Date('2026-11-24T23:30:00Z'); // already 25 November in Paris
    expect(answerDateProblem('2026-11-25', now, 'Europe/Paris')).toBe('information-requests:fields.answerBy.errors.past');
    expect(answerDateProblem('2026-11-26', now, 'Europe/Paris')).toBeNull();
    expect(answerDateProblem('2027-01-24', now, 'Europe/Paris')).toBeNull();
    expect(answerDateProblem('2027-01-25', now, 'Europe/Paris')).toBe('information-requests:fields.answerBy.errors.tooFar');
    expect(answerDateProblem('25/12/2026', now, 'Europe/Paris')).toBe('information-requests:fields.answerBy.errors.format');
  });

  it('does not offer a request once the application is approved, and refuses one by URL', async () => {
    const key = await givenKey(ctx.deps.db);
    const { a } = await signedApplication();
    await ctx.deps.db('application').where({ id: a.id }).update({ status: 'approved' });
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'en');
    expect($((await admin.get(paths.admin.applications.show(a.id))).text)('#ask-information')).toHaveLength(0);
    const res = await admin.get(paths.admin.informationRequests.create(a.id));
    expect(res.status).toBe(409);
    expect(res.text).toContain('Information can be requested only before the application is approved.');
    expect(key.id).toBeGreaterThan(0);
  });
});
