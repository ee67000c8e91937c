import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';
import { outboxRows } from '../support/outbox';
import { act, resultRows, select } from '../support/approval-queue';

/** The queue page: count in the tab, totals, columns, sort, filters, pagination, "select all" over a filter. */
describe('the approval queue page', () => {
  let ctx: TestContext;
  let accountA: number;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: Key;
  let keyA2: Key;
  let keyB: Key;
  const ids: Record<string, { id: number; reference: string }> = {};

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    accountA = await givenAccount(db, { company_name: 'ACME Test SA', number: '00820400012', card_product: 'corporate_air_france' });
    const accountB = await givenAccount(db, { company_name: 'Globex' });
    adminA = await givenAdministrator(db, { display_name: 'Claire Admin' }, [accountA]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Finance', plastic_type: 'gold' })), accountId: accountA };
    // One active key per BC: the second key of the BC was deleted since (its applications still wait).
    keyA2 = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Ventes', deleted_at: '2026-11-23T00:00:00.000Z' })), accountId: accountA };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id, { name: 'Globex key' })), accountId: accountB };
    ids.zoe = await givenPending(db, keyA, {
      title: 'ms',
      firstName: 'Zoé',
      lastName: 'Martin',
      email: 'zoe.martin@acme.example',
      priority: 'urgent',
      createdAt: '2026-11-02T08:00:00.000Z',
    });
    ids.adam = await givenPending(db, keyA, { firstName: 'Adam', lastName: 'Bernard', email: 'adam@acme.example', createdAt: '2026-11-10T08:00:00.000Z' });
    ids.lea = await givenPending(db, keyA2, { firstName: 'Léa', lastName: 'Durand', email: 'lea@acme.example', createdAt: '2026-11-20T23:30:00.000Z' });
    ids.waiting = await givenPending(db, keyA2, {
      firstName: 'Wait',
      lastName: 'Ing',
      status: 'awaiting_additional_approval',
      createdAt: '2026-11-21T08:00:00.000Z',
    });
    ids.inProgress = await givenPending(db, keyA, { firstName: 'Not', lastName: 'Signed', status: 'in_progress' });
    ids.other = await givenPending(db, keyB, { firstName: 'Other', lastName: 'Company', email: 'other@globex.example' });
  });
  afterAll(() => ctx.close());

  async function queue(query = '', lang: 'fr' | 'en' = 'en') {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, lang);
    const res = await agent.get(`${paths.admin.approvals.list}${query}`);
    return { res, page: $(res.text), agent };
  }
  const refs = (page: ReturnType<typeof $>) =>
    page('#queue tbody tr td:nth-child(2)')
      .toArray()
      .map((td) => page(td).text().trim());

  it('shows the count in the tab, the totals (all, urgent, normal) and one row per pending application of the actor’s BCs', async () => {
    const { res, page } = await queue('', 'fr');
    expect(res.status).toBe(200);
    expect(page(`nav.tabs a[href="${paths.admin.approvals.list}"]`).text()).toBe('En attente d’approbation (3)');
    expect(page('#total-all').text()).toBe('Nombre total de demandes : 3');
    expect(page('#total-urgent').text()).toBe('Demandes urgentes : 1');
    expect(page('#total-normal').text()).toBe('Demandes normales : 2');
    expect(refs(page)).toEqual([ids.zoe!.reference, ids.adam!.reference, ids.lea!.reference]);
    expect(res.text).not.toContain(ids.other!.reference);
    expect(res.text).not.toContain(ids.inProgress!.reference);
    expect(page('.queue-stages a').eq(1).text()).toBe('En attente de l’approbateur supplémentaire (1)');
  });

  it.each([
    [
      'fr',
      'Sélectionner 1 demande correspondant aux filtres (pas seulement cette page)',
      'Sélectionner les 2 demandes correspondant aux filtres (pas seulement cette page)',
    ],
    ['en', 'Select 1 application matching the filters (not only this page)', 'Select all 2 applications matching the filters (not only this page)'],
  ] as const)('words "select all" with plural forms for 1 and 2 matching applications (%s)', async (lang, one, two) => {
    const urgent = await queue('?priority=urgent', lang);
    expect(urgent.page('#queue tbody tr').length).toBe(1);
    expect(urgent.page('label[for="select-all"]').text()).toBe(one);
    const normal = await queue('?priority=normal', lang);
    expect(normal.page('#queue tbody tr').length).toBe(2);
    expect(normal.page('label[for="select-all"]').text()).toBe(two);
  });

  it('has the issuer’s columns, a labelled checkbox per row and links to the application page', async () => {
    const { page } = await queue('', 'fr');
    const headers = page('#queue thead th')
      .toArray()
      .map((th) => page(th).text().replace(/\s+/g, ' ').trim());
    expect(headers).toEqual([
      'Sélection',
      'Référence de suivi',
      'Nom du bénéficiaire de la carte',
      'Nom de la société (niveau BC)',
      'N° de BC',
      'Nom de la clé d’accès',
      'Priorité',
      'Date d’initiation de la demande ▲(tri croissant)',
      'Type de carte',
      'Type de plastique',
    ]);
    const cells = page('#queue tbody tr')
      .first()
      .find('td')
      .toArray()
      .map((td) => page(td).text().replace(/\s+/g, ' ').trim());
    expect(cells.slice(1)).toEqual([
      ids.zoe!.reference,
      'Mlle Zoé Martin',
      'ACME Test SA',
      '00820400012',
      'Finance',
      'Urgente',
      '2 novembre 2026',
      'Carte Corporate Air France – American Express',
      'Carte Corporate Gold',
    ]);
    const box = page(`#select-${ids.zoe!.id}`);
    expect(box.attr('name')).toBe('ids');
    expect(page(`label[for="select-${ids.zoe!.id}"]`).text()).toBe(`Sélectionner la demande ${ids.zoe!.reference}`);
    expect(page('#queue tbody tr').first().find('a').attr('href')).toBe(paths.admin.applications.show(ids.zoe!.id));
  });

  it.each([
    ['sort=reference&dir=desc', (r: string[]) => [...r].sort().reverse()],
    ['sort=name&dir=asc', () => ['adam', 'lea', 'zoe']],
    ['sort=priority&dir=asc', () => ['zoe', 'adam', 'lea']],
    ['sort=keyName&dir=desc', () => ['lea', 'adam', 'zoe']], // same key: the tie-break (id) follows the direction
    ['sort=createdAt&dir=desc', () => ['lea', 'adam', 'zoe']],
  ] as const)('sorts by a whitelisted column (%s)', async (query, expected) => {
    const { page } = await queue(`?${query}`);
    const all = [ids.zoe!.reference, ids.adam!.reference, ids.lea!.reference];
    const want = expected(all).map((x) => (ids[x] ? ids[x]!.reference : x));
    expect(refs(page)).toEqual(want);
  });

  it('ignores a sort that is not whitelisted', async () => {
    const { res, page } = await queue('?sort=ap.id%3Bdrop&dir=sideways');
    expect(res.status).toBe(200);
    expect(refs(page)).toEqual([ids.zoe!.reference, ids.adam!.reference, ids.lea!.reference]);
  });

  it.each([
    [`key=KEY_A2`, ['lea']],
    ['priority=urgent', ['zoe']],
    ['priority=normal', ['adam', 'lea']],
    ['from=05/11/2026', ['adam', 'lea']],
    ['from=2026-11-05&to=10/11/2026', ['adam']],
    // 20 November 23:30 UTC is 21 November in Paris: the dates are the service's local days.
    ['to=20/11/2026', ['zoe', 'adam']],
    ['q=zoé', ['zoe']],
    ['q=MARTIN', ['zoe']],
    ['q=adam%40acme', ['adam']],
    ['q=REF_LEA', ['lea']],
    ['q=nobody', []],
  ] as const)('filters (%s)', async (query, expected) => {
    const q = query.replace('KEY_A2', String(keyA2.id)).replace('REF_LEA', ids.lea!.reference.slice(0, 6));
    const { res, page } = await queue(`?${q}`);
    expect(res.status).toBe(200);
    expect(refs(page)).toEqual(expected.map((k) => ids[k]!.reference));
    if (!expected.length) expect(page('#queue-empty').text()).toBe('No application matches these filters.');
  });

  it('ignores a key filter naming another BC’s key, and lists only the actor’s keys', async () => {
    const { page } = await queue(`?key=${keyB.id}`);
    expect(refs(page)).toHaveLength(3);
    const options = page('#filter-key option')
      .toArray()
      .map((o) => page(o).text());
    expect(options.some((o) => o.includes('Globex'))).toBe(false);
    expect(options.some((o) => o.includes('Finance'))).toBe(true);
  });

  it('explains a malformed date next to its field (400) and keeps what was typed', async () => {
    const { res, page } = await queue('?from=31/02/2026&to=abc');
    expect(res.status).toBe(400);
    expect(page('title').text()).toMatch(/^Error:/);
    expect(
      page('.error-summary a')
        .toArray()
        .map((a) => page(a).attr('href')),
    ).toEqual(['#from', '#to']);
    expect(page('#from-error').text()).toContain('Enter the start date as a real date');
    expect(page('#from').val()).toBe('31/02/2026');
    expect(refs(page)).toHaveLength(3);
  });

  it('shows the applications waiting for the additional approver apart, without the approve button', async () => {
    const { page } = await queue('?stage=additional');
    expect(refs(page)).toEqual([ids.waiting!.reference]);
    expect(page('.notice').text()).toContain('cannot be approved until then');
    expect(page('button[value="approve"]').length).toBe(0);
    expect(page('button[value="return"]').length).toBe(1);
  });

  it('never shows another BC’s applications: the other administrator sees only theirs', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminB.email, 'en');
    const page = $((await agent.get(paths.admin.approvals.list)).text);
    expect(refs(page)).toEqual([ids.other!.reference]);
    expect(page('#total-all').text()).toBe('Total applications: 1');
  });
});

