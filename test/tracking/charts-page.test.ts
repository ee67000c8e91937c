import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import type { Db } from '../../src/platform/db';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplicationRow, type Key } from '../support/builders';

/**
 * The tracking page's charts over the status history, for an administrator (their BCs only), the platform
 * administrator (every BC) and one key. Now: Tuesday 24 November 2026, 10:00 in Paris; the current week began on
 * Monday 23 November (weeks[25]), the week of 16 November is weeks[24], of 9 November weeks[23], of 2 November
 * weeks[22]. Of today, the history up to 09:00 (08:00 UTC) is stored with the rest, after it counted live.
 */
const NOW = new Date('2026-11-24T09:00:00Z');

/** An application and its history: [status reached, when] from the invitation on. */
async function givenHistory(db: Db, key: Key, steps: Array<[string, string]>): Promise<number> {
  const [first, last] = [steps[0]!, steps[steps.length - 1]!];
  const app = await givenApplicationRow(db, { status: last[0], created_at: first[1], status_changed_at: last[1], updated_at: last[1] }, key);
  let from: string | null = null;
  const rows = steps.map(([to, at]) => {
    const row = {
      application_id: app.id,
      at,
      actor_type: 'system',
      actor_id: null,
      from_status: from,
      to_status: to,
      comment: null,
      comment_for_employee: false,
    };
    from = to;
    return row;
  });
  await db('application_status_history').insert(rows);
  return app.id;
}

