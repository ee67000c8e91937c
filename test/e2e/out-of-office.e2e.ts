import { useE2E, expectNoSeriousA11yViolations } from './support';
import { AdminPages } from './pages/admin';
import { givenPendingForClaire } from './support/pending';
import { todayIn } from '../../src/lib/today';
import { addDays } from '../../src/lib/time-zone';

/** Issue 16 item 2 in the browser: Claire sets an absence with Marc as delegate; Marc approves on her behalf. */
describe('out of office in the browser', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('an absence with a delegate: the delegate sees the application in the queue and approves it on behalf of the absent one', async () => {
    const db = e2e.deps.db;
    const claire = await db('administrator').where({ display_name: 'Claire Martin' }).first();
    const marc = await db('administrator').where({ display_name: 'Marc Dupont' }).first();
    const key = await db('access_key').where({ name: 'Direction financière' }).first();
    // Marc shares one of Claire's BCs — not the one of the key, whose applications he sees only as her delegate.
    const shared = await db('administrator_account').where({ administrator_id: claire.id }).whereNot({ account_id: key.account_id }).first();
    await db('administrator_account').insert({ administrator_id: marc.id, account_id: shared.account_id });
    const [app] = await givenPendingForClaire(e2e.deps, [['Olga', 'Office']]);
    const today = todayIn(e2e.deps.config.timeZone, e2e.deps.clock.now());

    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.locator('header').getByRole('link', { name: 'My absence' }).click();
    await admin.expectHeading('My absence');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'my absence' });
    // An absence that ends before it starts is answered clearly.
    await e2e.page.getByLabel('First day away').fill(addDays(today, 2));
    await e2e.page.getByLabel('Last day away').fill(today);
    await e2e.page.getByLabel('Delegate').selectOption(String(marc.id));
    await admin.submit('Save the absence');
    expect(await admin.errorSummaryItems()).toEqual(['The last day away cannot be before the first.']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'my absence with an error' });
    await e2e.page.getByLabel('First day away').fill(today);
    await e2e.page.getByLabel('Last day away').fill(addDays(today, 3));
    await admin.submit('Save the absence');
    await expect(admin.banner.textContent()).resolves.toContain('Your absence is saved.');
    await expect(e2e.page.locator('#current-absence').textContent()).resolves.toContain('Marc Dupont');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'absence saved' });
    await admin.signOut('en');

    await admin.signIn('Marc Dupont', 'en');
    await e2e.page.goto('/admin/approvals');
    await e2e.page.getByLabel(`Select application ${app!.reference}`).check();
    await expectNoSeriousA11yViolations(e2e.page, { label: 'delegate’s queue' });
    await admin.submit('Approve');
    await admin.expectHeading('Approve the card application');
    await admin.submit('Approve');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await e2e.page.goto(`/admin/applications/${app!.id}`);
    await expect(e2e.page.locator('#history').textContent()).resolves.toContain('Marc Dupont on behalf of Claire Martin');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'approved on behalf of' });
    expect((await db('application').where({ id: app!.id }).first()).status).toBe('approved');
    const audit = await db('audit_log').where({ application_id: app!.id, action: 'application.approve' }).first();
    expect(JSON.parse(audit.details)).toMatchObject({ onBehalfOf: claire.id });
  });
});
