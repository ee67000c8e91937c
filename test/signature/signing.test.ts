import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { createTestContext, TestClock, $, csrfFrom, type TestContext } from '../support/app';
import { countOf } from '../support/database';
import { paths } from '../../src/platform/paths';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createSmtpTransport, type MailTransport, type OutgoingEmail } from '../../src/core/outbox/transport';
import { verifyArchive } from '../../src/core/archive/archive';
import { transition } from '../../src/core/application/status';
import { listSignatures } from '../../src/core/application/signatures-repository';
import { createEmailRenderer } from '../../src/core/outbox/render';
import request from 'supertest';
import { pdfText } from './support';
import { givenApprovalRequest, givenSignableApplication, PIN } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, pdfBytes, postCode, requestCode, uploadDocument } from '../support/employee';

const SECOND = 1000;

describe('electronic signature', () => {
  let ctx: TestContext;
  let clock: TestClock;

  // One app for the whole file (each test has its own BC, key and application); the clock only moves forward.
  beforeAll(async () => {
    clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
    ctx = await createTestContext({}, { clock });
  });
  afterAll(() => ctx.close());

  const tick = (ms: number) => clock.advance(ms);
  /** Differences the archive check finds for one application's files (other tests tamper with their own). */
  const archiveProblems = async (id: number) => {
    const r = await verifyArchive({ config: ctx.config, db: ctx.deps.db });
    return [...r.changed.map((c) => c.path), ...r.missing, ...r.extra].filter((p) => p.startsWith(`archive/${id}/`));
  };
  const statusOf = async (id: number) => (await ctx.deps.db('application').where({ id }).first('status')).status as string;

  /** The employee of an application ready to sign, signature terms accepted and the code sent: the code they got. */
  async function codeSentFor(a: Awaited<ReturnType<typeof givenSignableApplication>>) {
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    return { a, agent, code };
  }

  async function codeSent(opts: Parameters<typeof givenSignableApplication>[1] = {}) {
    return codeSentFor(await givenSignableApplication(ctx, opts));
  }

  async function signedJourney(opts: Parameters<typeof givenSignableApplication>[1] = {}) {
    const { a, agent, code } = await codeSent(opts);
    const res = await postCode(agent, code);
    return { a, agent, res, code };
  }

  it('signs: terms, PDF, code; records the evidence, moves to pending_approval, archives the PDF and documents', async () => {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a);

    // Step 1: the signature terms must be accepted.
    const terms = await agent.get(paths.employee.signature);
    expect(terms.status).toBe(200);
    expect($(terms.text)('#terms-text').text()).toContain('signature');
    expect((await agent.get(paths.employee.signing.document)).headers.location).toBe(paths.employee.signature);
    const refused = await agent
      .post(paths.employee.signature)
      .type('form')
      .send({ _csrf: csrfFrom(terms.text), termsId: $(terms.text)('input[name=termsId]').val() });
    expect(refused.status).toBe(400);
    expect($(refused.text)('.error-summary a').attr('href')).toBe('#accept');
    await acceptSignatureTerms(agent);

    // Step 2: the PDF is offered as a download, not framed.
    const doc = await agent.get(paths.employee.signing.document);
    expect(doc.status).toBe(200);
    expect($(doc.text)('iframe, object, embed')).toHaveLength(0);
    expect($(doc.text)('#open-pdf').attr('href')).toBe(paths.employee.signing.documentPdf);
    const draft = await agent.get(paths.employee.signing.documentPdf).buffer(true);
    expect(draft.headers['content-type']).toBe('application/pdf');
    expect(draft.headers['content-disposition']).toMatch(/^attachment;/);
    expect(pdfText(draft.body)).toContain('Document à signer');

    const code = await requestCode(ctx, agent, a.id);
    const codePage = await agent.get(paths.employee.signing.code);
    expect($(codePage.text)('#code').attr('inputmode')).toBe('numeric');
    expect($(codePage.text)('#code').attr('autocomplete')).toBe('one-time-code');

    tick(3 * 60 * SECOND);
    const signedAt = clock.now().toISOString();
    const res = await agent
      .post(paths.employee.signing.code)
      .type('form')
      .set('User-Agent', 'TestBrowser/1.0')
      .send({ _csrf: csrfFrom(codePage.text), code });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.employee.signing.signed);

    expect(await statusOf(a.id)).toBe('pending_approval');
    const app = await ctx.deps.db('application').where({ id: a.id }).first();
    expect(app.submitted_at).toBe(signedAt);
    const history = await ctx.deps.db('application_status_history').where({ application_id: a.id }).orderBy('id', 'desc').first();
    expect(history).toMatchObject({ from_status: 'in_progress', to_status: 'pending_approval', actor_type: 'employee', at: signedAt });

    const [sig] = await listSignatures(ctx.deps.db, a.id);
    expect(sig).toMatchObject({ version: 1, signerEmail: 'elodie.dupre@acme.example', userAgent: 'TestBrowser/1.0', signedAt, language: 'fr' });
    expect(sig!.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(sig!.consents.cardholderTerms).toMatchObject({ version: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(sig!.consents.signatureTerms).toMatchObject({ version: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The code was bound to the PDF shown; the final PDF is a different document (with the signature block).
    expect(sig!.shownPdfSha256).toBe(crypto.createHash('sha256').update(draft.body).digest('hex'));
    const archived = fs.readFileSync(path.join(ctx.dataDir, sig!.archivePath));
    expect(crypto.createHash('sha256').update(archived).digest('hex')).toBe(sig!.pdfSha256);

    const entries = await ctx.deps.db('archive_entry').where({ application_id: a.id }).orderBy('id');
    expect(entries.map((e) => e.kind)).toEqual(['signed-application-v1', 'document-identity']);
    expect(await archiveProblems(a.id)).toEqual([]);

    // Confirmation page with the signed PDF.
    const signed = await agent.get(paths.employee.signing.signed);
    expect(signed.status).toBe(200);
    expect($(signed.text)('#signed-pdf').attr('href')).toBe(paths.employee.signedPdf(1));
    const download = await agent.get(paths.employee.signedPdf(1)).buffer(true);
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="application-\d{10}-signed-v1\.pdf"$/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-security-policy']).toContain('sandbox');
    expect(Buffer.compare(download.body, archived)).toBe(0);
    const text = pdfText(download.body);
    expect(text).toContain('Document signé électroniquement');
    expect(text).toContain('TestBrowser/1.0');
    expect(text).toContain(sig!.shownPdfSha256);

    // The steps are closed once signed.
    expect((await agent.get(paths.employee.signature)).headers.location).toBe(paths.employee.status);
  });

  it('puts every answer in the PDF, in the employee’s language, with terms and document hashes, and never the PIN', async () => {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const fr = pdfText((await agent.get(paths.employee.signing.documentPdf).buffer(true)).body);
    for (const v of [
      'Élodie',
      'Dupré',
      'Besançon',
      '12 rue de l’Église',
      'Chargée d’études à Noël',
      'ELODIE DUPRE',
      a.reference,
      'Demande de carte Corporate',
      'Conditions acceptées',
    ]) {
      expect(fr).toContain(v);
    }
    const doc = await ctx.deps.db('application_document').where({ application_id: a.id }).first();
    expect(fr).toContain(doc.sha256);
    expect(fr).toContain('carte-identité.pdf');
    const acceptance = await ctx.deps.db('terms_acceptance').where({ application_id: a.id, kind: 'cardholder' }).first();
    expect(fr).toContain(acceptance.sha256);
    expect(fr).not.toContain(PIN);

    const en = pdfText((await agent.get(`${paths.employee.signing.documentPdf}?lang=en`).buffer(true)).body);
    expect(en).toContain('Corporate card application');
    expect(en).toContain('Document to be signed');
    expect(en).not.toContain(PIN);
  });

  it('writes the documents’ sizes in the signed PDF in French units (Ko) when signed in French', async () => {
    const a = await givenSignableApplication(ctx, { email: 'sizes@acme.example' });
    const agent = await employeeAgent(ctx, a);
    const bytes = Buffer.concat([pdfBytes('other'), Buffer.alloc(5300 - pdfBytes('other').length, 0x20)]);
    expect((await uploadDocument(agent, 'other', bytes, 'justificatif.pdf')).status).toBe(303);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    expect((await postCode(agent, code)).status).toBe(303);
    const text = pdfText((await agent.get(paths.employee.signedPdf(1)).buffer(true)).body).replace(/\s+/g, ' ');
    expect(text).toContain('justificatif.pdf (5,2 Ko)');
    expect(text).not.toMatch(/\d (KB|MB)\b/);
  });

  it('refuses a wrong code five times, then needs a new code even for the right one', async () => {
    const { a, agent, code } = await codeSent();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const res = await postCode(agent, wrong);
      expect(res.status).toBe(400);
      expect($(res.text)('#code-error').text()).toContain(`Il vous reste ${5 - i} essai`);
    }
    const fifth = await postCode(agent, wrong);
    expect($(fifth.text)('.error-summary').text()).toContain('Trop d’essais avec ce code');
    const right = await postCode(agent, code);
    expect(right.status).toBe(400);
    expect($(right.text)('.error-summary').text()).toContain('Trop d’essais avec ce code');
    expect(await statusOf(a.id)).toBe('in_progress');

    tick(61 * SECOND);
    const fresh = await requestCode(ctx, agent, a.id);
    expect((await postCode(agent, fresh)).status).toBe(303);
    expect(await statusOf(a.id)).toBe('pending_approval');
  });

  it('refuses an expired code (10 minutes)', async () => {
    const { a, agent, code } = await codeSent();
    tick(10 * 60 * SECOND + SECOND);
    const res = await postCode(agent, code);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('Ce code a expiré');
    expect(await statusOf(a.id)).toBe('in_progress');
  });

  it.each([
    ['fr', 'Votre dernier code n’a pas pu être remis', 'Recevoir un nouveau code'],
    ['en', 'Your last code could not be delivered', 'Send me a new code'],
  ] as const)('offers a new code (%s) when the code e-mail could not be sent before the code expired', async (lang, notice, link) => {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a, lang);
    await acceptSignatureTerms(agent);
    await requestCode(ctx, agent, a.id);
    const attempt = await ctx.deps.db('signature_attempt').where({ application_id: a.id }).orderBy('id', 'desc').first();
    const email = await ctx.deps.db('outbox').where({ application_id: a.id, template: 'signing-code' }).first();
    // the e-mail is useless after the code: it carries the code's expiry
    expect(email.expires_at).toBe(attempt.expires_at);
    const before = await agent.get(paths.employee.signing.code);
    expect($(before.text)('#undelivered')).toHaveLength(0);

    // The mail server refuses connections until the code's end: the e-mail is retried, then dropped as expired.
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const transport = createSmtpTransport({ ...ctx.config.mail, smtpUrl: `smtp://127.0.0.1:${closed}` }, { connectionTimeoutMs: 1000 });
    const dispatcher = createOutboxDispatcher(ctx.deps, transport, { random: () => 0 });
    const statusOfEmail = async () => (await ctx.deps.db('outbox').where({ id: email.id }).first()).status as string;
    try {
      while ((await statusOfEmail()) === 'pending') {
        const row = await ctx.deps.db('outbox').where({ id: email.id }).first();
        if (row.next_attempt_at > clock.now().toISOString()) clock.current = new Date(row.next_attempt_at);
        await dispatcher.runOnce();
      }
    } finally {
      await transport.close();
    }
    expect(await statusOfEmail()).toBe('expired');

    // The code page says so and points to "send a new code"; so does the PDF page.
    const page = await agent.get(paths.employee.signing.code);
    expect(page.status).toBe(200);
    const $page = $(page.text);
    expect($page('#undelivered').text()).toContain(notice);
    expect($page('#undelivered a').text()).toBe(link);
    expect($page('#undelivered a').attr('href')).toBe('#resend');
    expect($page('#resend')).toHaveLength(1);
    expect($page('#expires')).toHaveLength(0);
    expect($((await agent.get(paths.employee.signing.document)).text)('#undelivered').text()).toContain(notice);

    tick(61 * SECOND);
    const res = await agent
      .post(paths.employee.signing.sendCode)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), from: 'code' });
    expect(res.status).toBe(303);
    const fresh = await agent.get(paths.employee.signing.code);
    expect($(fresh.text)('#undelivered')).toHaveLength(0);
    expect($(fresh.text)('#expires')).toHaveLength(1);
  });

  it('throttles resending (60 s)', async () => {
    const { a, agent } = await codeSent();
    const page = await agent.get(paths.employee.signing.code);
    const res = await agent
      .post(paths.employee.signing.sendCode)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), from: 'code' });
    expect(res.status).toBe(429);
    expect($(res.text)('.error-summary').text()).toContain('Un code vient d’être envoyé');
    expect(await countOf(ctx.deps.db('outbox').where({ application_id: a.id, template: 'signing-code' }))).toBe(1);
  });

  it('sends one code when "send me a code" is pressed twice at once (double click, two tabs)', async () => {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const page = await agent.get(paths.employee.signing.document);
    const form = { _csrf: csrfFrom(page.text), from: 'document' };
    const results = await Promise.all([
      agent.post(paths.employee.signing.sendCode).type('form').send(form),
      agent.post(paths.employee.signing.sendCode).type('form').send(form),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 429]);
    expect(await countOf(ctx.deps.db('outbox').where({ application_id: a.id, template: 'signing-code' }))).toBe(1);
    expect(await countOf(ctx.deps.db('signature_attempt').where({ application_id: a.id }))).toBe(1);
  });

  it('makes the code invalid when the answers change after it was sent', async () => {
    const { a, agent, code } = await codeSent();
    const row = await ctx.deps.db('application').where({ id: a.id }).first('form_data');
    const form = JSON.parse(row.form_data);
    form.cardholder.jobTitle = 'Directrice';
    await ctx.deps
      .db('application')
      .where({ id: a.id })
      .update({ form_data: JSON.stringify(form) });
    const res = await postCode(agent, code);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain('La demande a changé depuis l’envoi du code');
    expect(await statusOf(a.id)).toBe('in_progress');
  });

  it('answers a replayed signing form clearly and signs once', async () => {
    const { a, agent, code } = await codeSent();
    const page = await agent.get(paths.employee.signing.code);
    const form = { _csrf: csrfFrom(page.text), code };
    expect((await agent.post(paths.employee.signing.code).type('form').send(form)).status).toBe(303);
    const replay = await agent.post(paths.employee.signing.code).type('form').send(form);
    expect(replay.status).toBe(409);
    expect($(replay.text)('#already-signed').text()).toContain('déjà été signée');
    expect(await listSignatures(ctx.deps.db, a.id)).toHaveLength(1);
    expect(await ctx.deps.db('application_status_history').where({ application_id: a.id, to_status: 'pending_approval' })).toHaveLength(1);
  });

  it('signs once when two tabs sign at the same time, and tells the other one', async () => {
    const { a, agent, code } = await codeSent();
    const page = await agent.get(paths.employee.signing.code);
    const form = { _csrf: csrfFrom(page.text), code };
    const results = await Promise.all([
      agent.post(paths.employee.signing.code).type('form').send(form),
      agent.post(paths.employee.signing.code).type('form').send(form),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    expect(await listSignatures(ctx.deps.db, a.id)).toHaveLength(1);
    expect(await ctx.deps.db('archive_entry').where({ application_id: a.id, kind: 'signed-application-v1' })).toHaveLength(1);
    expect(await archiveProblems(a.id)).toEqual([]);
  });

  it('second tab with its own code: the older code is replaced, the newer one signs, the older tab is told it is signed', async () => {
    const { a, agent, code: code1 } = await codeSent();
    const tab1 = csrfFrom((await agent.get(paths.employee.signing.code)).text);
    tick(61 * SECOND);
    const code2 = await requestCode(ctx, agent, a.id);
    const tab2 = csrfFrom((await agent.get(paths.employee.signing.code)).text);
    const replaced = await agent.post(paths.employee.signing.code).type('form').send({ _csrf: tab1, code: code1 });
    expect(replaced.status).toBe(400);
    expect((await agent.post(paths.employee.signing.code).type('form').send({ _csrf: tab2, code: code2 })).status).toBe(303);
    const late = await agent.post(paths.employee.signing.code).type('form').send({ _csrf: tab1, code: code1 });
    expect(late.status).toBe(409);
    expect($(late.text)('#already-signed').text()).toContain('déjà été signée');
    expect(await listSignatures(ctx.deps.db, a.id)).toHaveLength(1);
  });

  it('keeps the clear code out of the outbox: sealed before sending, wiped after', async () => {
    const { a, code } = await codeSent({ email: 'code.test@acme.example' });
    const before = await ctx.deps.db('outbox').where({ application_id: a.id, template: 'signing-code' }).first();
    expect(before.recipient).toBe('code.test@acme.example');
    expect(before.data).not.toContain(code);
    expect(JSON.parse(before.data).code).toMatch(/^v1\./);

    const sent: OutgoingEmail[] = [];
    const transport: MailTransport = { kind: 'smtp', send: async (m) => void sent.push(m), close: async () => undefined };
    const dispatcher = createOutboxDispatcher(ctx.deps, transport, { random: () => 0, batchSize: 100 });
    while ((await dispatcher.runOnce(clock.now())).claimed > 0);
    const mail = sent.find((m) => m.to === 'code.test@acme.example' && m.subject === 'Votre code de signature électronique');
    expect(mail?.text).toContain(code);
    expect(mail?.subject).not.toContain(code);
    const after = await ctx.deps.db('outbox').where({ id: before.id }).first();
    expect(after.status).toBe('sent');
    expect(JSON.stringify(after)).not.toContain(code);
    expect(after.data).toBe('{}');
  });

  it('moves to awaiting_additional_approval when the approver has not approved yet, to pending_approval when they have', async () => {
    for (const decided of [false, true]) {
      const a = await givenSignableApplication(ctx, { additionalApprover: true });
      await givenApprovalRequest(ctx, a.id, { now: clock.now(), decided });
      const { agent, code } = await codeSentFor(a);
      expect((await postCode(agent, code)).status).toBe(303);
      expect(await statusOf(a.id)).toBe(decided ? 'pending_approval' : 'awaiting_additional_approval');
    }
  });

  it('queues e-mail 7 for an urgent application: initiating administrator and notification recipients', async () => {
    const { a } = await signedJourney({ priority: 'urgent', notificationRecipients: ['Final.Approver@acme.example', 'other@acme.example'] });
    const rows = await ctx.deps.db('outbox').where({ application_id: a.id, template: 'urgent-alert' }).orderBy('recipient');
    expect(rows.map((r) => r.recipient).sort()).toEqual([a.adminEmail, 'final.approver@acme.example', 'other@acme.example'].sort());
    const data = JSON.parse(rows[0].data);
    expect(data).toMatchObject({ reference: a.reference, employeeName: 'Élodie Dupré', awaitingAdditionalApproval: false });
  });

  it('queues e-mail 7 again, saying so, when the additional approver approves a signed urgent application; not for a normal one', async () => {
    const renderer = createEmailRenderer({ baseUrl: 'https://sesame.example' });
    for (const priority of ['urgent', 'normal'] as const) {
      const a = await givenSignableApplication(ctx, { additionalApprover: true, priority, email: `approver-${priority}@acme.example` });
      const db = ctx.deps.db;
      const token = await givenApprovalRequest(ctx, a.id, { now: clock.now() });
      const { agent, code } = await codeSentFor(a);
      expect((await postCode(agent, code)).status).toBe(303);
      expect(await statusOf(a.id)).toBe('awaiting_additional_approval');
      const alerts = () => db('outbox').where({ application_id: a.id, template: 'urgent-alert' }).orderBy('id');
      expect(await alerts()).toHaveLength(priority === 'urgent' ? 1 : 0);

      tick(3600 * SECOND);
      const approver = request.agent(ctx.app);
      const page = await approver.get(`${paths.approver.decide}?token=${token}&lang=fr`);
      const decided = await approver
        .post(paths.approver.decide)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), token, decision: 'approve', comment: '' });
      expect(decided.status).toBe(303);
      expect(await statusOf(a.id)).toBe('pending_approval');
      // A replayed decision changes nothing and sends nothing.
      await approver
        .post(paths.approver.decide)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), token, decision: 'approve', comment: '' });

      const rows = await alerts();
      if (priority === 'normal') {
        expect(rows).toHaveLength(0);
        continue;
      }
      expect(rows).toHaveLength(2);
      const [atSigning, atApproval] = rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
      expect(atSigning!.data).toMatchObject({ awaitingAdditionalApproval: true });
      expect(atSigning!.data.approvedByAdditionalApprover).toBeUndefined();
      expect(atApproval).toMatchObject({ recipient: a.adminEmail });
      expect(atApproval!.data).toMatchObject({
        reference: a.reference,
        awaitingAdditionalApproval: false,
        approvedByAdditionalApprover: true,
        signedOn: atSigning!.data.signedOn,
      });
      expect(atApproval!.idempotency_key).not.toBe(atSigning!.idempotency_key);
      const fr = renderer.render('urgent-alert', 'fr', atApproval!.data);
      expect(fr.text).toContain('L’approbateur supplémentaire vient d’approuver une demande de carte Corporate URGENTE');
      expect(fr.html).toContain('L’approbateur supplémentaire vient d’approuver');
      expect(fr.text).not.toContain('vient d’être signée');
      const en = renderer.render('urgent-alert', 'en', atApproval!.data);
      expect(en.text).toContain('The additional approver has just approved an URGENT corporate card application');
      expect(en.text).not.toContain('still waiting for the additional approver');
    }
  });

  it('queues e-mail 7 to the key’s creator for a self-service urgent application, none for a normal one', async () => {
    const { a } = await signedJourney({ priority: 'urgent', origin: 'self_service' });
    const rows = await ctx.deps.db('outbox').where({ application_id: a.id, template: 'urgent-alert' });
    expect(rows.map((r) => r.recipient)).toEqual([a.adminEmail]);
    const normal = await signedJourney({ email: 'normal@acme.example' });
    expect(await ctx.deps.db('outbox').where({ application_id: normal.a.id, template: 'urgent-alert' })).toHaveLength(0);
  });

  it('archive check detects a tampered signed PDF, and the download refuses it', async () => {
    const { a, agent } = await signedJourney();
    expect(await archiveProblems(a.id)).toEqual([]);
    const [sig] = await listSignatures(ctx.deps.db, a.id);
    const file = path.join(ctx.dataDir, sig!.archivePath);
    fs.chmodSync(file, 0o640);
    fs.appendFileSync(file, '% tampered');
    const report = await verifyArchive({ config: ctx.config, db: ctx.deps.db });
    expect(report.clean).toBe(false);
    expect(report.changed.map((c) => c.path)).toContain(sig!.archivePath);
    expect(await archiveProblems(a.id)).toEqual([sig!.archivePath]);
    expect((await agent.get(paths.employee.signedPdf(1))).status).toBe(500);
  });

  it('a returned application is signed again: both versions archived, return comment on the status page', async () => {
    const journey = await signedJourney();
    const { a } = journey;
    let { agent } = journey;
    // Returned ten minutes later, while the employee's session is still open (idle timeout: 30 minutes).
    tick(600 * SECOND);
    await ctx.deps.db.transaction((trx) =>
      transition(trx, {
        applicationId: a.id,
        from: ['pending_approval'],
        to: 'returned',
        actor: { type: 'admin', id: a.adminId },
        comment: 'Merci de joindre une pièce d’identité lisible',
        commentForEmployee: true,
        now: clock.now(),
      }),
    );

    const status = await agent.get(paths.employee.status);
    expect(status.status).toBe(200);
    const page = $(status.text);
    expect(page('#current-status').text()).toContain('Renvoyée pour correction');
    expect(page('#timeline').text()).toContain('Merci de joindre une pièce d’identité lisible');
    expect(page('#signed-pdfs a')).toHaveLength(1);

    // The signing session shows the status only (SECURITY.md): the employee signs in again to change it.
    expect((await agent.get(paths.employee.signing.document)).headers.location).toBe(paths.employee.status);
    agent = await employeeAgent(ctx, a);
    // Must accept the signature terms again, then sign a second version.
    expect((await agent.get(paths.employee.signing.document)).headers.location).toBe(paths.employee.signature);
    tick(60 * SECOND);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    tick(60 * SECOND);
    expect((await postCode(agent, code)).status).toBe(303);
    expect(await statusOf(a.id)).toBe('pending_approval');

    const sigs = await listSignatures(ctx.deps.db, a.id);
    expect(sigs.map((s) => s.version)).toEqual([1, 2]);
    for (const s of sigs) expect(fs.existsSync(path.join(ctx.dataDir, s.archivePath))).toBe(true);
    expect(sigs[0]!.archivePath).not.toBe(sigs[1]!.archivePath);
    expect(await archiveProblems(a.id)).toEqual([]);
    const after = $((await agent.get(paths.employee.status)).text);
    expect(
      after('#signed-pdfs a')
        .map((_i, el) => after(el).attr('href'))
        .get(),
    ).toEqual([paths.employee.signedPdf(1), paths.employee.signedPdf(2)]);
    expect((await agent.get(paths.employee.signedPdf(1))).status).toBe(200);
  });

  it('signs in English when the employee uses English: code e-mail, PDF and evidence; the code never reaches the logs', async () => {
    const a = await givenSignableApplication(ctx, { email: 'english@acme.example' });
    // English pages and English chosen as correspondence language (the code e-mail follows the latter).
    const row = await ctx.deps.db('application').where({ id: a.id }).first('form_data');
    const form = JSON.parse(row.form_data);
    form.cardholder.correspondenceLanguage = 'en';
    await ctx.deps
      .db('application')
      .where({ id: a.id })
      .update({ language: 'en', form_data: JSON.stringify(form) });
    const agent = await employeeAgent(ctx, a, 'en');
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    expect((await ctx.deps.db('outbox').where({ application_id: a.id, template: 'signing-code' }).first()).language).toBe('en');
    expect((await postCode(agent, code)).status).toBe(303);
    const [sig] = await listSignatures(ctx.deps.db, a.id);
    expect(sig!.language).toBe('en');
    const text = pdfText((await agent.get(paths.employee.signedPdf(1)).buffer(true)).body);
    expect(text).toContain('Electronically signed document');
    expect(text).toContain('Date and time of signature');
    expect(ctx.logs.join('\n')).not.toContain(code);
  });
});
