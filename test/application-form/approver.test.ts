import request from 'supertest';
import { createTestContext, $, csrfFrom, TestClock, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { createEmailRenderer } from '../../src/core/outbox/render';
import { openEmailData } from '../../src/core/outbox/sealed';
import { approvalState } from '../../src/core/application/approval-requests';
import { loadFormContext } from '../../src/core/application/form-data';
import { canStartSigning } from '../../src/core/application/review';
import { givenApplication, givenFormKey, type GivenKey } from '../support/builders';
import { enter, pdfBytes, submit, uploadDocument, VALID_CARDHOLDER, VALID_IBAN } from '../support/employee';
import { approvalTokenFromOutbox } from '../support/outbox';

describe('additional approver: e-mail 3, single-use expiring link, approve / decline', () => {
  let ctx: TestContext;
  const clock = new TestClock();
  let key: GivenKey;

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
    key = await givenFormKey(ctx.deps.db, { paymentType: 'individual', directDebitRule: 'required', approver: true });
  });
  afterAll(() => ctx.close());

  /** Whether the request in force was approved (what signing waits for when the key requires an approver). */
  const approved = async (id: number) => (await approvalState(ctx.deps.db, id, clock.now())).kind === 'approved';

  const APPROVER = { approverName: 'Marc Durand', approverEmail: 'marc.durand@acme.example', approverLanguage: 'fr' };

  async function applicationWithRequest(): Promise<{ agent: Agent; id: number; token: string }> {
    const app = await givenApplication(ctx.deps.db, key, { language: 'en' });
    const agent = await enter(ctx.app, key, app.reference, 'en');
    await submit(agent, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER, jobTitle: 'Acheteuse senior' });
    await submit(agent, paths.employee.form.payment, { action: 'continue', iban: VALID_IBAN, bic: 'BNPAFRPP', accountHolder: 'Élodie Dupré' });
    await submit(agent, paths.employee.form.pin, { action: 'continue', pin: '5827', pinConfirmation: '5827' });
    await uploadDocument(agent, 'identity', pdfBytes(), 'passeport-secret.pdf');
    const sent = await submit(agent, paths.employee.form.approval, { action: 'send', ...APPROVER });
    expect(sent.status).toBe(303);
    return { agent, id: app.id, token: await approvalTokenFromOutbox(ctx.deps, app.id) };
  }

  async function decide(token: string, fields: Record<string, string>, lang = 'fr') {
    const agent = request.agent(ctx.app);
    const page = await agent.get(`${paths.approver.decide}?token=${token}&lang=${lang}`);
    if (page.status !== 200) return page;
    return agent
      .post(paths.approver.decide)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), token, ...fields });
  }

  it('queues e-mail 3 to the approver, in their language, with the token sealed in the outbox', async () => {
    const { id, agent } = await applicationWithRequest();
    const row = await ctx.deps.db('outbox').where({ application_id: id, template: 'additional-approval-request' }).first();
    expect(row).toMatchObject({ recipient: 'marc.durand@acme.example', language: 'fr' });
    const stored = JSON.parse(row.data) as Record<string, unknown>;
    expect(String(stored.token)).toMatch(/^v1\./);
    const data = openEmailData(ctx.deps.secrets.dataKeyring(), row.idempotency_key, stored);
    expect(String(data.token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the token's hash is kept.
    const req = await ctx.deps.db('approval_request').where({ application_id: id }).first();
    expect(req.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(req)).not.toContain(String(data.token));
    const mail = createEmailRenderer({ baseUrl: 'https://sesame.example' }).render('additional-approval-request', 'fr', data);
    expect(mail.subject).toBe('Demande de carte Corporate à approuver : Élodie Dupré');
    expect(mail.text).toContain(`https://sesame.example${paths.approver.decide}?token=${String(data.token)}&lang=fr`);
    expect(mail.html).toContain('Marc Durand');
    // The employee's page says it was sent.
    const page = await agent.get(paths.employee.form.approval);
    expect($(page.text)('#approval-state').text()).toContain('marc.durand@acme.example');
    expect(ctx.logs.join('')).not.toContain(String(data.token));
  });

  it('shows the approver a summary without PIN, IBAN or documents; approve once; the link is then used', async () => {
    const { id, token } = await applicationWithRequest();
    expect(await approved(id)).toBe(false);
    const page = await request(ctx.app).get(`${paths.approver.decide}?token=${token}&lang=fr`);
    expect(page.status).toBe(200);
    const summary = $(page.text)('#application-summary').text();
    expect(summary).toContain('Élodie Dupré');
    expect(summary).toContain('Acheteuse senior');
    // The page without its random CSRF and link tokens, which may contain these digits by chance.
    const shown = page.text.replaceAll(csrfFrom(page.text), '').replaceAll(token, '');
    expect(shown).not.toContain('0189');
    expect(shown).not.toContain('BNPAFRPP');
    expect(shown).not.toContain('passeport-secret');
    expect(shown).not.toContain('5827');
    expect($(page.text)('h1').text()).toBe('Approuver une demande de carte Corporate');

    const res = await decide(token, { decision: 'approve', comment: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${paths.approver.done}?decision=approved&lang=fr`);
    const row = await ctx.deps.db('approval_request').where({ application_id: id }).first();
    expect(row).toMatchObject({ decision: 'approved' });
    expect(row.used_at).toBeTruthy();
    expect(await approved(id)).toBe(true);
    expect((await ctx.deps.db('application').where({ id }).first()).status).toBe('in_progress');

    const again = await request(ctx.app).get(`${paths.approver.decide}?token=${token}&lang=en`);
    expect(again.status).toBe(410);
    expect($(again.text)('h1').text()).toBe('This link has already been used');
    const replay = await decide(token, { decision: 'decline', comment: 'Non' });
    expect(replay.status).toBe(410);
    expect((await ctx.deps.db('approval_request').where({ application_id: id }).first()).decision).toBe('approved');
  });

  it('refuses an expired link (7 days), in the page language', async () => {
    const { id, token } = await applicationWithRequest();
    const saved = clock.current;
    clock.advanceDays(8);
    try {
      const page = await request(ctx.app).get(`${paths.approver.decide}?token=${token}&lang=fr`);
      expect(page.status).toBe(410);
      expect($(page.text)('h1').text()).toBe('Ce lien a expiré');
      expect((await ctx.deps.db('approval_request').where({ application_id: id }).first()).used_at).toBeNull();
      // The employee is told to send it again, and cannot sign meanwhile.
      expect(await canStartSigning(ctx.deps.db, id, { now: clock.now() })).toBe(false);
    } finally {
      clock.current = saved;
    }
  });

  it('refuses an unknown token and a link superseded by a newer request', async () => {
    const unknown = await request(ctx.app).get(`${paths.approver.decide}?token=${'x'.repeat(43)}&lang=en`);
    expect(unknown.status).toBe(404);
    expect($(unknown.text)('h1').text()).toBe('This link is not valid');
    const { agent, id, token } = await applicationWithRequest();
    await submit(agent, paths.employee.form.approval, { action: 'send', ...APPROVER });
    const newer = await approvalTokenFromOutbox(ctx.deps, id);
    expect(newer).not.toBe(token);
    expect((await request(ctx.app).get(`${paths.approver.decide}?token=${token}`)).status).toBe(404);
    expect((await request(ctx.app).get(`${paths.approver.decide}?token=${newer}`)).status).toBe(200);
  });

  it('decline needs a comment, returns the application to the employee with it', async () => {
    const { agent, id, token } = await applicationWithRequest();
    const noComment = await decide(token, { decision: 'decline', comment: '' }, 'en');
    expect(noComment.status).toBe(400);
    expect($(noComment.text)('.error-summary a[href="#comment"]').text()).toContain('Explain why you decline');
    expect($(noComment.text)('input[name="decision"][value="decline"]').attr('checked')).toBeDefined();

    const res = await decide(token, { decision: 'decline', comment: 'Merci de corriger le centre de coûts.' }, 'en');
    expect(res.status).toBe(303);
    const app = await ctx.deps.db('application').where({ id }).first();
    expect(app.status).toBe('returned');
    const history = await ctx.deps.db('application_status_history').where({ application_id: id, to_status: 'returned' }).first();
    expect(history).toMatchObject({ actor_type: 'approver', comment: 'Merci de corriger le centre de coûts.' });
    expect(Boolean(history.comment_for_employee)).toBe(true);

    const tasks = await agent.get(paths.employee.application);
    expect($(tasks.text)('#returned-comment').text()).toContain('Merci de corriger le centre de coûts.');
    expect($(tasks.text)('#returned-comment').text()).toContain('Your additional approver declined your application');
    expect($(tasks.text)('#task-approval-status').text()).toBe('Incomplete');
    expect(await approved(id)).toBe(false);
    // The employee may fix it and send a new request.
    expect((await submit(agent, paths.employee.form.approval, { action: 'send', ...APPROVER })).status).toBe(303);
  });

  it('an approval after signing moves the application on to the company’s queue', async () => {
    const { id, token } = await applicationWithRequest();
    await ctx.deps.db('application').where({ id }).update({ status: 'awaiting_additional_approval' });
    const res = await decide(token, { decision: 'approve', comment: 'OK pour moi' });
    expect(res.status).toBe(303);
    expect((await ctx.deps.db('application').where({ id }).first()).status).toBe('pending_approval');
    const history = await ctx.deps.db('application_status_history').where({ application_id: id, to_status: 'pending_approval' }).first();
    expect(history).toMatchObject({ actor_type: 'approver', from_status: 'awaiting_additional_approval' });
  });

  it('a link to an application no longer waiting (cancelled) decides nothing', async () => {
    const { id, token } = await applicationWithRequest();
    await ctx.deps.db('application').where({ id }).update({ status: 'cancelled' });
    const page = await request(ctx.app).get(`${paths.approver.decide}?token=${token}&lang=en`);
    expect(page.status).toBe(410);
    expect($(page.text)('h1').text()).toBe('This application no longer needs your decision');
  });

  it('hides the section when the key does not require an approver, and signing then waits for no approval', async () => {
    const plain = await givenFormKey(ctx.deps.db, {});
    const app = await givenApplication(ctx.deps.db, plain);
    const agent = await enter(ctx.app, plain, app.reference, 'en');
    expect($((await agent.get(paths.employee.application)).text)('[data-section="approval"]').length).toBe(0);
    expect((await loadFormContext(ctx.deps.db, app.id))?.key.additionalApproverRequired).toBe(false);
  });
});
