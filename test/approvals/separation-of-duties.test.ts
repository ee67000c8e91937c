import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';
import { act, resultRows, select } from '../support/approval-queue';

/** Issue 16 item 5: an administrator whose e-mail is the applicant's never decides on that application. */
describe('separation of duties: no action on one’s own application', () => {
  let ctx: TestContext;
  let key: Key;
  let admin: { id: number; email: string };
  let platform: { id: number; email: string };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const account = await givenAccount(db);
    admin = await givenAdministrator(db, { email: 'claire.admin@acme.example', display_name: 'Claire' }, [account]);
    platform = await givenAdministrator(db, { email: 'paul.platform@acme.example', display_name: 'Paul', role: 'platform' }, [account]);
    key = { ...(await givenAccessKey(db, account, admin.id)), accountId: account };
  });
  afterAll(() => ctx.close());

  const statusOf = async (id: number) => (await ctx.deps.db('application').where({ id }).first('status')).status;

  it.each(['approve', 'return', 'cancel', 'urgent'] as const)('refuses to %s one’s own application, with the reason (fr)', async (action) => {
    const own = await givenPending(ctx.deps.db, key, { email: 'Claire.Admin@acme.example' });
    const agent = await signInAs(ctx.app, ctx.deps, admin.email, 'fr');
    const { results } = await act(agent, { ids: [own.id], action, form: { comment: 'Motif', urgentTermsAccepted: 'yes' } });
    const refused = resultRows(results.text, 'refused');
    expect(refused.map((r) => r.id)).toEqual([own.id]);
    expect(refused[0]!.text).toContain('c’est votre propre demande (séparation des tâches');
    expect(resultRows(results.text, 'succeeded')).toEqual([]);
    expect(await statusOf(own.id)).toBe('pending_approval');
    const row = await ctx.deps.db('application').where({ id: own.id }).first('priority');
    expect(row.priority).toBe('normal');
  });

  it('a "select all" run processes the others and reports one’s own application as refused (en); the confirmation warns first', async () => {
    const own = await givenPending(ctx.deps.db, key, { email: admin.email });
    const other = await givenPending(ctx.deps.db, key, { email: 'someone.else@acme.example' });
    const agent = await signInAs(ctx.app, ctx.deps, admin.email, 'en');
    const { html } = await select(agent, { ids: 'all', action: 'approve' });
    expect($(html)(`tr:contains("${own.reference}") .warning-cell`).text()).toContain('this is your own application');
    const { results } = await act(agent, { ids: 'all', action: 'approve' });
    expect(resultRows(results.text, 'succeeded').map((r) => r.id)).toContain(other.id);
    const refused = resultRows(results.text, 'refused');
    expect(refused.map((r) => r.id)).toContain(own.id);
    expect(refused.find((r) => r.id === own.id)!.text).toContain('Refused: this is your own application (separation of duties');
    expect(await statusOf(own.id)).toBe('pending_approval');
    expect(await statusOf(other.id)).toBe('approved');
  });

  it('platform administrators are included', async () => {
    const own = await givenPending(ctx.deps.db, key, { email: platform.email });
    const agent = await signInAs(ctx.app, ctx.deps, platform.email, 'en');
    const { results } = await act(agent, { ids: [own.id], action: 'cancel', form: { comment: 'No' } });
    expect(resultRows(results.text, 'refused').map((r) => r.id)).toEqual([own.id]);
    expect(await statusOf(own.id)).toBe('pending_approval');
  });

  it('the application page says why instead of offering the actions, in both languages; another administrator gets the actions', async () => {
    const own = await givenPending(ctx.deps.db, key, { email: admin.email });
    const fr = $((await (await signInAs(ctx.app, ctx.deps, admin.email, 'fr')).get(paths.admin.applications.show(own.id))).text);
    expect(fr('#own-application').text()).toContain('C’est votre propre demande');
    expect(fr('.queue-actions-form').length).toBe(0);
    const en = $((await (await signInAs(ctx.app, ctx.deps, admin.email, 'en')).get(paths.admin.applications.show(own.id))).text);
    expect(en('#own-application').text()).toContain('This is your own application');
    const other = $((await (await signInAs(ctx.app, ctx.deps, platform.email, 'en')).get(paths.admin.applications.show(own.id))).text);
    expect(other('#own-application').length).toBe(0);
    expect(other('.queue-actions-form button[value="approve"]').length).toBe(1);
  });
});
