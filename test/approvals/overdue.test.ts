import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenPending, type Key } from '../support/builders';

/** Stuck approvals in the queue (issue 16 item 3): the "overdue" tag on a row and the "overdue" filter. */
describe('overdue applications in the approval queue', () => {
  let ctx: TestContext;
  let admin: { id: number; email: string };
  const ids: Record<string, { id: number; reference: string }> = {};

  beforeAll(async () => {
    // Tuesday 24 November 2026 (the test clock's day); Wednesday 11 November was a public holiday.
    ctx = await createTestContext({}, { clock: new TestClock(new Date('2026-11-24T09:00:00.000Z')) });
    const db = ctx.deps.db;
    const account = await givenAccount(db, { company_name: 'ACME Test SA' });
    const other = await givenAccount(db, { company_name: 'Globex' });
    admin = await givenAdministrator(db, {}, [account]);
    const otherAdmin = await givenAdministrator(db, {}, [other]);
    const five: Key = { ...(await givenAccessKey(db, account, admin.id, { name: 'Finance' })), accountId: account };
    const two: Key = {
      ...(await givenAccessKey(db, account, admin.id, { name: 'Ventes', approval_deadline_days: 2, deleted_at: '2026-11-20T00:00:00.000Z' })),
      accountId: account,
    };
    const elsewhere: Key = { ...(await givenAccessKey(db, other, otherAdmin.id, { name: 'Globex key' })), accountId: other };
    const pending = async (name: string, key: Key, since: string, status: 'pending_approval' | 'awaiting_additional_approval' = 'pending_approval') => {
      ids[name] = await givenPending(db, key, { firstName: name, lastName: 'Test', email: `${name}@acme.example`, status });
      await db('application').where({ id: ids[name]!.id }).update({ submitted_at: since, status_changed_at: since });
    };
    // 5 business days from Tuesday 10 November end on Wednesday 18 (the holiday and a weekend skipped): overdue today.
    await pending('late', five, '2026-11-10T10:00:00.000Z');
    // From Tuesday 17: due today, not yet overdue.
    await pending('due', five, '2026-11-17T10:00:00.000Z');
    // 2 business days from Thursday 19 end on Monday 23 (a weekend skipped): overdue today.
    await pending('short', two, '2026-11-19T10:00:00.000Z');
    // Signed but waiting for the additional approver: not pending approval, never overdue.
    await pending('additional', five, '2026-11-01T10:00:00.000Z', 'awaiting_additional_approval');
    await pending('globex', elsewhere, '2026-11-01T10:00:00.000Z');
  });
  afterAll(() => ctx.close());

  async function queue(query: string, lang: 'fr' | 'en') {
    const agent = await signInAs(ctx.app, ctx.deps, admin.email, lang);
    const res = await agent.get(`${paths.admin.approvals.list}${query}`);
    return { res, page: $(res.text) };
  }
  const tagged = (page: ReturnType<typeof $>) =>
    page('#queue tbody tr')
      .toArray()
      .map((tr) => [page(tr).find('td:nth-child(2) a').text().trim(), page(tr).find('.overdue-flag').text().trim()]);

  it.each([
    ['fr', 'En retard'],
    ['en', 'Overdue'],
  ] as const)('tags the rows pending longer than their key’s deadline, in business days (%s)', async (lang, tag) => {
    const { res, page } = await queue('', lang);
    expect(res.status).toBe(200);
    expect(Object.fromEntries(tagged(page))).toEqual({
      [ids.late!.reference]: tag,
      [ids.due!.reference]: '',
      [ids.short!.reference]: tag,
    });
  });

  it.each([
    ['fr', 'Délai d’approbation', 'En retard uniquement'],
    ['en', 'Approval deadline', 'Overdue only'],
  ] as const)('filters the queue on "overdue", the filter kept in the form and the pages’ links (%s)', async (lang, label, option) => {
    const { res, page } = await queue('?overdue=yes', lang);
    expect(res.status).toBe(200);
    expect(page('label[for="filter-overdue"]').text()).toBe(label);
    expect(page('#filter-overdue option:selected').text()).toBe(option);
    expect(
      tagged(page)
        .map(([ref]) => ref)
        .sort(),
    ).toEqual([ids.late!.reference, ids.short!.reference].sort());
    expect(page('#queue tbody tr .overdue-flag').length).toBe(2);
    expect(res.text).not.toContain(ids.globex!.reference);
    expect(page('.queue-form input[type="hidden"][name="overdue"]').val()).toBe('yes');
  });

  it('counts only the overdue ones for "select all" over the filter', async () => {
    const { page } = await queue('?overdue=yes', 'en');
    expect(page('label[for="select-all"]').text()).toContain('2 applications');
  });

  it('ignores a forged filter value and offers no overdue filter on the additional approver’s stage', async () => {
    const forged = await queue('?overdue=maybe', 'en');
    expect(forged.page('#queue tbody tr').length).toBe(3);
    expect(forged.page('#filter-overdue').val()).toBe('');
    const additional = await queue('?stage=additional&overdue=yes', 'en');
    expect(additional.page('#filter-overdue').length).toBe(0);
    expect(additional.res.text).toContain(ids.additional!.reference);
    expect(additional.page('.overdue-flag').length).toBe(0);
  });
});
