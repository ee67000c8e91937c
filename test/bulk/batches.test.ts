import { createTestContext, signInAs, getCsrf, csrfFrom, $, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { HEADERS_FR, csvOf, rows, validRow } from '../support/spreadsheets';

describe('bulk batches page', () => {
  let ctx: TestContext;
  let agentA: Agent;
  let agentB: Agent;
  let keyA: { id: number; number: string };
  let firstBatch: number;
  let secondBatch: number;

  async function sendBatch(agent: Agent, keyId: number, fileRows: string[][], name: string): Promise<number> {
    const token = await getCsrf(agent, paths.admin.bulk.start(keyId));
    const up = await agent
      .post(paths.admin.bulk.start(keyId))
      .field('_csrf', token)
      .attach('file', csvOf([HEADERS_FR, ...fileRows]), name);
    expect(up.status).toBe(303);
    const preview = await agent.get(up.headers.location as string);
    const res = await agent
      .post(up.headers.location as string)
      .type('form')
      .send({ _csrf: csrfFrom(preview.text), action: 'validate' });
    expect(res.status).toBe(303);
    return Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    const db = ctx.deps.db;
    const accountA = await givenAccount(db);
    const accountB = await givenAccount(db);
    const adminA = await givenAdministrator(db, { email: 'alice@test.example', display_name: 'Alice Martin' }, [accountA]);
    const adminB = await givenAdministrator(db, { email: 'bob@test.example' }, [accountB]);
    keyA = await givenAccessKey(db, accountA, adminA.id, { name: 'Achats Paris' });
    await givenAccessKey(db, accountB, adminB.id);
    agentA = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
    agentB = await signInAs(ctx.app, ctx.deps, adminB.email, 'fr');
    firstBatch = await sendBatch(agentA, keyA.id, [...rows(5, 1), validRow(6, { 3: 'faux' })], 'janvier.csv');
    secondBatch = await sendBatch(agentA, keyA.id, rows(60, 100), 'février.csv');
    // the first batch's applications move on
    const apps = await db('application').where({ batch_id: firstBatch }).orderBy('id');
    await db('application').where({ id: apps[0].id }).update({ status: 'in_progress' });
    await db('application').where({ id: apps[1].id }).update({ status: 'pending_approval' });
    await db('application').where({ id: apps[2].id }).update({ status: 'approved' });
    await db('application').where({ id: apps[3].id }).update({ status: 'cancelled' });
  });
  afterAll(() => ctx.close());

  it('shows one row per batch, newest first, with counts per status', async () => {
    const res = await agentA.get(paths.admin.batches.list);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe('Suivi du statut des demandes groupées');
    const lines = page('#batches tbody tr');
    expect(lines).toHaveLength(2);
    expect(lines.first().attr('data-batch')).toBe(String(secondBatch));
    const first = page(`tr[data-batch="${firstBatch}"]`);
    expect(first.text()).toContain('janvier.csv');
    expect(first.text()).toContain('Alice Martin');
    expect(first.text()).toContain('Achats Paris');
    const counts = Object.fromEntries(
      first
        .find('[data-count]')
        .map((_i, el) => [[page(el).attr('data-count'), page(el).text()]])
        .get() as Array<[string, string]>,
    );
    expect(counts).toEqual({ rows: '5', invited: '1', inProgress: '1', pendingApproval: '1', approved: '1', closed: '1' });
    expect(page(`tr[data-batch="${secondBatch}"] [data-count="invited"]`).text()).toBe('60');
    expect(page(`a[href="${paths.admin.batches.show(firstBatch)}"]`).length).toBe(1);
  });

  it('shows a batch’s applications with reference, name, e-mail, status and priority, filterable by status', async () => {
    const res = await agentA.get(paths.admin.batches.show(firstBatch));
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('[data-count="created"]').text()).toBe('5');
    expect(page('[data-count="rejected"]').text()).toBe('1');
    expect(page('#applications tbody tr')).toHaveLength(5);
    const firstApp = await ctx.deps.db('application').where({ batch_id: firstBatch }).orderBy('id').first();
    const row = page(`tr[data-reference="${firstApp.reference}"]`);
    expect(row.find(`a[href="${paths.admin.applications.show(firstApp.id)}"]`).text()).toBe(firstApp.reference);
    expect(row.text()).toContain('employe1@entreprise.example');
    expect(page('#statuses [data-status]').length).toBe(5);

    const filtered = $((await agentA.get(`${paths.admin.batches.show(firstBatch)}?status=cancelled`)).text);
    expect(filtered('#applications tbody tr')).toHaveLength(1);
  });

  it('paginates a large batch (50 a page)', async () => {
    const page1 = $((await agentA.get(paths.admin.batches.show(secondBatch))).text);
    expect(page1('#applications tbody tr')).toHaveLength(50);
    const next = page1('a[rel="next"]').attr('href') as string;
    const page2 = $((await agentA.get(next)).text);
    expect(page2('#applications tbody tr')).toHaveLength(10);
  });

  it('shows another BC nothing: an empty list and 404 on the batch', async () => {
    const list = $((await agentB.get(paths.admin.batches.list)).text);
    expect(list('#batches').length).toBe(0);
    expect(list('#no-batches').length).toBe(1);
    expect((await agentB.get(paths.admin.batches.show(firstBatch))).status).toBe(404);
    expect((await agentA.get(paths.admin.batches.show(999999))).status).toBe(404);
    expect((await agentA.get(paths.admin.batches.show('abc'))).status).toBe(404);
  });

  it('is in English when asked', async () => {
    const page = $((await agentA.get(`${paths.admin.batches.list}?lang=en`)).text);
    expect(page('h1').text()).toBe('Bulk application status');
    await agentA.get(`${paths.admin.batches.list}?lang=fr`);
  });
});
