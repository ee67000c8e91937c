import { createTestContext, signInAs, csrfFrom, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';
import { act } from '../support/approval-queue';

/** Issue 16 item 2: out of office. The test clock starts on 2026-11-24 09:00 UTC (Europe/Paris). */
describe('out of office: an absence and its delegate', () => {
  let ctx: TestContext;
  let clock: TestClock;
  let claire: { id: number; email: string };
  let paul: { id: number; email: string };
  let outsider: { id: number; email: string };
  let keyA: Key;

  beforeAll(async () => {
    clock = new TestClock();
    ctx = await createTestContext({}, { clock });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db, { company_name: 'ACME Test SA' });
    const accountB = await givenAccount(db, { company_name: 'Globex' });
    const accountC = await givenAccount(db, { company_name: 'Initech' });
    // Claire manages A and B; Paul manages B only (shares B with Claire); the outsider manages C only.
    claire = await givenAdministrator(db, { display_name: 'Claire Admin' }, [accountA, accountB]);
    paul = await givenAdministrator(db, { display_name: 'Paul Admin' }, [accountB]);
    outsider = await givenAdministrator(db, { display_name: 'Omar Outside' }, [accountC]);
    keyA = { ...(await givenAccessKey(db, accountA, claire.id, { name: 'Finance' })), accountId: accountA };
  });
  afterAll(() => ctx.close());
  beforeEach(async () => {
    clock.current = new Date('2026-11-24T09:00:00Z');
    await ctx.deps.db('administrator_absence').delete();
  });

  async function post(email: string, body: Record<string, string>, lang: 'fr' | 'en' = 'en') {
    const agent = await signInAs(ctx.app, ctx.deps, email, lang);
    const csrf = csrfFrom((await agent.get(paths.admin.absence.show)).text);
    return agent
      .post(paths.admin.absence.show)
      .type('form')
      .send({ _csrf: csrf, ...body });
  }
  const errorsOf = (html: string) =>
    $(html)('.error-summary li')
      .toArray()
      .map((li) => $(html)(li).text().trim());
  const queueIds = async (email: string) => {
    const page = $((await (await signInAs(ctx.app, ctx.deps, email, 'en')).get(paths.admin.approvals.list)).text);
    return page('input[name="ids"]')
      .toArray()
      .map((i) => Number(page(i).attr('value')));
  };

  it('the header of every administrator page links to "My absence", in both languages', async () => {
    for (const [lang, text] of [
      ['fr', 'Mon absence'],
      ['en', 'My absence'],
    ] as const) {
      const agent = await signInAs(ctx.app, ctx.deps, claire.email, lang);
      for (const page of [paths.admin.accessKeys.list, paths.admin.approvals.list]) {
        const link = $((await agent.get(page)).text)(`header a[href="${paths.admin.absence.show}"]`);
        expect(link.text().trim()).toBe(text);
      }
    }
  });

  it('offers as delegates only the active administrators who share a BC', async () => {
    const page = $((await (await signInAs(ctx.app, ctx.deps, claire.email, 'en')).get(paths.admin.absence.show)).text);
    const options = page('select#delegateId option')
      .toArray()
      .map((o) => page(o).attr('value'))
      .filter(Boolean);
    expect(options).toEqual([String(paul.id)]);
  });

  it.each([
    ['fr', { startsOn: '2026-11-20', endsOn: '2026-11-30' }, 'Le premier jour d’absence ne peut pas être dans le passé.'],
    ['en', { startsOn: '2026-11-20', endsOn: '2026-11-30' }, 'The first day away cannot be in the past.'],
    ['fr', { startsOn: '2026-12-10', endsOn: '2026-12-01' }, 'Le dernier jour d’absence ne peut pas précéder le premier.'],
    ['en', { startsOn: '2026-12-10', endsOn: '2026-12-01' }, 'The last day away cannot be before the first.'],
    ['fr', { startsOn: '2026-12-10', endsOn: '2028-01-01' }, 'L’absence doit se terminer au plus tard dans un an.'],
    ['en', { startsOn: '2026-12-10', endsOn: '2028-01-01' }, 'The absence must end within one year.'],
    ['fr', { startsOn: '2026-02-30', endsOn: '2026-12-01' }, 'Le premier jour d’absence doit être une date réelle au format AAAA-MM-JJ.'],
    ['en', { startsOn: '', endsOn: '2026-12-01' }, 'Enter the first day away.'],
  ] as const)('refuses bad dates with a translated error (%s: %j)', async (lang, dates, message) => {
    const res = await post(claire.email, { ...dates, delegateId: String(paul.id) }, lang);
    expect(res.status).toBe(400);
    expect(errorsOf(res.text)).toEqual([message]);
    expect(Number((await ctx.deps.db('administrator_absence').count({ n: '*' }).first())?.n)).toBe(0);
  });

  it.each([
    ['fr', 'Ce remplaçant ne gère aucun de vos BC : choisissez un administrateur actif d’un de vos BC.'],
    ['en', 'This delegate manages none of your BCs: choose an active administrator of one of your BCs.'],
  ] as const)('refuses a delegate outside the BCs (%s)', async (lang, message) => {
    const res = await post(claire.email, { startsOn: '2026-11-24', endsOn: '2026-11-30', delegateId: String(outsider.id) }, lang);
    expect(res.status).toBe(400);
    expect(errorsOf(res.text)).toEqual([message]);
    expect(Number((await ctx.deps.db('administrator_absence').count({ n: '*' }).first())?.n)).toBe(0);
  });

  it('the delegate’s queue and tab count include the absent administrator’s BCs during the absence, not before or after', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    expect(await queueIds(paul.email)).not.toContain(app.id);
    const res = await post(claire.email, { startsOn: '2026-11-25', endsOn: '2026-11-27', delegateId: String(paul.id) });
    expect(res.status).toBe(303);
    // Not yet: the absence starts tomorrow.
    expect(await queueIds(paul.email)).not.toContain(app.id);
    clock.current = new Date('2026-11-24T23:30:00Z'); // 25 Nov in Paris
    expect(await queueIds(paul.email)).toContain(app.id);
    const tab = $((await (await signInAs(ctx.app, ctx.deps, paul.email, 'en')).get(paths.admin.accessKeys.list)).text)(
      `nav a[href="${paths.admin.approvals.list}"]`,
    ).text();
    expect(tab).toMatch(/\b1\b/);
    clock.current = new Date('2026-11-27T22:59:00Z'); // still 27 Nov in Paris
    expect(await queueIds(paul.email)).toContain(app.id);
    clock.current = new Date('2026-11-27T23:30:00Z'); // 28 Nov in Paris: over, by itself
    expect(await queueIds(paul.email)).not.toContain(app.id);
    await ctx.deps.db('application').where({ id: app.id }).update({ status: 'cancelled' });
  });

  it('a cancelled absence no longer applies', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    await post(claire.email, { startsOn: '2026-11-24', endsOn: '2026-11-27', delegateId: String(paul.id) });
    expect(await queueIds(paul.email)).toContain(app.id);
    const agent = await signInAs(ctx.app, ctx.deps, claire.email, 'en');
    const csrf = csrfFrom((await agent.get(paths.admin.absence.show)).text);
    expect((await agent.post(paths.admin.absence.cancel).type('form').send({ _csrf: csrf })).status).toBe(303);
    expect(await queueIds(paul.email)).not.toContain(app.id);
    await ctx.deps.db('application').where({ id: app.id }).update({ status: 'cancelled' });
  });

  it.each(['fr', 'en'] as const)(
    'an approval by the delegate records "on behalf of" the absent administrator in the history and the audit log (%s)',
    async (lang) => {
      const app = await givenPending(ctx.deps.db, keyA);
      await post(claire.email, { startsOn: '2026-11-24', endsOn: '2026-11-27', delegateId: String(paul.id) });
      const agent = await signInAs(ctx.app, ctx.deps, paul.email, lang);
      await act(agent, { ids: [app.id], action: 'approve', form: { comment: 'OK' } });
      const last = await ctx.deps.db('application_status_history').where({ application_id: app.id }).orderBy('id', 'desc').first();
      expect(last).toMatchObject({ to_status: 'approved', actor_type: 'admin', actor_id: paul.id, on_behalf_of: claire.id });
      const audit = await ctx.deps.db('audit_log').where({ application_id: app.id, action: 'application.approve' }).first();
      expect(audit.actor_email).toBe(paul.email);
      expect(JSON.parse(audit.details)).toMatchObject({ onBehalfOf: claire.id });
      const page = $((await agent.get(paths.admin.applications.show(app.id))).text);
      const row = page('#history tbody tr').last().text().replace(/\s+/g, ' ');
      expect(row).toContain(lang === 'fr' ? 'Paul Admin au nom de Claire Admin' : 'Paul Admin on behalf of Claire Admin');
    },
  );

  it('an action by an administrator on their own BC is not on anyone’s behalf', async () => {
    const app = await givenPending(ctx.deps.db, keyA);
    await act(await signInAs(ctx.app, ctx.deps, claire.email, 'en'), { ids: [app.id], action: 'approve' });
    const last = await ctx.deps.db('application_status_history').where({ application_id: app.id }).orderBy('id', 'desc').first();
    expect(last).toMatchObject({ to_status: 'approved', actor_id: claire.id, on_behalf_of: null });
    const audit = await ctx.deps.db('audit_log').where({ application_id: app.id, action: 'application.approve' }).first();
    expect(JSON.parse(audit.details).onBehalfOf).toBeUndefined();
  });
});
