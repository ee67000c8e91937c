import { createTestContext, signInAs, $, TestClock, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';

/**
 * Keyset (seek) pagination of the approval queue (issue 15 item 2): Next and Previous carry a cursor (the sort key and
 * id of the last / first row shown) and the page number; the rows after (before) the cursor are read, never skipped.
 */
describe('the approval queue’s Next / Previous links (keyset pagination)', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  const keysA: Key[] = [];
  /** Every pending application of A's three BCs, and of B's one BC, with what the sorts compare. */
  const mine: Array<{ id: number; reference: string; createdAt: string; urgent: boolean; keyId: number }> = [];
  const theirs: number[] = [];
  // Few distinct dates: many rows share one (the id breaks the tie), across A's BCs and B's.
  const DATES = ['2026-10-01T08:00:00.000Z', '2026-10-01T09:00:00.000Z', '2026-10-02T08:00:00.000Z', '2026-10-03T08:00:00.000Z'];

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const accountsA = [await givenAccount(db), await givenAccount(db), await givenAccount(db)];
    const accountB = await givenAccount(db);
    adminA = await givenAdministrator(db, {}, accountsA);
    adminB = await givenAdministrator(db, {}, [accountB]);
    for (const a of accountsA) keysA.push({ ...(await givenAccessKey(db, a, adminA.id)), accountId: a });
    const keyB: Key = { ...(await givenAccessKey(db, accountB, adminB.id)), accountId: accountB };
    for (let i = 0; i < 33; i++) {
      const key = keysA[i % 3] as Key;
      const createdAt = DATES[(i * 7) % DATES.length] as string;
      const urgent = i % 4 === 1;
      const created = await givenPending(db, key, { createdAt, priority: urgent ? 'urgent' : 'normal' });
      mine.push({ ...created, createdAt, urgent, keyId: key.id });
      // Another administrator's BC, with the same dates, between A's rows (by id and by date).
      if (i % 3 === 0) theirs.push((await givenPending(db, keyB, { createdAt, priority: urgent ? 'urgent' : 'normal' })).id);
    }
    // Not in the queue (another status): never listed.
    await givenPending(db, keysA[0] as Key, { status: 'in_progress', createdAt: DATES[0] });
  });
  afterAll(() => ctx.close());

  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  const inOrder = {
    createdAtAsc: () => [...mine].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || byId(a, b)).map((r) => r.id),
    referenceDesc: () => [...mine].sort((a, b) => b.reference.localeCompare(a.reference) || byId(b, a)).map((r) => r.id),
    priorityAsc: () => [...mine].sort((a, b) => Number(!a.urgent) - Number(!b.urgent) || byId(a, b)).map((r) => r.id),
  };

  interface Shown {
    ids: number[];
    current: string;
    showing: string;
    next?: string;
    previous?: string;
  }
  async function show(agent: Agent, url: string): Promise<Shown> {
    const res = await agent.get(url);
    expect(res.status).toBe(200);
    const page = $(res.text);
    return {
      ids: page('#queue tbody input[name="ids"]')
        .toArray()
        .map((i) => Number(page(i).attr('value'))),
      current: page('.pagination a[aria-current="page"]').text().trim(),
      showing: page('.list-count').text(),
      next: page('a[rel="next"]').attr('href'),
      previous: page('a[rel="prev"]').attr('href'),
    };
  }

  /** Walks from page 1 to the end with Next, then back to page 1 with Previous; checks every page's numbers. */
  async function walk(agent: Agent, firstUrl: string, size: number, expected: number[]) {
    const total = expected.length;
    const forward: number[][] = [];
    let url: string | undefined = firstUrl;
    let last: Shown | undefined;
    while (url) {
      const shown = await show(agent, url);
      const n = forward.length + 1;
      if (n > 1) expect(url).toMatch(/[?&]after=[A-Za-z0-9_-]+/);
      expect(url).not.toMatch(/[?&]before=/);
      if (total > size) expect(shown.current).toBe(String(n));
      expect(shown.showing).toBe(`Showing ${(n - 1) * size + 1} to ${Math.min(n * size, total)} of ${total} records`);
      forward.push(shown.ids);
      last = shown;
      url = shown.next;
    }
    expect(forward.flat()).toEqual(expected);
    expect(forward.length).toBe(Math.ceil(total / size));
    const backward: number[][] = [];
    let back: Shown | undefined = last;
    let n = forward.length;
    while (back?.previous) {
      n--;
      // Previous to page 1 goes by number (page 1 is read from the start); the others carry a cursor.
      if (n > 1) expect(back.previous).toMatch(/[?&]before=[A-Za-z0-9_-]+/);
      back = await show(agent, back.previous);
      expect(back.current).toBe(String(n));
      expect(back.showing).toBe(`Showing ${(n - 1) * size + 1} to ${Math.min(n * size, total)} of ${total} records`);
      backward.unshift(back.ids);
    }
    expect(n).toBe(1);
    expect([...backward.flat(), ...(forward[forward.length - 1] ?? [])]).toEqual(expected);
    return forward;
  }

  const list = paths.admin.approvals.list;

  it('walks the whole queue in date order (the default) with Next and back with Previous: every application once, in order', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const pages = await walk(agent, `${list}?pageSize=10`, 10, inOrder.createdAtAsc());
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 3]);
    expect(pages.flat().filter((id) => theirs.includes(id))).toEqual([]);
  });

  it.each([
    ['reference', 'desc', () => inOrder.referenceDesc()],
    ['priority', 'asc', () => inOrder.priorityAsc()],
  ] as const)('walks the queue sorted by %s (%s) the same way', async (sort, dir, expected) => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    await walk(agent, `${list}?sort=${sort}&dir=${dir}&pageSize=10`, 10, expected());
  });

  it('keeps the filters in the cursor links and walks only the matching applications', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const key = keysA[1] as Key;
    const expected = inOrder.createdAtAsc().filter((id) => mine.find((r) => r.id === id)?.keyId === key.id);
    const first = await show(agent, `${list}?key=${key.id}&pageSize=10`);
    expect(first.next).toContain(`key=${key.id}`);
    await walk(agent, `${list}?key=${key.id}&pageSize=10`, 10, expected);
    const urgent = inOrder.createdAtAsc().filter((id) => mine.find((r) => r.id === id)?.urgent);
    expect(urgent.length).toBeGreaterThan(5);
    await walk(agent, `${list}?priority=urgent&sort=createdAt&dir=asc&pageSize=10`, 10, urgent);
  });

  it('reads the page after the cursor, not by its number: applications leaving the queue meanwhile shift nothing', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const expected = inOrder.createdAtAsc();
    const first = await show(agent, `${list}?pageSize=10`);
    // Three applications of page 1 are processed before Next is followed.
    const gone = first.ids.slice(0, 3);
    await ctx.deps.db('application').whereIn('id', gone).update({ status: 'approved' });
    try {
      const second = await show(agent, first.next as string);
      expect(second.ids).toEqual(expected.slice(10, 20));
      // By number, page 2 would now start 3 rows further on.
      const byNumber = await show(agent, `${list}?pageSize=10&page=2`);
      expect(byNumber.ids).toEqual(expected.filter((id) => !gone.includes(id)).slice(10, 20));
    } finally {
      await ctx.deps.db('application').whereIn('id', gone).update({ status: 'pending_approval' });
    }
  });

  it('offers numbered links near the current page that land on the right rows', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const expected = inOrder.createdAtAsc();
    const page = $((await agent.get(`${list}?pageSize=10`)).text);
    const third = page('.pagination a[aria-label="Page 3"]').attr('href') as string;
    expect(third).toMatch(/[?&]after=/);
    const shown = await show(agent, third);
    expect(shown.current).toBe('3');
    expect(shown.showing).toBe('Showing 21 to 30 of 33 records');
    expect(shown.ids).toEqual(expected.slice(20, 30));
    const fromThird = $((await agent.get(third)).text);
    const first = await show(agent, fromThird('.pagination a[aria-label="Page 1"]').attr('href') as string);
    expect(first.ids).toEqual(expected.slice(0, 10));
    const second = fromThird('.pagination a[aria-label="Page 2"]').attr('href') as string;
    expect(second).toMatch(/[?&]before=/);
    expect((await show(agent, second)).ids).toEqual(expected.slice(10, 20));
    const fourth = fromThird('.pagination a[aria-label="Page 4"]').attr('href') as string;
    expect(fourth).toMatch(/[?&]after=/);
    expect((await show(agent, fourth)).ids).toEqual(expected.slice(30, 33));
  });

  const token = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

  const d0 = '2026-10-01T08:00:00.000Z';
  it.each([
    ['not base64 JSON', 'after=%21%21%21'],
    ['JSON of the wrong shape', `after=${token({ sort: 'createdAt' })}`],
    ['a value that is not a date', `after=${token(['createdAt', 'asc', 1, "x' OR 1=1 --", 1])}`],
    ['a number where a date goes', `after=${token(['createdAt', 'asc', 1, 5, 1])}`],
    ['an id that is not a positive integer', `after=${token(['createdAt', 'asc', 1, d0, -3])}`],
    ['another sort’s cursor', `after=${token(['reference', 'asc', 1, '1234567890', 1])}`],
    ['another direction’s cursor', `after=${token(['createdAt', 'desc', 1, d0, 1])}`],
    ['a cursor of a page after the one asked for', `after=${token(['createdAt', 'asc', 3, d0, 1])}`],
    ['a cursor of a page too far before', `after=${token(['createdAt', 'asc', 1, d0, 1])}&far=`],
    ['a cursor past the last application', `after=${token(['createdAt', 'asc', 1, '2099-01-01T00:00:00.000Z', 1])}`],
    ['both sides at once', `after=${token(['createdAt', 'asc', 1, d0, 1])}&before=${token(['createdAt', 'asc', 3, d0, 1])}`],
    ['a very long token', `after=${'A'.repeat(5000)}`],
  ])('ignores a malformed or forged cursor (%s): the page is read by its number', async (_what, cursor) => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const expected = inOrder.createdAtAsc();
    // Page 2; for the far cursor, page 4: 3 pages after the cursor's page 1 (a link skips at most one page).
    const page = cursor.endsWith('&far=') ? 4 : 2;
    const shown = await show(agent, `${list}?pageSize=10&page=${page}&${cursor}`);
    expect(shown.current).toBe(String(page));
    expect(shown.ids).toEqual(expected.slice((page - 1) * 10, page * 10));
  });

  it('never shows another BC’s applications, whatever the crafted cursor', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const expected = inOrder.createdAtAsc();
    // A cursor from before everything: the actor's first applications, not anybody else's.
    const start = await show(agent, `${list}?pageSize=10&page=2&after=${token(['createdAt', 'asc', 1, '2000-01-01T00:00:00.000Z', 1])}`);
    expect(start.ids).toEqual(expected.slice(0, 10));
    // A cursor just before one of B's applications (its date and id): still only A's, those after it.
    const [bId] = theirs;
    const bRow = await ctx.deps.db('application').where({ id: bId }).first('created_at');
    const after = await show(agent, `${list}?pageSize=10&page=2&after=${token(['createdAt', 'asc', 1, bRow.created_at, (bId as number) - 1])}`);
    expect(after.ids.length).toBeGreaterThan(0);
    expect(after.ids.filter((id) => theirs.includes(id))).toEqual([]);
    const mineAfter = [...mine]
      .filter((r) => r.createdAt > bRow.created_at || (r.createdAt === bRow.created_at && r.id > (bId as number) - 1))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || byId(a, b))
      .map((r) => r.id);
    expect(after.ids).toEqual(mineAfter.slice(0, 10));
    // B walks their own queue: A's applications never appear.
    const agentB = await signInAs(ctx.app, ctx.deps, adminB.email, 'en');
    const bPage = await show(agentB, `${list}?pageSize=10&page=2&after=${token(['createdAt', 'asc', 1, '2000-01-01T00:00:00.000Z', 1])}`);
    expect(bPage.ids.length).toBe(10);
    expect(bPage.ids.filter((id) => !theirs.includes(id))).toEqual([]);
  });

  it('keeps the cursor in the selection form, so "back to the list" returns to the same rows', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const first = await show(agent, `${list}?pageSize=10`);
    const second = $((await agent.get(first.next as string)).text);
    const after = second('form.queue-form input[name="after"]').val();
    expect(after).toBe(new URL(first.next as string, 'http://x').searchParams.get('after'));
  });
});
