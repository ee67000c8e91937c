import supertest from 'supertest';
import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { STATUSES, type Status } from '../../src/core/application/status';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';

type Key = { id: number; number: string; accountId: number };

describe('tracking: the status summary per key', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA1: Key;
  let keyA2Deleted: Key;
  let keyA3DeletedEmpty: Key;
  let keyC: Key;
  let keyB: Key;
  const refs: Record<string, string[]> = {};

  async function apply(key: Key, tag: string, overrides: { status?: Status; priority?: 'normal' | 'urgent' } = {}) {
    const n = (refs[tag] ??= []).length;
    const app = await givenApplication(ctx.deps.db, key, { email: `${tag}.${n}.${key.id}@acme.example`, ...overrides });
    refs[tag]!.push(app.reference);
    return app;
  }

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db, { company_name: 'ACME Summary SA', number: '00820400012' });
    const accountC = await givenAccount(db, { company_name: 'ACME Filiale', number: '00820400020' });
    const accountB = await givenAccount(db, { company_name: 'Other Corp' });
    adminA = await givenAdministrator(db, {}, [accountA, accountC]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA2Deleted = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Ancienne', deleted_at: '2026-11-20T09:00:00.000Z' })), accountId: accountA };
    keyA3DeletedEmpty = {
      ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Jamais utilisée', deleted_at: '2026-11-21T09:00:00.000Z' })),
      accountId: accountA,
    };
    keyA1 = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Finance' })), accountId: accountA };
    keyC = { ...(await givenAccessKey(db, accountC, adminA.id, { name: 'Filiale vide' })), accountId: accountC };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id, { name: 'Autre' })), accountId: accountB };

    await apply(keyA1, 'a1-invited');
    await apply(keyA1, 'a1-invited');
    await apply(keyA1, 'a1-invited', { priority: 'urgent' });
    await apply(keyA1, 'a1-pending', { status: 'pending_approval', priority: 'urgent' });
    await apply(keyA1, 'a1-pending', { status: 'pending_approval' });
    await apply(keyA1, 'a1-cancelled', { status: 'cancelled' });
    await apply(keyA2Deleted, 'a2-delivered', { status: 'card_delivered' });
    for (let i = 0; i < 4; i++) await apply(keyB, 'b-invited');
    await apply(keyB, 'b-urgent', { status: 'approved', priority: 'urgent' });
  });
  afterAll(() => ctx.close());

  const count = (page: ReturnType<typeof $>, rowKey: string | number, status: string) =>
    Number(page(`tr[data-key="${rowKey}"] td[data-status="${status}"]`).attr('data-count'));
  const cells = (page: ReturnType<typeof $>, rowKey: string | number) => page(`tr[data-key="${rowKey}"] td.num`);

  it('shows one row per key of the administrator’s BCs, with zero rows, and deleted keys only when they have applications', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
    const res = await agent.get(paths.admin.tracking.summary);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe('Suivi du statut des demandes de cartes');
    const keys = page('#summary tbody tr')
      .map((_i, el) => page(el).attr('data-key'))
      .get();
    expect(keys.sort()).toEqual([keyA1.id, keyA2Deleted.id, keyC.id].map(String).sort());
    expect(keys).not.toContain(String(keyA3DeletedEmpty.id));
    expect(keys).not.toContain(String(keyB.id));
    const a1 = page(`tr[data-key="${keyA1.id}"]`);
    expect(a1.find('th').text()).toContain('Finance');
    expect(a1.find('th').text()).toContain(keyA1.number);
    expect(a1.text()).toContain('00820400012');
    expect(a1.text()).toContain('ACME Summary SA');
    expect(page(`tr[data-key="${keyA2Deleted.id}"] th`).text()).toContain('Clé supprimée');
    // 12 statuses + total + urgent, every status its own number.
    expect(cells(page, keyA1.id).length).toBe(STATUSES.length + 2);
    expect(page('#summary thead th[data-status]').length).toBe(STATUSES.length);
    expect(page('#summary thead th[data-status="awaiting_additional_approval"]').text()).toBe('En attente de l’approbateur supplémentaire');
  });

  it('counts per status, total and urgent per key, and the totals row', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = $((await agent.get(paths.admin.tracking.summary)).text);
    expect(count(page, keyA1.id, 'invited')).toBe(3);
    expect(count(page, keyA1.id, 'pending_approval')).toBe(2);
    expect(count(page, keyA1.id, 'cancelled')).toBe(1);
    expect(count(page, keyA1.id, 'approved')).toBe(0);
    const a1 = cells(page, keyA1.id);
    expect(Number(a1.eq(STATUSES.length).attr('data-count'))).toBe(6); // total
    expect(Number(a1.eq(STATUSES.length + 1).attr('data-count'))).toBe(2); // urgent
    expect(count(page, keyA2Deleted.id, 'card_delivered')).toBe(1);
    const empty = cells(page, keyC.id)
      .map((_i, el) => Number(page(el).attr('data-count')))
      .get();
    expect(empty.every((n) => n === 0)).toBe(true);
    expect(page(`tr[data-key="${keyC.id}"] a`).length).toBe(0);
    const all = cells(page, 'all');
    expect(count(page, 'all', 'invited')).toBe(3);
    expect(count(page, 'all', 'card_delivered')).toBe(1);
    expect(Number(all.eq(STATUSES.length).attr('data-count'))).toBe(7);
    expect(Number(all.eq(STATUSES.length + 1).attr('data-count'))).toBe(2);
    expect(page('h1').text()).toBe('Card application status tracking');
  });

  it('links each number to the list of exactly those applications', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = $((await agent.get(paths.admin.tracking.summary)).text);
    const listed = async (href: string | undefined) => {
      expect(href).toBeDefined();
      const res = await agent.get(href as string);
      expect(res.status).toBe(200);
      const p = $(res.text);
      return p('#applications tbody tr')
        .map((_i, el) => p(el).attr('data-reference'))
        .get()
        .sort();
    };
    expect(await listed(page(`tr[data-key="${keyA1.id}"] td[data-status="invited"] a`).attr('href'))).toEqual([...refs['a1-invited']!].sort());
    expect(await listed(page(`tr[data-key="${keyA1.id}"] td[data-status="pending_approval"] a`).attr('href'))).toEqual([...refs['a1-pending']!].sort());
    const a1 = cells(page, keyA1.id);
    const allA1 = [...refs['a1-invited']!, ...refs['a1-pending']!, ...refs['a1-cancelled']!].sort();
    expect(await listed(a1.eq(STATUSES.length).find('a').attr('href'))).toEqual(allA1);
    const urgentHref = a1
      .eq(STATUSES.length + 1)
      .find('a')
      .attr('href');
    const urgent = await listed(urgentHref);
    expect(urgent).toHaveLength(2);
    expect(urgent).toContain(refs['a1-invited']![2]);
    expect(urgent).toContain(refs['a1-pending']![0]);
    expect(await listed(page(`tr[data-key="${keyA2Deleted.id}"] td[data-status="card_delivered"] a`).attr('href'))).toEqual(refs['a2-delivered']);
    expect(await listed(page('tr[data-key="all"] td[data-status="invited"] a').attr('href'))).toEqual([...refs['a1-invited']!].sort());
    const all = cells(page, 'all');
    expect(await listed(all.eq(STATUSES.length).find('a').attr('href'))).toEqual([...allA1, ...refs['a2-delivered']!].sort());
  });

  it('is scoped to the administrator’s BCs: the second administrator sees none of the first’s keys', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminB.email, 'fr');
    const page = $((await agent.get(paths.admin.tracking.summary)).text);
    const keys = page('#summary tbody tr')
      .map((_i, el) => page(el).attr('data-key'))
      .get();
    expect(keys).toEqual([String(keyB.id)]);
    expect(page.text()).not.toContain('Finance');
    expect(page.text()).not.toContain('ACME');
    expect(count(page, keyB.id, 'invited')).toBe(4);
    expect(count(page, 'all', 'invited')).toBe(4);
    expect(
      Number(
        cells(page, 'all')
          .eq(STATUSES.length + 1)
          .attr('data-count'),
      ),
    ).toBe(1);
  });

  it('says so when the administrator has no key yet', async () => {
    const accountD = await givenAccount(ctx.deps.db);
    const adminD = await givenAdministrator(ctx.deps.db, {}, [accountD]);
    const agent = await signInAs(ctx.app, ctx.deps, adminD.email, 'en');
    const page = $((await agent.get(paths.admin.tracking.summary)).text);
    expect(page('#summary').length).toBe(0);
    expect(page('#no-keys').text()).toContain('no access key');
  });

  it('is for administrators only', async () => {
    const res = await supertest(ctx.app).get(paths.admin.tracking.summary);
    expect([302, 303, 401, 403]).toContain(res.status);
  });
});
