import { createTestContext, signInAs, csrfFrom, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';
import { outboxRows } from '../support/outbox';
import { act, resultRows, select } from '../support/approval-queue';

describe('approval queue rules: priority changes, additional approver, reactivation', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: Key;
  let keyWithApprover: Key;

  beforeAll(async () => {
    clock = new TestClock();
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db);
    const accountA2 = await givenAccount(db);
    const accountB = await givenAccount(db);
    adminA = await givenAdministrator(db, {}, [accountA, accountA2]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id)), accountId: accountA };
    keyWithApprover = { ...(await givenAccessKey(db, accountA2, adminA.id, { additional_approver_required: true })), accountId: accountA2 };
    await givenAccessKey(db, accountB, adminB.id);
  });
  afterAll(() => ctx.close());

  const app = (id: number) => ctx.deps.db('application').where({ id }).first();
  const hasPin = async (id: number) => Boolean(await ctx.deps.db('application_pin').where({ application_id: id }).whereNotNull('encrypted').first());

  describe('priority', () => {
    it('normal → urgent needs the urgent terms ticked, then changes the priority, erases the unused PIN and lets the application be approved', async () => {
      const a = await givenPending(ctx.deps.db, keyA);
      expect(await hasPin(a.id)).toBe(true);
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
      const { confirmUrl, html, csrf } = await select(agent, { ids: [a.id], action: 'urgent' });
      const page = $(html);
      expect(page('h1').text()).toBe('Changer la priorité – de normale à urgente');
      expect(page('main').text()).toContain('Des frais de traitement urgent de 30 €');
      expect(page('main').text()).toContain('5 jours ouvrables');
      expect(page('main').text()).toContain('bande magnétique');
      expect(page('main').text()).toContain('ne sera pas utilisé');
      expect(page('label[for="urgentTermsAccepted"]').text()).toBe('J’accepte les conditions liées à une émission de la carte en urgence');

      const refused = await agent.post(confirmUrl).type('form').send({ _csrf: csrf });
      expect(refused.status).toBe(400);
      expect($(refused.text)('.error-summary a').attr('href')).toBe('#urgentTermsAccepted');
      expect((await app(a.id)).priority).toBe('normal');

      const done = await agent.post(confirmUrl).type('form').send({ _csrf: csrf, urgentTermsAccepted: 'yes' });
      expect(done.status).toBe(303);
      const results = await agent.get(done.headers.location as string);
      expect(resultRows(results.text, 'succeeded')[0]!.text).toContain('Priorité passée à urgente');
      const row = await app(a.id);
      expect(row).toMatchObject({ priority: 'urgent', status: 'pending_approval' });
      expect(await hasPin(a.id)).toBe(false);
      const last = await ctx.deps.db('application_status_history').where({ application_id: a.id }).orderBy('id', 'desc').first();
      expect(last).toMatchObject({ event: 'priority_urgent', from_status: 'pending_approval', to_status: 'pending_approval', actor_id: adminA.id });
      const audit = await ctx.deps.db('audit_log').where({ application_id: a.id, action: 'application.priority_change' }).first();
      expect(JSON.parse(audit.details)).toMatchObject({ priority: { from: 'normal', to: 'urgent' }, urgentTermsAccepted: true });
      expect((await outboxRows(ctx.deps.db, a.id)).map((m) => m.template)).not.toContain('approved');

      const show = $((await agent.get(paths.admin.applications.show(a.id))).text);
      expect(show('#history').text()).toContain('Priorité passée à urgente');

      const { results: approved } = await act(agent, { ids: [a.id], action: 'approve' });
      expect(resultRows(approved.text, 'succeeded').map((r) => r.id)).toEqual([a.id]);
      expect((await app(a.id)).status).toBe('approved');
    });

    it('urgent → normal explains that it cannot be approved as is and offers the return to the applicant', async () => {
      const a = await givenPending(ctx.deps.db, keyA, { priority: 'urgent' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { html } = await select(agent, { ids: [a.id], action: 'normal' });
      const page = $(html);
      expect(page('h1').text()).toBe('Change the priority – from urgent to normal');
      expect(page('#pin-explanation').text()).toContain('cannot be approved as it is: return it to the applicant so that they choose their PIN');
      expect(page('button[name="followUp"][value="return"]').text()).toBe('Change to normal and return to the applicant');
      expect(page('button[name="followUp"][value="none"]').text()).toBe('Change to normal only');
      expect(String(page('#comment').val())).toContain('please choose your card’s PIN');
    });

    it('urgent → normal only: the priority changes but approval is refused until the applicant has chosen a PIN', async () => {
      const a = await givenPending(ctx.deps.db, keyA, { priority: 'urgent' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { results } = await act(agent, { ids: [a.id], action: 'normal', form: { followUp: 'none', comment: '' } });
      expect(resultRows(results.text, 'succeeded')[0]!.text).toContain('Priority changed to normal: return the application to the applicant');
      expect(await app(a.id)).toMatchObject({ priority: 'normal', status: 'pending_approval' });
      const last = await ctx.deps.db('application_status_history').where({ application_id: a.id }).orderBy('id', 'desc').first();
      expect(last.event).toBe('priority_normal');

      const { html } = await select(agent, { ids: [a.id], action: 'approve' });
      expect($(html)(`#selection tr[data-id="${a.id}"] .warning-cell`).text()).toContain('Normal priority without a PIN');
      const { results: refused } = await act(agent, { ids: [a.id], action: 'approve' });
      expect(resultRows(refused.text, 'refused')).toEqual([
        { id: a.id, text: `${a.reference} Normal priority without a PIN: return it to the applicant so that they choose their PIN` },
      ]);
      expect((await app(a.id)).status).toBe('pending_approval');
      expect((await outboxRows(ctx.deps.db, a.id)).map((m) => m.template)).not.toContain('approved');
    });

    it('urgent → normal and return: needs a comment, returns the application (e-mail 4) so that the employee chooses a PIN', async () => {
      const a = await givenPending(ctx.deps.db, keyA, { priority: 'urgent', language: 'en' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { confirmUrl, csrf } = await select(agent, { ids: [a.id], action: 'normal' });
      const missing = await agent.post(confirmUrl).type('form').send({ _csrf: csrf, followUp: 'return', comment: '' });
      expect(missing.status).toBe(400);
      expect($(missing.text)('#comment-error').text()).toContain('Enter a comment for the applicant to return the applications');
      expect((await app(a.id)).priority).toBe('urgent');
      const comment = 'Please choose your PIN, then sign again.';
      const done = await agent.post(confirmUrl).type('form').send({ _csrf: csrf, followUp: 'return', comment });
      const results = await agent.get(done.headers.location as string);
      expect(resultRows(results.text, 'succeeded')[0]!.text).toContain('Priority changed to normal and returned to the applicant');
      expect(await app(a.id)).toMatchObject({ priority: 'normal', status: 'returned' });
      const history = await ctx.deps.db('application_status_history').where({ application_id: a.id }).orderBy('id');
      expect(history.slice(-2).map((h: { event: string | null; to_status: string }) => [h.event, h.to_status])).toEqual([
        ['priority_normal', 'pending_approval'],
        [null, 'returned'],
      ]);
      const mails = (await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'returned');
      expect(mails).toHaveLength(1);
      expect(JSON.parse(mails[0]!.data).comment).toBe(comment);
    });

    it('refuses a change to the priority the application already has', async () => {
      const a = await givenPending(ctx.deps.db, keyA, { priority: 'urgent' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { results } = await act(agent, { ids: [a.id], action: 'urgent', form: { urgentTermsAccepted: 'yes' } });
      expect(resultRows(results.text, 'refused')[0]!.text).toContain('Already urgent');
      expect(await ctx.deps.db('application_status_history').where({ application_id: a.id, event: 'priority_urgent' })).toHaveLength(0);
    });
  });

  describe('additional approver', () => {
    it('refuses to approve an application still waiting for its additional approver (and sends nothing)', async () => {
      const a = await givenPending(ctx.deps.db, keyWithApprover, { status: 'awaiting_additional_approval' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { results } = await act(agent, { ids: [a.id], action: 'approve' });
      expect(resultRows(results.text, 'refused')).toEqual([{ id: a.id, text: `${a.reference} The additional approver has not approved it yet` }]);
      expect((await app(a.id)).status).toBe('awaiting_additional_approval');
      expect((await outboxRows(ctx.deps.db, a.id)).map((m) => m.template)).not.toContain('approved');
    });

    it('refuses a pending application whose key requires an approver who has not approved, and approves once they have', async () => {
      const db = ctx.deps.db;
      const a = await givenPending(db, keyWithApprover);
      const request = {
        application_id: a.id,
        approver_name: 'Marc Manager',
        approver_email: 'marc@acme.example',
        language: 'fr',
        expires_at: '2026-12-01T09:00:00.000Z',
        created_at: '2026-11-24T08:00:00.000Z',
      };
      await db('approval_request').insert({ ...request, token_hash: 'a'.repeat(64) });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { results } = await act(agent, { ids: [a.id], action: 'approve' });
      expect(resultRows(results.text, 'refused')[0]!.text).toContain('The additional approver has not approved it yet');
      expect((await app(a.id)).status).toBe('pending_approval');

      await db('approval_request').where({ application_id: a.id }).update({ decision: 'approved', used_at: '2026-11-24T08:30:00.000Z' });
      const { results: ok } = await act(agent, { ids: [a.id], action: 'approve' });
      expect(resultRows(ok.text, 'succeeded').map((r) => r.id)).toEqual([a.id]);
      expect((await app(a.id)).status).toBe('approved');
    });

    it('still lets the administrator return such an application to the applicant', async () => {
      const a = await givenPending(ctx.deps.db, keyWithApprover, { status: 'awaiting_additional_approval' });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      const { results } = await act(agent, { ids: [a.id], action: 'return', form: { comment: 'Your manager is away: please name another approver.' } });
      expect(resultRows(results.text, 'succeeded').map((r) => r.id)).toEqual([a.id]);
      expect((await app(a.id)).status).toBe('returned');
    });
  });

  describe('reactivation of a cancelled application', () => {
    const DAY = 86_400_000;
    async function cancelledAt(daysAgo: number) {
      const createdAt = new Date(clock.now().getTime() - daysAgo * DAY).toISOString();
      const a = await givenPending(ctx.deps.db, keyA, { createdAt });
      const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
      await act(agent, { ids: [a.id], action: 'cancel', form: { comment: 'Cancelled by mistake' } });
      expect((await app(a.id)).status).toBe('cancelled');
      return { a, agent };
    }

    it('is possible 89 days after initiation: back to the status before the cancellation, recorded and audited', async () => {
      const { a, agent } = await cancelledAt(89);
      const page = await agent.get(paths.admin.applications.show(a.id));
      expect($(page.text)('#reactivation').text()).toContain('can be reactivated until');
      const form = $(page.text)('form.reactivate-form');
      expect(form.attr('action')).toBe(paths.admin.applications.reactivate(a.id));
      const res = await agent
        .post(paths.admin.applications.reactivate(a.id))
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(303);
      expect((await app(a.id)).status).toBe('pending_approval');
      const last = await ctx.deps.db('application_status_history').where({ application_id: a.id }).orderBy('id', 'desc').first();
      expect(last).toMatchObject({ from_status: 'cancelled', to_status: 'pending_approval', event: 'reactivated', actor_id: adminA.id });
      expect(await ctx.deps.db('audit_log').where({ application_id: a.id, action: 'application.reactivate' })).toHaveLength(1);
      const shown = $((await agent.get(paths.admin.applications.show(a.id))).text);
      expect(shown('.banner').text()).toContain('reactivated');
      expect(shown('#history').text()).toContain('Reactivated: back to “Pending approval”');
      // A second click changes nothing more.
      const again = await agent
        .post(paths.admin.applications.reactivate(a.id))
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(again.status).toBe(409);
      expect(await ctx.deps.db('application_status_history').where({ application_id: a.id, event: 'reactivated' })).toHaveLength(1);
    });

    it('is no longer possible 91 days after initiation', async () => {
      const { a, agent } = await cancelledAt(91);
      const page = await agent.get(paths.admin.applications.show(a.id));
      expect($(page.text)('#reactivation').text()).toContain('can no longer be reactivated');
      expect($(page.text)('form.reactivate-form').length).toBe(0);
      const res = await agent
        .post(paths.admin.applications.reactivate(a.id))
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(res.status).toBe(409);
      expect($(res.text)('main').text()).toContain('more than 90 days have passed');
      expect((await app(a.id)).status).toBe('cancelled');
    });

    it('answers 404 to another BC’s administrator, and 403 without the CSRF token', async () => {
      const { a, agent } = await cancelledAt(10);
      const other = await signInAs(ctx.app, ctx.deps, adminB.email, 'en');
      const otherCsrf = csrfFrom((await other.get(paths.admin.approvals.list)).text);
      expect((await other.post(paths.admin.applications.reactivate(a.id)).type('form').send({ _csrf: otherCsrf })).status).toBe(404);
      expect((await agent.post(paths.admin.applications.reactivate(a.id)).type('form').send({})).status).toBe(403);
      expect((await app(a.id)).status).toBe('cancelled');
    });
  });
});
