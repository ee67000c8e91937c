import request from 'supertest';
import { createTestContext, getCsrf, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenKey, givenApplication, type GivenKey } from '../support/builders';

/** Issue 16 item 4: /access/lost sends a new link to an employee's open application, answering the same either way. */
describe('lost link', () => {
  let ctx: TestContext;
  let key: GivenKey;

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    key = await givenKey(ctx.deps.db);
  });
  afterAll(() => ctx.close());

  async function ask(email: string, lang = 'fr') {
    const agent = request.agent(ctx.app);
    const csrf = await getCsrf(agent, `${paths.employee.lost}?lang=${lang}`);
    return agent.post(paths.employee.lost).type('form').send({ _csrf: csrf, email });
  }
  const links = (email: string) => ctx.deps.db('outbox').where({ recipient: email, template: 'invitation-link' }).count({ n: '*' }).first();
  async function linksEventually(email: string, n: number) {
    for (let i = 0; i < 100; i++) {
      if (Number((await links(email))?.n) >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fewer than ${n} links to ${email}`);
  }
  async function enter(reference: string) {
    const agent = request.agent(ctx.app);
    const csrf = await getCsrf(agent, paths.employee.entry);
    return agent.post(paths.employee.entry).type('form').send({ _csrf: csrf, accessKey: key.number, reference });
  }

  it('is linked from the entry page and asks for the e-mail address, in both languages', async () => {
    const entry = $((await request(ctx.app).get(`${paths.employee.entry}?lang=en`)).text);
    expect(entry('#lost-link').attr('href')).toBe(paths.employee.lost);
    const fr = $((await request(ctx.app).get(`${paths.employee.lost}?lang=fr`)).text);
    expect(fr('h1').text()).toBe('Recevoir un nouveau lien vers votre demande');
    expect(fr('label[for="email"]').text()).toContain('Votre adresse e-mail professionnelle');
    const en = $((await request(ctx.app).get(`${paths.employee.lost}?lang=en`)).text);
    expect(en('h1').text()).toBe('Get a new link to your application');
  });

  it('answers a malformed address clearly (fr and en)', async () => {
    const fr = await ask('pas une adresse', 'fr');
    expect(fr.status).toBe(400);
    expect($(fr.text)('.error-summary').text()).toContain('Saisissez une adresse e-mail valide');
    const en = await ask('', 'en');
    expect($(en.text)('.error-summary').text()).toContain('Enter your e-mail address');
  });

  it('sends a new link to an open application, the old one stops working; the answer is the same as for an unknown address', async () => {
    const app = await givenApplication(ctx.deps.db, key, { email: 'lea.roux@acme.example', status: 'in_progress' });
    const known = await ask('Lea.Roux@acme.example');
    const unknown = await ask('nobody@acme.example');
    expect([known.status, known.headers.location]).toEqual([303, paths.employee.lostSent]);
    expect([unknown.status, unknown.headers.location]).toEqual([known.status, known.headers.location]);
    await linksEventually('lea.roux@acme.example', 2);
    const row = await ctx.deps.db('application').where({ id: app.id }).first();
    expect(row.reference).not.toBe(app.reference);
    expect((await enter(app.reference)).status).toBe(400);
    expect((await enter(row.reference)).status).toBe(303);
    const history = await ctx.deps.db('application_status_history').where({ application_id: app.id, event: 'link_reissued' }).first();
    expect(history).toMatchObject({ actor_type: 'employee', comment: `${app.reference} → ${row.reference}` });
    expect(Number((await links('nobody@acme.example'))?.n ?? 0)).toBe(0);
    const sent = $((await request(ctx.app).get(`${paths.employee.lostSent}?lang=en`)).text);
    expect(sent('h1').text()).toBe('Check your mailbox');
  });

  it('is rate-limited per address: beyond 3 requests an hour nothing more is sent, and the answer stays the same', async () => {
    await givenApplication(ctx.deps.db, key, { email: 'max.petit@acme.example', status: 'in_progress' });
    for (let i = 0; i < 5; i++) expect((await ask('max.petit@acme.example')).headers.location).toBe(paths.employee.lostSent);
    await linksEventually('max.petit@acme.example', 4);
    await new Promise((r) => setTimeout(r, 300));
    // The invitation plus 3 new links.
    expect(Number((await links('max.petit@acme.example'))?.n)).toBe(4);
  });
});
