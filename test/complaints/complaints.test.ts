import crypto from 'node:crypto';
import request from 'supertest';
import { createTestContext, signInAs, csrfFrom, $, TestClock, type Agent, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplication, PDF_FILE, type Key } from '../support/builders';
import { enter } from '../support/employee';
import { EXE, sheetRowsOf } from '../support/spreadsheets';
import { paths } from '../../src/platform/paths';

/** Issue 14 part 2: complaints, filed by the employee or an administrator, with their legal deadlines. */

// A Thursday, 10:00 in Paris. (Sessions follow the real time as well as the test clock: the clock stays in the past.)
const RECEIVED = new Date('2026-04-30T08:00:00Z');

describe('complaints', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let key: Key;
  let admin: { id: number; email: string };
  let otherAdmin: Agent;
  let admins: Record<'fr' | 'en', Agent>;
  let platform: Agent;

  beforeAll(async () => {
    clock = new TestClock(new Date(RECEIVED));
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    const account = await givenAccount(db, { company_name: 'ACME Réclamations SA' });
    admin = await givenAdministrator(db, {}, [account]);
    key = { ...(await givenAccessKey(db, account, admin.id)), accountId: account };
    const otherAccount = await givenAccount(db);
    const other = await givenAdministrator(db, {}, [otherAccount]);
    const p = await givenAdministrator(db, { role: 'platform' });
    admins = { fr: await signInAs(ctx.app, ctx.deps, admin.email, 'fr'), en: await signInAs(ctx.app, ctx.deps, admin.email, 'en') };
    otherAdmin = await signInAs(ctx.app, ctx.deps, other.email, 'en');
    platform = await signInAs(ctx.app, ctx.deps, p.email, 'en');
  });
  afterAll(() => ctx.close());
  beforeEach(() => {
    clock.current = new Date(RECEIVED);
  });

  const db = () => ctx.deps.db;

  async function employee(lang: 'fr' | 'en' = 'en') {
    const a = await givenApplication(db(), key, { language: lang });
    const agent = await enter(ctx.app, key, a.reference, lang);
    return { ...a, agent };
  }

  /** Posts the filing form (multipart) with the CSRF token of the form page. */
  async function fileAs(
    agent: Agent,
    fields: Record<string, string>,
    files: Array<{ buffer: Buffer; name: string; type?: string }> = [],
    url: string = paths.employee.complaints.file,
  ): Promise<request.Response> {
    const page = await agent.get(url);
    let req = agent.post(url).field('_csrf', csrfFrom(page.text));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    for (const f of files) req = req.attach('documents', f.buffer, { filename: f.name, contentType: f.type ?? 'application/pdf' });
    return req;
  }

  const VALID = { category: 'payment_or_fees', description: 'Des frais de 30 € m’ont été facturés deux fois.', contactEmail: 'Zoe.Martin@Example.com' };

  async function filed(lang: 'fr' | 'en' = 'en') {
    const e = await employee(lang);
    const res = await fileAs(e.agent, VALID, [{ buffer: PDF_FILE, name: 'releve.pdf' }]);
    expect(res.status).toBe(303);
    const complaint = await db()('complaint').where({ application_id: e.id }).first();
    return { ...e, complaint, res };
  }

  async function postForm(agent: Agent, pageUrl: string, url: string, fields: Record<string, string> = {}) {
    const page = await agent.get(pageUrl);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...fields });
  }

  async function answer(agent: Agent, id: number, text: string, files: Array<{ buffer: Buffer; name: string; type?: string }> = []) {
    const page = await agent.get(paths.admin.complaints.show(id));
    let req = agent.post(paths.admin.complaints.answer(id)).field('_csrf', csrfFrom(page.text)).field('answer', text);
    for (const f of files) req = req.attach('documents', f.buffer, { filename: f.name, contentType: f.type ?? 'application/pdf' });
    return req;
  }

  describe('filing by the employee from the status page', () => {
    it.each([
      ['fr', 'Mes réclamations', 'Déposer une réclamation', 'Réclamation', 'Réponse attendue au plus tard le'],
      ['en', 'My complaints', 'File a complaint', 'Complaint', 'Answer due by'],
    ] as const)(
      'in %s: the status page links to the form; the complaint gets a reference, a 15-business-day deadline, an acknowledgement and an audit entry',
      async (lang, section, link, title, dueLabel) => {
        const e = await employee(lang);
        const status = $((await e.agent.get(paths.employee.status)).text);
        expect(status('#complaints-title').text()).toBe(section);
        expect(status('#file-complaint').text()).toBe(link);
        expect(status('#file-complaint').attr('href')).toBe(paths.employee.complaints.file);
        // No reason is chosen for the employee: the list starts empty.
        const form = $((await e.agent.get(paths.employee.complaints.file)).text);
        expect(form('#category option').first().val()).toBe('');
        expect(form('#category option[selected]').length).toBe(0);

        const res = await fileAs(e.agent, VALID, [{ buffer: PDF_FILE, name: 'releve.pdf' }]);
        expect(res.status).toBe(303);
        const c = await db()('complaint').where({ application_id: e.id }).first();
        expect(c).toMatchObject({
          category: 'payment_or_fees',
          contact_email: 'zoe.martin@example.com',
          language: lang,
          filed_by: 'employee',
          country: 'FR',
          received_on: '2026-04-30',
          // 15 business days in France: 1 May, 8 May, Ascension (14 May) and Whit Monday (25 May) are skipped.
          due_on: '2026-05-27',
          status: 'received',
        });
        expect(c.reference).toMatch(/^RC-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
        expect(res.headers.location).toBe(paths.employee.complaints.show(c.id));

        // What the complaint says and its document are the first message of the complaint's thread; the document is
        // archived write-once with its SHA-256.
        const thread = await db()('thread').where({ subject_type: 'complaint', subject_id: c.id }).first();
        expect(thread.application_id).toBe(e.id);
        const messages = await db()('thread_message').where({ thread_id: thread.id });
        expect(messages).toEqual([expect.objectContaining({ author_type: 'employee', administrator_id: null, body: VALID.description })]);
        const docs = await db()('thread_attachment as t')
          .join('archive_entry as a', 'a.id', 't.archive_entry_id')
          .where('t.thread_id', thread.id)
          .select('t.id', 't.message_id', 't.kind', 't.original_name', 't.mime', 't.size', 't.sha256', 'a.path');
        expect(docs).toHaveLength(1);
        expect(docs[0]).toMatchObject({
          message_id: messages[0].id,
          kind: 'complaint',
          original_name: 'releve.pdf',
          mime: 'application/pdf',
          size: PDF_FILE.length,
        });
        expect(docs[0].sha256).toBe(crypto.createHash('sha256').update(PDF_FILE).digest('hex'));
        expect(docs[0].path).toMatch(new RegExp(`^archive/${e.id}/\\d+-thread-complaint\\.pdf$`));

        const mail = await db()('outbox').where({ template: 'complaint-acknowledgement', application_id: e.id }).first();
        expect(mail).toMatchObject({ recipient: 'zoe.martin@example.com', language: lang, idempotency_key: `complaint-acknowledgement:${c.id}` });
        expect(JSON.parse(mail.data)).toMatchObject({
          complaintReference: c.reference,
          applicationReference: e.reference,
          dueOn: lang === 'fr' ? '27 mai 2026' : '27 May 2026',
        });
        const audit = await db()('audit_log').where({ action: 'complaint.file', application_id: e.id }).first();
        expect(audit).toBeDefined();

        const page = $((await e.agent.get(res.headers.location as string)).text);
        expect(page('h1').text()).toBe(`${title} ${c.reference}`);
        expect(page('.flash, .banner').text()).toContain(c.reference);
        expect(page('#complaint-summary').text()).toContain(dueLabel);
        expect(page('#complaint-deadline').text()).toContain(lang === 'fr' ? '27 mai 2026' : '27 May 2026');
        expect(page('#complaint-deadline').text()).toContain(lang === 'fr' ? '15 jours ouvrables restants' : '15 business days left');
        expect(page('#thread .thread__body').text()).toBe(VALID.description);
        const attachment = page('#thread .thread__attachments a');
        expect(attachment.attr('href')).toBe(paths.employee.complaints.document(c.id, docs[0].id));
        // The employee downloads it back, byte for byte.
        const download = await e.agent.get(attachment.attr('href') as string).buffer(true);
        expect(download.status).toBe(200);
        expect(Buffer.compare(download.body as Buffer, PDF_FILE)).toBe(0);

        const back = $((await e.agent.get(paths.employee.status)).text);
        expect(back(`#complaint-${c.id}`).text()).toContain(c.reference);
      },
    );

    it.each([
      ['fr', '', 'Décrivez votre réclamation'],
      ['en', '', 'Describe your complaint'],
      ['fr', 'x'.repeat(100 * 1024), 'La description ne doit pas dépasser 5000 caractères'],
      ['en', 'x'.repeat(100 * 1024), 'The description must be 5000 characters or fewer'],
    ] as const)('in %s refuses a description of %#, with a clear message, and stores nothing', async (lang, description, message) => {
      const e = await employee(lang);
      const res = await fileAs(e.agent, { ...VALID, description });
      expect(res.status).toBe(400);
      expect($(res.text)('.error-summary').text()).toContain(message);
      expect($(res.text)('#description-error').text()).toContain(message);
      expect(await db()('complaint').where({ application_id: e.id })).toHaveLength(0);
      expect(await db()('outbox').where({ template: 'complaint-acknowledgement', application_id: e.id })).toHaveLength(0);
    });

    it.each([
      ['fr', 'doit être un PDF, un JPEG ou un PNG', 'Choisissez le motif de la réclamation', 'Saisissez une adresse e-mail au bon format'],
      ['en', 'must be a PDF, JPEG or PNG', 'Choose the reason for the complaint', 'Enter an e-mail address in the right format'],
    ] as const)(
      'in %s refuses a file that is not what it claims, no category and a bad e-mail, keeping what was typed',
      async (lang, type, category, email) => {
        const e = await employee(lang);
        const res = await fileAs(e.agent, { ...VALID, category: 'nonsense', contactEmail: 'not-an-email' }, [{ buffer: EXE, name: 'facture.pdf' }]);
        expect(res.status).toBe(400);
        const page = $(res.text);
        expect(page('#documents-error').text()).toContain(type);
        expect(page('#documents-error').text()).toContain('facture.pdf');
        expect(page('#category-error').text()).toContain(category);
        expect(page('#contactEmail-error').text()).toContain(email);
        expect(page('#description').text()).toBe(VALID.description);
        expect(await db()('complaint').where({ application_id: e.id })).toHaveLength(0);
      },
    );

    it('refuses more than 5 files, and a file over the size limit', async () => {
      const e = await employee('en');
      const six = Array.from({ length: 6 }, (_, i) => ({ buffer: PDF_FILE, name: `p${i}.pdf` }));
      const tooMany = await fileAs(e.agent, VALID, six);
      expect(tooMany.status).toBe(400);
      expect($(tooMany.text)('#documents-error').text()).toContain('Attach 5 files at most');
      const big = Buffer.concat([PDF_FILE, Buffer.alloc(ctx.config.documentMaxBytes)]);
      const tooLarge = await fileAs(e.agent, VALID, [{ buffer: big, name: 'big.pdf' }]);
      expect(tooLarge.status).toBe(400);
      expect($(tooLarge.text)('#documents-error').text()).toContain('MB or smaller');
      expect(await db()('complaint').where({ application_id: e.id })).toHaveLength(0);
    });

    it('without a session sends to the entry page; another application’s complaint by URL is not found', async () => {
      expect((await request(ctx.app).get(paths.employee.complaints.file)).headers.location).toBe(paths.employee.entry);
      const { complaint } = await filed();
      const other = await employee();
      expect((await other.agent.get(paths.employee.complaints.show(complaint.id))).status).toBe(404);
    });

    it('stays open after signing: the session reduced to the status page still reaches the complaint pages', async () => {
      const { agent, complaint, id } = await filed();
      // What signing leaves in the session (src/middleware/after-signing.ts): the application signed in this session.
      const sid = (await db()('session').select('sid', 'sess')).find((r: { sess: string }) => JSON.parse(r.sess).applicationId === id);
      expect(sid).toBeDefined();
      const sess = JSON.parse(sid.sess);
      await db()('session')
        .where({ sid: sid.sid })
        .update({ sess: JSON.stringify({ ...sess, signedOnly: true }) });
      expect((await agent.get(paths.employee.form.company)).headers.location).toBe(paths.employee.status);
      expect((await agent.get(paths.employee.complaints.show(complaint.id))).status).toBe(200);
      expect((await agent.get(paths.employee.complaints.file)).status).toBe(200);
    });
  });

  describe('the deadline’s country', () => {
    it('counts Belgian public holidays with COMPLAINT_COUNTRY=BE (8 May is not one), French ones by default', async () => {
      const at = new Date(RECEIVED);
      const be = await createTestContext({ COMPLAINT_COUNTRY: 'BE' }, { clock: new TestClock(at) });
      try {
        for (const [c, expected] of [
          [ctx, '2026-05-27'],
          [be, '2026-05-26'],
        ] as const) {
          const account = await givenAccount(c.deps.db);
          const a = await givenAdministrator(c.deps.db, {}, [account]);
          const k = { ...(await givenAccessKey(c.deps.db, account, a.id)), accountId: account };
          const app = await givenApplication(c.deps.db, k);
          if (c === ctx) clock.current = new Date(at);
          const agent = await enter(c.app, k, app.reference, 'en');
          expect((await fileAs(agent, VALID)).status).toBe(303);
          const row = await c.deps.db('complaint').where({ application_id: app.id }).first();
          expect({ country: row.country, due: row.due_on }).toEqual({ country: c === be ? 'BE' : 'FR', due: expected });
        }
      } finally {
        await be.close();
      }
    });
  });

  describe('filing by an administrator from the application page', () => {
    it('links from the application page, files in the application’s language, and refuses another BC’s application', async () => {
      const a = await givenApplication(db(), key, { language: 'en', email: 'employee.en@acme.example' });
      const appPage = $((await admins.fr.get(paths.admin.applications.show(a.id))).text);
      expect(appPage('#file-complaint').attr('href')).toBe(paths.admin.complaints.file(a.id));
      const form = $((await admins.fr.get(paths.admin.complaints.file(a.id))).text);
      expect(form('#contactEmail').val()).toBe('employee.en@acme.example');
      const res = await fileAs(admins.fr, { ...VALID, contactEmail: 'employee.en@acme.example' }, [], paths.admin.complaints.file(a.id));
      expect(res.status).toBe(303);
      const c = await db()('complaint').where({ application_id: a.id }).first();
      expect(c).toMatchObject({ filed_by: 'admin', filed_by_admin_id: admin.id, language: 'en' });
      expect(res.headers.location).toBe(paths.admin.complaints.show(c.id));
      expect((await db()('outbox').where({ template: 'complaint-acknowledgement', application_id: a.id }).first()).language).toBe('en');
      expect((await otherAdmin.get(paths.admin.complaints.file(a.id))).status).toBe(404);
    });
  });

  describe('the Complaints page', () => {
    it('lists the BC’s complaints with deadline, business days left and the overdue flag; filters and sorts; another BC sees none', async () => {
      const { complaint: first } = await filed();
      clock.current = new Date('2026-05-04T08:00:00Z');
      const { complaint: second } = await filed();
      await db()('complaint').where({ id: second.id }).update({ category: 'personal_data' });
      clock.current = new Date('2026-05-28T08:00:00Z'); // the first is due 27 May: overdue; the second due 28 May
      const en = await signInAs(ctx.app, ctx.deps, admin.email, 'en');
      const frAgent = await signInAs(ctx.app, ctx.deps, admin.email, 'fr');

      const page = $((await en.get(paths.admin.complaints.list)).text);
      expect(page('nav a[aria-current="page"], nav .current').text()).toContain('Complaints');
      expect(page(`#complaint-${first.id}`).text()).toContain('Overdue');
      expect(page(`#complaint-${first.id} .complaint-left`).text()).toContain('Overdue by 1 business day');
      expect(page(`#complaint-${second.id} .complaint-left`).text().trim()).toBe('0');

      const overdue = $((await en.get(`${paths.admin.complaints.list}?overdue=yes`)).text);
      expect(overdue(`#complaint-${first.id}`).length).toBe(1);
      expect(overdue(`#complaint-${second.id}`).length).toBe(0);
      const byCategory = $((await en.get(`${paths.admin.complaints.list}?category=personal_data`)).text);
      expect(byCategory('#complaints tbody tr').length).toBe(1);
      const byStatus = $((await en.get(`${paths.admin.complaints.list}?status=answered`)).text);
      expect(byStatus('#complaints').length).toBe(0);
      expect(byStatus('#no-complaints').text()).toBe('No complaint matches these filters.');

      const sorted = $((await en.get(`${paths.admin.complaints.list}?sort=due&dir=desc&pageSize=100`)).text);
      const ids = sorted('#complaints tbody tr')
        .map((_i, el) => sorted(el).attr('id'))
        .get();
      expect(ids.indexOf(`complaint-${second.id}`)).toBeLessThan(ids.indexOf(`complaint-${first.id}`));

      const fr = $((await frAgent.get(paths.admin.complaints.list)).text);
      expect(fr('h1').text()).toBe('Réclamations');
      expect(fr(`#complaint-${first.id}`).text()).toContain('En retard');

      clock.current = new Date(RECEIVED);
      const other = $((await otherAdmin.get(paths.admin.complaints.list)).text);
      expect(other(`#complaint-${first.id}`).length).toBe(0);
      expect((await otherAdmin.get(paths.admin.complaints.show(first.id))).status).toBe(404);
      expect((await platform.get(paths.admin.complaints.show(first.id))).status).toBe(200);
    });
  });

  describe('handling', () => {
    it('takes in hand, extends once with a reason e-mailed with the new date, answers with a document, then closes; every step audited', async () => {
      const { complaint: c, agent } = await filed('fr');
      const show = paths.admin.complaints.show(c.id);

      expect((await postForm(admins.en, show, paths.admin.complaints.close(c.id))).status).toBe(409);
      expect((await postForm(admins.en, show, paths.admin.complaints.start(c.id))).status).toBe(303);
      expect((await db()('complaint').where({ id: c.id }).first()).status).toBe('in_progress');
      expect((await postForm(admins.en, show, paths.admin.complaints.start(c.id))).status).toBe(409);

      const page = $((await admins.en.get(show)).text);
      expect(page('#dueOn').val()).toBe('2026-06-24'); // 35 business days after 30 April 2026
      const ext = await postForm(admins.en, show, paths.admin.complaints.extend(c.id), {
        dueOn: '2026-06-15',
        reason: 'Nous attendons les relevés de l’émetteur.',
      });
      expect(ext.status).toBe(303);
      const extended = await db()('complaint').where({ id: c.id }).first();
      expect(extended).toMatchObject({ status: 'extended', due_on: '2026-06-15', extension_reason: 'Nous attendons les relevés de l’émetteur.' });
      const notice = await db()('outbox').where({ template: 'complaint-extension', application_id: c.application_id }).first();
      expect(notice.recipient).toBe('zoe.martin@example.com');
      expect(JSON.parse(notice.data)).toMatchObject({
        reason: 'Nous attendons les relevés de l’émetteur.',
        previousDueOn: '27 mai 2026',
        dueOn: '15 juin 2026',
      });

      const again = await postForm(admins.en, show, paths.admin.complaints.extend(c.id), { dueOn: '2026-06-20', reason: 'Again' });
      expect(again.status).toBe(400);
      expect((await db()('complaint').where({ id: c.id }).first()).due_on).toBe('2026-06-15');
      // The extension form is gone once used; the rule refuses a second one all the same.
      expect($((await admins.en.get(show)).text)('#dueOn').length).toBe(0);

      const empty = await answer(admins.en, c.id, '');
      expect(empty.status).toBe(400);
      expect($(empty.text)('#answer-error').text()).toContain('Write the answer');
      const badFile = await answer(admins.en, c.id, 'Remboursé.', [{ buffer: EXE, name: 'avoir.pdf' }]);
      expect(badFile.status).toBe(400);
      expect((await db()('complaint').where({ id: c.id }).first()).status).toBe('extended');

      const ok = await answer(admins.en, c.id, 'Les frais vous ont été remboursés le 12 mai.', [{ buffer: PDF_FILE, name: 'avoir.pdf' }]);
      expect(ok.status).toBe(303);
      const answered = await db()('complaint').where({ id: c.id }).first();
      expect(answered).toMatchObject({ status: 'answered', answered_on: '2026-04-30' });
      // The answer is a message of the complaint's thread, by the administrator who answered, with its document.
      const answerMessage = await db()('thread_message').where({ id: answered.answer_message_id }).first();
      expect(answerMessage).toMatchObject({ author_type: 'administrator', body: 'Les frais vous ont été remboursés le 12 mai.' });
      expect(answerMessage.administrator_id).not.toBeNull();
      expect(await db()('thread_attachment').where({ message_id: answerMessage.id })).toEqual([
        expect.objectContaining({ kind: 'answer', original_name: 'avoir.pdf' }),
      ]);
      // Both pages show the thread: the complaint, then the answer marked as such.
      const adminThread = $((await admins.en.get(show)).text);
      expect(
        adminThread('#thread .thread__body')
          .map((_, el) => adminThread(el).text())
          .get(),
      ).toEqual([expect.any(String), 'Les frais vous ont été remboursés le 12 mai.']);
      expect(adminThread(`#message-${answerMessage.id} .tag`).text()).toBe('Answer');
      const mail = await db()('outbox').where({ template: 'complaint-answer', application_id: c.application_id }).first();
      expect(JSON.parse(mail.data)).toMatchObject({ answer: 'Les frais vous ont été remboursés le 12 mai.', documentsList: '- avoir.pdf' });
      expect((await answer(admins.en, c.id, 'Twice')).status).toBe(409);

      // The employee reads the answer on the status page and downloads its document.
      const status = $((await agent.get(paths.employee.status)).text);
      expect(status(`#complaint-${c.id} .complaint-answer`).text()).toBe('Les frais vous ont été remboursés le 12 mai.');
      const href = status(`#complaint-${c.id} a[download]`).attr('href') as string;
      const download = await agent.get(href);
      expect(download.status).toBe(200);
      expect(download.headers['content-disposition']).toContain('attachment');
      expect((await otherAdmin.get(href.replace('/application/', '/admin/'))).status).toBe(404);

      expect((await postForm(admins.en, show, paths.admin.complaints.close(c.id))).status).toBe(303);
      expect((await db()('complaint').where({ id: c.id }).first()).status).toBe('closed');

      const actions = (
        await db()('audit_log')
          .where({ object_type: 'complaint', object_id: String(c.id) })
          .select('action')
      ).map((r: { action: string }) => r.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'complaint.file',
          'complaint.start',
          'complaint.extend',
          'complaint.answer',
          'complaint.close',
          'complaint.view',
          'complaint.document.download',
        ]),
      );
    });

    it.each([
      ['en', '2026-06-25', 'The new date cannot be after 24 June 2026 (35 business days after receipt)'],
      ['fr', '2026-06-25', 'La nouvelle date ne peut pas dépasser le 24 juin 2026'],
      ['en', '2026-05-20', 'The new date must be after the current deadline'],
      ['en', '2026-02-30', 'Enter a real date'],
    ] as const)('in %s refuses an extension to %s, changing nothing and sending nothing', async (lang, dueOn, message) => {
      const { complaint: c } = await filed();
      const res = await postForm(admins[lang], paths.admin.complaints.show(c.id), paths.admin.complaints.extend(c.id), {
        dueOn,
        reason: 'Waiting for statements',
      });
      expect(res.status).toBe(400);
      expect($(res.text)('#dueOn-error').text()).toContain(message);
      expect(await db()('complaint').where({ id: c.id }).first()).toMatchObject({ status: 'received', due_on: '2026-05-27', extended_at: null });
      expect(await db()('outbox').where({ template: 'complaint-extension', application_id: c.application_id })).toHaveLength(0);
    });

    it.each([
      ['en', 'Give the reason for the extension'],
      ['fr', 'Indiquez la raison du report'],
    ] as const)('in %s refuses an extension without a written reason', async (lang, message) => {
      const { complaint: c } = await filed();
      const res = await postForm(admins[lang], paths.admin.complaints.show(c.id), paths.admin.complaints.extend(c.id), { dueOn: '2026-06-24', reason: '  ' });
      expect(res.status).toBe(400);
      expect($(res.text)('#reason-error').text()).toContain(message);
      expect((await db()('complaint').where({ id: c.id }).first()).extended_at).toBeNull();
    });

    it('refuses every action on another BC’s complaint (404), changing nothing', async () => {
      const { complaint: c } = await filed();
      for (const url of [paths.admin.complaints.start(c.id), paths.admin.complaints.extend(c.id), paths.admin.complaints.close(c.id)]) {
        const res = await postForm(otherAdmin, paths.admin.complaints.list, url, { dueOn: '2026-06-24', reason: 'x' });
        expect(res.status).toBe(404);
      }
      expect((await answer(otherAdmin, c.id, 'x').catch(() => null))?.status ?? 404).toBe(404);
      expect((await db()('complaint').where({ id: c.id }).first()).status).toBe('received');
    });
  });

  describe('the complainant’s dissatisfaction and the mediator', () => {
    it.each([
      ['en', 'The answer does not satisfy me', 'Refer your complaint to the mediator', 'Mediator: Ombudsfin'],
      ['fr', 'La réponse ne me satisfait pas', 'Saisir le médiateur', 'Médiateur : Ombudsfin'],
    ] as const)(
      'in %s: after the answer, the employee says it does not satisfy; the complaint is flagged and the page gives the mediator’s contact',
      async (lang, button, title, mediator) => {
        const { complaint: c, agent } = await filed(lang);
        const before = $((await agent.get(paths.employee.complaints.show(c.id))).text);
        expect(before('#dissatisfied-title').length).toBe(0);
        expect(before('#mediator').length).toBe(0);
        expect((await answer(admins.en, c.id, 'Refunded.')).status).toBe(303);

        const page = $((await agent.get(paths.employee.complaints.show(c.id))).text);
        // The answer is the thread's last message, marked as the answer, without the administrator's name.
        const answerMessage = page('#thread .thread__message').last();
        expect(answerMessage.find('.thread__body').text()).toBe('Refunded.');
        expect(answerMessage.find('.tag').text()).toBe(lang === 'fr' ? 'Réponse' : 'Answer');
        expect(answerMessage.find('.thread__meta strong').text()).toBe(
          lang === 'fr' ? 'Le gestionnaire du programme de votre entreprise' : 'Your company’s programme administrator',
        );
        expect(page('form[action$="/dissatisfied"] button').text()).toBe(button);
        const res = await postForm(agent, paths.employee.status, paths.employee.complaints.dissatisfied(c.id));
        expect(res.status).toBe(303);
        expect((await db()('complaint').where({ id: c.id }).first()).dissatisfied_at).not.toBeNull();
        const after = $((await agent.get(paths.employee.complaints.show(c.id))).text);
        expect(after('#mediator-title').text()).toBe(title);
        expect(after('#mediator').text()).toContain(mediator);
        expect(after('#mediator a[href="mailto:ombudsman@ombudsfin.be"]').length).toBe(1);
        expect(after('form[action$="/dissatisfied"]').length).toBe(0);
        expect(await db()('audit_log').where({ action: 'complaint.dissatisfied', application_id: c.application_id })).toHaveLength(1);

        const twice = await agent
          .post(paths.employee.complaints.dissatisfied(c.id))
          .type('form')
          .send({ _csrf: csrfFrom((await agent.get(paths.employee.status)).text) });
        expect(twice.status).toBe(409);

        const adminPage = $((await admins.en.get(paths.admin.complaints.show(c.id))).text);
        expect(adminPage('#complaint-status').text()).toContain('Not satisfied');
      },
    );

    it('refuses dissatisfaction before any answer, and shows the mediator once the deadline has passed without one', async () => {
      const { complaint: c, agent } = await filed();
      const res = await postForm(agent, paths.employee.status, paths.employee.complaints.dissatisfied(c.id));
      expect(res.status).toBe(409);
      expect((await db()('complaint').where({ id: c.id }).first()).dissatisfied_at).toBeNull();
      clock.current = new Date('2026-05-28T08:00:00Z');
      const again = await enter(ctx.app, key, (await db()('application').where({ id: c.application_id }).first()).reference, 'en');
      const page = $((await again.get(paths.employee.complaints.show(c.id))).text);
      expect(page('#mediator').text()).toContain('You have not received an answer by the deadline');
    });
  });

  describe('the register export', () => {
    it.each(['csv', 'xlsx'] as const)(
      'downloads the register as %s: reference, dates, category, deadline, extended, answered on time; audited',
      async (format) => {
        const { complaint: c } = await filed();
        await postForm(admins.en, paths.admin.complaints.show(c.id), paths.admin.complaints.extend(c.id), { dueOn: '2026-06-24', reason: 'Statements' });
        await answer(admins.en, c.id, 'Done.');
        const res = await admins.en
          .get(`${paths.admin.complaints.export}?format=${format}`)
          .buffer(true)
          .parse((r, cb) => {
            const chunks: Buffer[] = [];
            r.on('data', (d: Buffer) => chunks.push(d));
            r.on('end', () => cb(null, Buffer.concat(chunks)));
          });
        expect(res.status).toBe(200);
        expect(res.headers['content-disposition']).toContain(`complaints-register-2026-04-30.${format}`);
        const rows =
          format === 'csv'
            ? (res.body as Buffer)
                .toString('utf8')
                .replace(/^\uFEFF/, '')
                .trim()
                .split(/\r?\n/)
                .map((l) => l.split(/[;,]/))
            : sheetRowsOf(res.body as Buffer);
        expect(rows[0]).toEqual([
          'Reference',
          'Application',
          'Company',
          'Received on',
          'Category'.replace('Category', 'Reason'),
          'Status',
          'Answer due by',
          'Extended',
          'Extended on',
          'Answered on',
          'Answered on time',
          'Not satisfied',
          'Closed on',
        ]);
        const row = rows.find((r) => r[0]?.includes(c.reference)) as string[];
        expect(row.map((v) => v.replace(/^'|"/g, '').replace(/"$/, ''))).toEqual(
          expect.arrayContaining(['2026-04-30', 'A payment or fees charged', 'Answered', '2026-06-24', 'yes', 'no']),
        );
        expect(row[10]?.replace(/"/g, '')).toBe('yes');
        expect(await db()('audit_log').where({ action: 'complaint.export' })).not.toHaveLength(0);
        const other = await otherAdmin.get(`${paths.admin.complaints.export}?format=csv`);
        expect(other.text).not.toContain(c.reference);
        expect((await admins.en.get(`${paths.admin.complaints.export}?format=pdf`)).status).toBe(400);
      },
    );
  });
});