describe('tracking: the charts of the last 26 weeks', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let platform: { email: string };
  let emptyAdmin: { id: number; email: string };
  let keyA1: Key;
  let keyA2: Key;
  let keyB: Key;

  beforeAll(async () => {
    ctx = await createTestContext({ TIME_ZONE: 'Europe/Paris' }, { clock: new TestClock(NOW) });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db, { company_name: 'ACME Graphiques' });
    const accountA2 = await givenAccount(db, { company_name: 'ACME Agences' });
    const accountB = await givenAccount(db, { company_name: 'Autre Société' });
    const accountD = await givenAccount(db);
    adminA = await givenAdministrator(db, {}, [accountA, accountA2]);
    const adminB = await givenAdministrator(db, {}, [accountB]);
    emptyAdmin = await givenAdministrator(db, {}, [accountD]);
    platform = await givenAdministrator(db, { role: 'platform' });
    keyA1 = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Siège' })), accountId: accountA };
    keyA2 = { ...(await givenAccessKey(db, accountA2, adminA.id, { name: 'Agences' })), accountId: accountA2 };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id, { name: 'Ailleurs' })), accountId: accountB };
    await givenAccessKey(db, accountD, emptyAdmin.id, { name: 'Sans demande' });

    // Key A1: signed 24 h after the invitation, approved 24 h later, delivered 5 days after the approval.
    await givenHistory(db, keyA1, [
      ['invited', '2026-11-10T09:00:00.000Z'],
      ['in_progress', '2026-11-10T10:00:00.000Z'],
      ['pending_approval', '2026-11-11T09:00:00.000Z'],
      ['approved', '2026-11-12T09:00:00.000Z'],
      ['transmitted', '2026-11-12T20:00:00.000Z'],
      ['card_issued', '2026-11-13T09:00:00.000Z'],
      ['card_delivered', '2026-11-17T09:00:00.000Z'],
    ]);
    // Key A1: signed after 72 h, approved 72 h later (Monday 16 November, 10:00 in Paris).
    await givenHistory(db, keyA1, [
      ['invited', '2026-11-10T09:00:00.000Z'],
      ['in_progress', '2026-11-10T10:00:00.000Z'],
      ['pending_approval', '2026-11-13T09:00:00.000Z'],
      ['approved', '2026-11-16T09:00:00.000Z'],
    ]);
    // Key A1, today: invited before 09:00 (stored), opened after it (live), then a priority change (not a status).
    const today = await givenHistory(db, keyA1, [
      ['invited', '2026-11-24T07:00:00.000Z'],
      ['in_progress', '2026-11-24T08:30:00.000Z'],
    ]);
    await db('application_status_history').insert({
      application_id: today,
      at: '2026-11-24T08:40:00.000Z',
      actor_type: 'admin',
      from_status: 'in_progress',
      to_status: 'in_progress',
      event: 'priority_urgent',
      comment_for_employee: false,
    });
    // Key A2: signed after 36 h (week of 2 November), and after 60 h (week of 9 November).
    await givenHistory(db, keyA2, [
      ['invited', '2026-11-03T09:00:00.000Z'],
      ['in_progress', '2026-11-03T10:00:00.000Z'],
      ['pending_approval', '2026-11-04T21:00:00.000Z'],
    ]);
    await givenHistory(db, keyA2, [
      ['invited', '2026-11-09T09:00:00.000Z'],
      ['in_progress', '2026-11-09T10:00:00.000Z'],
      ['pending_approval', '2026-11-11T21:00:00.000Z'],
    ]);
    // Another BC's: signed after 10 days, approved today after the stored part (live), ~96 h after its signature.
    await givenHistory(db, keyB, [
      ['invited', '2026-11-10T09:00:00.000Z'],
      ['in_progress', '2026-11-10T10:00:00.000Z'],
      ['pending_approval', '2026-11-20T09:00:00.000Z'],
      ['approved', '2026-11-24T08:45:00.000Z'],
    ]);
    // Older than the 26 weeks: never counted.
    await givenHistory(db, keyA1, [
      ['invited', '2026-05-04T09:00:00.000Z'],
      ['in_progress', '2026-05-05T09:00:00.000Z'],
    ]);
  });
  afterAll(() => ctx.close());

  async function chartsPage(email: string, lang: 'fr' | 'en', query = '') {
    const agent = await signInAs(ctx.app, ctx.deps, email, lang);
    const res = await agent.get(`${paths.admin.tracking.charts}${query}`);
    return { res, page: $(res.text) };
  }
  type Page = ReturnType<typeof $>;
  const total = (page: Page, status: string) => Number(page(`#chart-statuses li[data-status="${status}"]`).attr('data-total'));
  const statusCell = (page: Page, week: number, status: string) => {
    const column = page('#chart-statuses-table thead th')
      .toArray()
      .findIndex((th) => page(th).attr('data-status') === status);
    return page('#chart-statuses-table tbody tr').eq(week).children().eq(column).text();
  };
  /** The steps table's median and count cells of a week (or of the 26 weeks: 'total'), per step. */
  const stepCells = (page: Page, week: number | 'total') => {
    const row = week === 'total' ? page('#chart-steps-table tfoot tr') : page('#chart-steps-table tbody tr').eq(week);
    return row
      .find('td')
      .map((_i, td) => page(td).text())
      .get();
  };
  const keyOptions = (page: Page) =>
    page('#chart-key option')
      .map((_i, o) => page(o).attr('value'))
      .get();

  it('shows, in French, the statuses reached per week and the steps’ medians of the administrator’s BCs only', async () => {
    const { res, page } = await chartsPage(adminA.email, 'fr');
    expect(res.status).toBe(200);
    expect(page('#charts h2').text()).toBe('Activité des 26 dernières semaines');
    expect(page('#chart-scope').text()).toBe('Toutes les clés de vos comptes (BC).');
    expect(page('#chart-statuses figcaption').text()).toContain('Demandes arrivées à chaque statut, par semaine');
    expect(page('#chart-statuses figcaption').text()).toContain('Du 1 juin 2026 au 24 novembre 2026');
    // Twelve panels, each an SVG image named by its title and description.
    expect(page('#chart-statuses li.chart-panel').length).toBe(12);
    const svg = page('#chart-statuses li[data-status="invited"] svg');
    expect(svg.attr('role')).toBe('img');
    expect(svg.attr('aria-labelledby')).toBe('cs-invited-title');
    expect(svg.attr('aria-describedby')).toBe('cs-invited-desc');
    expect(page('#cs-invited-title').text()).toBe('Invitée : 5 demandes en 26 semaines');
    expect(page('#cs-invited-desc').text()).toBe('Au plus 3 demandes, la semaine du 9 novembre 2026. Semaine en cours : 1 demande.');
    expect(svg.find('rect.chart-bar').length).toBe(3);
    // Counts: the other BC's application (invited on 10 November, approved today) is not counted.
    expect([total(page, 'invited'), total(page, 'in_progress'), total(page, 'pending_approval')]).toEqual([5, 5, 4]);
    expect([total(page, 'approved'), total(page, 'card_delivered'), total(page, 'returned')]).toEqual([2, 1, 0]);
    // The same numbers as a table, a row per week: the week of 9 November (weeks[23]) and today's week (weeks[25]).
    expect(page('#chart-statuses-table caption').text()).toContain('Nombre de demandes arrivées à chaque statut');
    expect(page('#chart-statuses-table tbody tr').length).toBe(26);
    expect(page('#chart-statuses-table tbody tr').eq(23).find('th').text()).toBe('9 novembre 2026');
    expect(statusCell(page, 23, 'invited')).toBe('3');
    expect(statusCell(page, 23, 'pending_approval')).toBe('3');
    expect(statusCell(page, 25, 'invited')).toBe('1');
    expect(statusCell(page, 25, 'in_progress')).toBe('1'); // live; the priority change after it is not a status
    expect(statusCell(page, 25, 'approved')).toBe('0');
    // Medians, per week and over 26 weeks: signature 36 h (week of 2 November); 24, 60, 72 h (week of 9 November).
    expect(stepCells(page, 22).slice(0, 2)).toEqual(['1,5', '1']);
    expect(stepCells(page, 23)).toEqual(['2,5', '3', '1,0', '1', 'aucune', '0']);
    expect(stepCells(page, 24)).toEqual(['aucune', '0', '3,0', '1', '5,0', '1']);
    expect(stepCells(page, 'total')).toEqual(['2,0', '4', '2,0', '2', '5,0', '1']);
    expect(page('#chart-steps li[data-phase="signature"]').text()).toContain(
      'De l’invitation à la signature : médiane de 2,0 jours sur 26 semaines (4 demandes).',
    );
    expect(page('#chart-steps li[data-phase="delivery"]').text()).toContain('médiane de 5,0 jours sur 26 semaines (1 demande).');
    expect(page('#chart-steps-desc').text()).toContain('De la signature à l’approbation : médiane de 2,0 jours');
    expect(page('#chart-steps svg[role="img"] g[data-phase="signature"] path.chart-marker').length).toBe(2);
    // The key filter offers the administrator's keys only.
    expect(keyOptions(page).sort()).toEqual(['', String(keyA1.id), String(keyA2.id)].sort());
    expect(res.text).not.toContain('Ailleurs');
  });

  it('has a page of its own: the summary links to it without drawing the charts, and its key filter stays on it', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
    const summary = $((await agent.get(paths.admin.tracking.summary)).text);
    expect(summary('#summary').length).toBe(1);
    expect(summary('#charts, svg[role="img"]').length).toBe(0);
    expect(summary('#charts-link').attr('href')).toBe(paths.admin.tracking.charts);
    expect(summary('#charts-link').text()).toBe('Graphiques des 26 dernières semaines');
    const { res, page } = await chartsPage(adminA.email, 'en');
    expect(res.status).toBe(200);
    expect(page('h1').text()).toBe('Card application charts');
    expect(page('form.chart-filter').attr('action')).toBe(paths.admin.tracking.charts);
    expect(page('svg[role="img"]').length).toBeGreaterThan(0);
  });

  it('shows the same charts in English, numbers and dates written the English way', async () => {
    const { page } = await chartsPage(adminA.email, 'en');
    expect(page('#charts h2').text()).toBe('Activity over the last 26 weeks');
    expect(page('#chart-statuses figcaption').text()).toContain('From 1 June 2026 to 24 November 2026');
    expect(page('#cs-pending_approval-title').text()).toBe('Pending approval: 4 applications in 26 weeks');
    expect(page('#chart-statuses-table tbody tr').eq(23).find('th').text()).toBe('9 November 2026');
    expect(stepCells(page, 23).slice(0, 2)).toEqual(['2.5', '3']);
    expect(stepCells(page, 'total')).toEqual(['2.0', '4', '2.0', '2', '5.0', '1']);
    expect(page('#chart-steps li[data-phase="approval"]').text()).toContain('From signature to approval: median of 2.0 days over 26 weeks (2 applications).');
    expect(page('#chart-steps-table tbody tr').eq(24).find('td').eq(0).text()).toBe('none');
  });

  it('shows one key’s charts when asked, and refuses another BC’s key', async () => {
    const { res, page } = await chartsPage(adminA.email, 'fr', `?key=${keyA1.id}`);
    expect(res.status).toBe(200);
    expect(page('#chart-scope').text()).toContain('Clé Siège');
    expect(page(`#chart-key option[value="${keyA1.id}"]`).attr('selected')).toBeDefined();
    expect([total(page, 'invited'), total(page, 'pending_approval'), total(page, 'approved')]).toEqual([3, 2, 2]);
    // Key A1's signatures: 24 and 72 h.
    expect(stepCells(page, 'total')).toEqual(['2,0', '2', '2,0', '2', '5,0', '1']);
    const a2 = await chartsPage(adminA.email, 'en', `?key=${keyA2.id}`);
    expect([total(a2.page, 'invited'), total(a2.page, 'card_delivered')]).toEqual([2, 0]);
    expect(stepCells(a2.page, 'total').slice(0, 2)).toEqual(['2.0', '2']); // 36 and 60 h
    expect((await chartsPage(adminA.email, 'fr', `?key=${keyB.id}`)).res.status).toBe(404);
    expect((await chartsPage(adminA.email, 'fr', '?key=abc')).res.status).toBe(404);
  });

  it('shows the platform administrator every BC, and any key of them', async () => {
    const { res, page } = await chartsPage(platform.email, 'fr');
    expect(res.status).toBe(200);
    expect(page('#chart-scope').text()).toBe('Toutes les clés de tous les comptes (BC).');
    expect([total(page, 'invited'), total(page, 'pending_approval'), total(page, 'approved')]).toEqual([6, 5, 3]);
    expect(statusCell(page, 25, 'approved')).toBe('1'); // the other BC's, today, live
    // Signatures 24, 36, 60, 72 and 240 h; approvals 24, 72 and 96 h.
    expect(stepCells(page, 'total')).toEqual(['2,5', '5', '3,0', '3', '5,0', '1']);
    expect(keyOptions(page)).toEqual(expect.arrayContaining([String(keyA1.id), String(keyA2.id), String(keyB.id)]));
    const b = await chartsPage(platform.email, 'en', `?key=${keyB.id}`);
    expect(b.res.status).toBe(200);
    expect([total(b.page, 'invited'), total(b.page, 'approved')]).toEqual([1, 1]);
    expect(stepCells(b.page, 'total').slice(0, 4)).toEqual(['10.0', '1', '4.0', '1']);
  });

  it('stores the finished stretches once and reads the same numbers back', async () => {
    const db = ctx.deps.db;
    const stored = await db('tracking_chart_period').where({ access_key_id: 0 }).count({ n: '*' });
    // 25 finished weeks, Monday 23 November, and today up to 09:00.
    expect(Number(stored[0]!.n)).toBe(27);
    const keyRows = await db('tracking_chart_period').where({ access_key_id: keyA1.id }).select('period_start');
    expect(keyRows.length).toBeGreaterThan(0);
    // A new process (an app on the same database: nothing in memory) shows the same numbers from the stored rows.
    const again = await createTestContext(
      { TIME_ZONE: 'Europe/Paris', DATABASE_URL: ctx.config.databaseUrl ?? `sqlite:${ctx.dataDir}/sesame.sqlite` },
      { clock: new TestClock(NOW) },
    );
    try {
      const agent = await signInAs(again.app, again.deps, adminA.email, 'fr');
      const page = $((await agent.get(paths.admin.tracking.charts)).text);
      expect([total(page, 'invited'), total(page, 'in_progress'), total(page, 'pending_approval')]).toEqual([5, 5, 4]);
      expect(stepCells(page, 'total')).toEqual(['2,0', '4', '2,0', '2', '5,0', '1']);
    } finally {
      await again.close();
    }
  });

  it('says so when nothing happened in the 26 weeks', async () => {
    const { res, page } = await chartsPage(emptyAdmin.email, 'en');
    expect(res.status).toBe(200);
    expect(page('#charts-empty').text()).toBe('No application changed status in these 26 weeks.');
    expect(page('#chart-statuses').length).toBe(0);
    expect(page('#chart-key option').length).toBe(2);
  });
});
