import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';

describe('the audit log in the browser', () => {
  const e2e = useE2E();

  it('shows the platform administrator the sign-ins, filters by action, and reports a bad date accessibly', async () => {
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await admin.signOut('en');
    await admin.signIn('Paula Plateforme', 'en');
    await e2e.page.getByRole('link', { name: 'Audit log' }).click();
    await admin.expectHeading('Audit log');
    const rows = e2e.page.locator('#audit-log tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await expect(rows.first().textContent()).resolves.toContain('admin.sign_in');
    await expectNoSeriousA11yViolations(e2e.page);

    await e2e.page.getByLabel(/^Administrator’s e-mail/).fill('claire');
    await e2e.page.locator('main').getByRole('button', { name: 'Search' }).click();
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('claire');

    await e2e.page.locator('#from').fill('2026-01-10');
    await e2e.page.locator('#to').fill('2026-01-01');
    await e2e.page.locator('main').getByRole('button', { name: 'Search' }).click();
    expect(await e2e.page.title()).toMatch(/^Error: /);
    expect(await admin.errorSummaryItems()).toEqual(['The end date must be the same as or after the start date']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'audit log with an error' });
    expectNoConsoleErrors(e2e);
  });
});
