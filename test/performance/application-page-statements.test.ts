import crypto from 'node:crypto';
import { createTestContext, csrfFrom, signInAs, $, TestClock, type Agent, type TestContext } from '../support/app';
import { givenApplication, givenKey, givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';
import { paths } from '../../src/platform/paths';

/**
 * The administrator's application page reads each thing once (issue 15): the statements it sends beyond what every
 * administrator's page sends (the not-found page's: session, administrator, tabs) are counted, so that a second read
 * of the application, a reader per row or a split query cannot slip back in unnoticed. The page has something in
 * every section: e-mails, the form (a document, the terms accepted, the PIN), a signed version, history, a request
 * for information. Runs on PostgreSQL too with TEST_DATABASE_URL.
 */
describe('the application page’s statements', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(new Date('2026-11-24T09:00:00Z')) });
  });
  afterAll(() => ctx.close());

  /** The statements sent while the agent GETs the path (after a first GET, so nothing is read for the first time). */
  async function statementsOf(agent: Agent, path: string, status: number): Promise<string[]> {
    expect((await agent.get(path)).status).toBe(status);
    const sent: string[] = [];
    const count = (q: { sql: string }) => sent.push(q.sql);
    ctx.deps.db.on('query', count);
    try {
      expect((await agent.get(path)).status).toBe(status);
    } finally {
      ctx.deps.db.off('query', count);
    }
    return sent;
  }

  /** The page's own statements: the page's minus the not-found page's, for the same administrator. */
  async function ownStatements(agent: Agent, applicationId: number): Promise<number> {
    const floor = await statementsOf(agent, '/admin/no-such-page', 404);
    const page = await statementsOf(agent, paths.admin.applications.show(applicationId), 200);
    return page.length - floor.length;
  }

  it('reads a signed application with every section filled in at most 17 statements of its own (the audit row’s 5 included)', async () => {
    const a = await givenSignableApplication(ctx, { email: `statements.${crypto.randomUUID()}@acme.example` });
    const employee = await employeeAgent(ctx, a);
    await acceptSignatureTerms(employee);
    expect((await postCode(employee, await requestCode(ctx, employee, a.id))).status).toBe(303);
    const admin = await signInAs(ctx.app, ctx.deps, a.adminEmail, 'en');
    const form = await admin.get(paths.admin.informationRequests.create(a.id));
    const asked = await admin
      .post(paths.admin.informationRequests.create(a.id))
      .type('form')
      .send({ _csrf: csrfFrom(form.text), message: 'Please send a recent proof of address.', documents: ['proof_of_address'], answerBy: '2026-12-10' });
    expect(asked.status).toBe(303);

    const page = $((await admin.get(paths.admin.applications.show(a.id))).text);
    expect(page('#information-requests tbody tr').length).toBe(1);
    expect(page('#history tbody tr').length).toBeGreaterThan(1);
    // 17 in English: the terms were accepted in French, so their current French version is read beside the English one.
    expect(await ownStatements(admin, a.id)).toBeLessThanOrEqual(17);
    // Each view is still audited: one row per view.
    const views = async () => Number((await ctx.deps.db('audit_log').where({ action: 'application.view', application_id: a.id }).count({ n: '*' }))[0]?.n);
    const before = await views();
    await admin.get(paths.admin.applications.show(a.id));
    expect(await views()).toBe(before + 1);
  });

  it('reads an invited application (the resend form, the undelivered-invitation check) in at most 18', async () => {
    const key = await givenKey(ctx.deps.db);
    const app = await givenApplication(ctx.deps.db, key, { initiatedBy: key.adminId });
    const admin = await signInAs(ctx.app, ctx.deps, key.adminEmail, 'fr');
    expect($((await admin.get(paths.admin.applications.show(app.id))).text)('form.resend-form').length).toBe(1);
    expect(await ownStatements(admin, app.id)).toBeLessThanOrEqual(18);
  });
});
