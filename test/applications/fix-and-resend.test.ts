import request from 'supertest';
import { createTestContext, signInAs, getCsrf, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenKey, givenApplication, type GivenKey } from '../support/builders';
import { outboxRows } from '../support/outbox';

/** Issue 16 item 6: an invitation refused for good → the administrator corrects the address and resends. */
describe('fix and resend an undelivered invitation', () => {
  let ctx: TestContext;
  let key: GivenKey;

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    key = await givenKey(ctx.deps.db);
  });
  afterAll(() => ctx.close());

  async function undelivered(email = 'elodie.dupre@acme.exmaple') {
    const app = await givenApplication(ctx.deps.db, key, { email, initiatedBy: key.adminId });
    await ctx.deps.db('outbox').where({ application_id: app.id }).update({ status: 'dead', last_error: '550 5.1.1 no such user' });
    return app;
  }

  async function enter(keyNumber: string, reference: string) {
    const agent = request.agent(ctx.app);
    const csrf = await getCsrf(agent, paths.employee.entry);
    return agent.post(paths.employee.entry).type('form').send({ _csrf: csrf, accessKey: keyNumber, reference });
  }

  it('the page explains and offers the correction only when the invitation was refused (fr and en)', async () => {
    const app = await undelivered();
    const fr = $((await (await signInAs(ctx.app, ctx.deps, key.adminEmail, 'fr')).get(paths.admin.applications.show(app.id))).text);
    expect(fr('#undeliverable').text()).toContain('a définitivement refusé l’invitation envoyée à elodie.dupre@acme.exmaple');
    expect(fr('label[for="fixEmail"]').text()).toContain('Adresse e-mail corrigée');
    const en = $((await (await signInAs(ctx.app, ctx.deps, key.adminEmail, 'en')).get(paths.admin.applications.show(app.id))).text);
    expect(en('#undeliverable').text()).toContain('refused the invitation sent to elodie.dupre@acme.exmaple for good');
    const delivered = await givenApplication(ctx.deps.db, key, { email: 'ok@acme.example' });
    const page = $((await (await signInAs(ctx.app, ctx.deps, key.adminEmail, 'en')).get(paths.admin.applications.show(delivered.id))).text);
    expect(page('.fix-address-form').length).toBe(0);
    const agent = await signInAs(ctx.app, ctx.deps, key.adminEmail, 'en');
    const csrf = await getCsrf(agent, paths.admin.applications.show(delivered.id));
    const refused = await agent.post(paths.admin.applications.fixAddress(delivered.id)).type('form').send({ _csrf: csrf, email: 'other@acme.example' });
    expect(refused.status).toBe(409);
  });

  it('answers a bad or unchanged address clearly, and changes nothing', async () => {
    const app = await undelivered();
    const agent = await signInAs(ctx.app, ctx.deps, key.adminEmail, 'en');
    const csrf = await getCsrf(agent, paths.admin.applications.show(app.id));
    const bad = await agent.post(paths.admin.applications.fixAddress(app.id)).type('form').send({ _csrf: csrf, email: 'not an address' });
    expect(bad.status).toBe(400);
    expect($(bad.text)('.error-summary').text()).toContain('Enter a valid e-mail address');
    expect($(bad.text)('#fixEmail').val()).toBe('not an address');
    const same = await agent.post(paths.admin.applications.fixAddress(app.id)).type('form').send({ _csrf: csrf, email: 'Elodie.Dupre@acme.exmaple' });
    expect(same.status).toBe(400);
    expect($(same.text)('.error-summary').text()).toContain('This is the address the invitation could not be delivered to');
    expect((await ctx.deps.db('application').where({ id: app.id }).first()).reference).toBe(app.reference);
  });

  it('corrects the address, sends a new link and the key to it, invalidates the old link, and the history shows both', async () => {
    const app = await undelivered();
    const agent = await signInAs(ctx.app, ctx.deps, key.adminEmail, 'fr');
    const csrf = await getCsrf(agent, paths.admin.applications.show(app.id));
    const done = await agent.post(paths.admin.applications.fixAddress(app.id)).type('form').send({ _csrf: csrf, email: 'elodie.dupre@acme.example' });
    expect(done.status).toBe(303);
    const row = await ctx.deps.db('application').where({ id: app.id }).first();
    expect(row.email).toBe('elodie.dupre@acme.example');
    expect(row.reference).not.toBe(app.reference);
    expect(row.former_references).toBe(app.reference);
    const sent = (await outboxRows(ctx.deps.db, app.id)).filter((m) => m.recipient === 'elodie.dupre@acme.example');
    expect(sent.map((m) => m.template).sort()).toEqual(['invitation-key', 'invitation-link']);
    const page = $((await agent.get(paths.admin.applications.show(app.id))).text);
    expect(page('.banner').text()).toContain(`nouvelle référence : ${row.reference}`);
    const history = page('#history').text();
    expect(history).toContain('Adresse corrigée, nouveau lien envoyé');
    expect(history).toContain(`elodie.dupre@acme.exmaple → elodie.dupre@acme.example; ${app.reference} → ${row.reference}`);
    expect(page('.fix-address-form').length).toBe(0);
    expect(await ctx.deps.db('audit_log').where({ application_id: app.id, action: 'application.email_corrected' }).first()).toBeTruthy();
    // The old link no longer opens the application; the new one does.
    expect((await enter(key.number, app.reference)).status).toBe(400);
    expect((await enter(key.number, row.reference)).status).toBe(303);
  });
});