describe('pagination and "select all" over a filter spanning several pages', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let keyA: Key;
  let keyB: Key;
  const urgent: number[] = [];
  const normal: number[] = [];
  let otherBc: { id: number };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db);
    const accountB = await givenAccount(db);
    adminA = await givenAdministrator(db, {}, [accountA]);
    const adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id)), accountId: accountA };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id)), accountId: accountB };
    for (let i = 0; i < 60; i++)
      urgent.push((await givenPending(db, keyA, { priority: 'urgent', createdAt: `2026-10-01T08:${String(i).padStart(2, '0')}:00.000Z` })).id);
    for (let i = 0; i < 5; i++) normal.push((await givenPending(db, keyA, { createdAt: `2026-10-02T08:0${i}:00.000Z` })).id);
    otherBc = await givenPending(db, keyB, { priority: 'urgent' });
  });
  afterAll(() => ctx.close());

  it('shows 50 rows a page by default, then the rest on page 2', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const first = $((await agent.get(paths.admin.approvals.list)).text);
    expect(first('#queue tbody tr').length).toBe(50);
    expect(first('.list-count').text()).toBe('Showing 1 to 50 of 65 records');
    const next = first('a[rel="next"]').attr('href')!;
    const second = $((await agent.get(next)).text);
    expect(second('#queue tbody tr').length).toBe(15);
  });

  it('offers "select all" with the number matching the filter, not the page', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = $((await agent.get(`${paths.admin.approvals.list}?priority=urgent&pageSize=25`)).text);
    expect(page('#queue tbody tr').length).toBe(25);
    expect(page('label[for="select-all"]').text()).toBe('Select all 60 applications matching the filters (not only this page)');
    // The selection form carries the filter so the server can resolve it.
    expect(page('form.queue-form input[name="priority"]').val()).toBe('urgent');
  });

  it('approves every application matching the filter across pages, and nothing else', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const filters = { priority: 'urgent', pageSize: '25', page: '2', sort: 'createdAt', dir: 'asc' };
    const { html } = await select(agent, { ids: 'all', action: 'approve', filters });
    expect($(html)('#selection-count').text()).toContain('60 applications selected.');
    const { results } = await act(agent, { ids: 'all', action: 'approve', filters: { ...filters, ids: String(normal[0]) } });
    expect(
      resultRows(results.text, 'succeeded')
        .map((r) => r.id)
        .sort((a, b) => a - b),
    ).toEqual([...urgent].sort((a, b) => a - b));
    const statuses = await ctx.deps
      .db('application')
      .whereIn('id', [...normal, otherBc.id])
      .pluck('status');
    expect(new Set(statuses)).toEqual(new Set(['pending_approval']));
    const mails = await ctx.deps.db('outbox').where({ template: 'approved' }).pluck('application_id');
    expect(mails.sort((a: number, b: number) => a - b)).toEqual([...urgent].sort((a, b) => a - b));
    expect((await outboxRows(ctx.deps.db, otherBc.id)).filter((m) => m.template === 'approved')).toHaveLength(0);
  });

  it('caps "select all" at 5,000 applications and says so', async () => {
    const db = ctx.deps.db;
    const ts = '2026-09-01T08:00:00.000Z';
    const rows = Array.from({ length: 5001 }, (_, i) => ({
      reference: String(8000000000 + i),
      access_key_id: keyA.id,
      account_id: keyA.accountId,
      origin: 'controlled',
      priority: 'normal',
      status: 'awaiting_additional_approval',
      email: `bulk${i}@acme.example`,
      language: 'fr',
      prefill: '{}',
      form_data: '{}',
      version: 0,
      status_changed_at: ts,
      created_at: ts,
      updated_at: ts,
    }));
    for (let i = 0; i < rows.length; i += 400) await db('application').insert(rows.slice(i, i + 400));
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = $((await agent.get(`${paths.admin.approvals.list}?stage=additional`)).text);
    expect(page('label[for="select-all"]').text()).toBe('Select the first 5,000 applications matching the filters (5,001 in all)');
    const { html } = await select(agent, { ids: 'all', action: 'cancel', filters: { stage: 'additional' } });
    expect($(html)('#selection-count').text()).toContain('5000 applications selected.');
    expect($(html)('#capped').text()).toContain('only the first 5,000');
    expect($(html)('#selection tbody tr').length).toBe(200);
  });
});
