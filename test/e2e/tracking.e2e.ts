import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors, RESULTS_DIR } from './support';
import { AdminPages } from './pages/admin';
import { createInvitedApplications } from '../../src/core/application/create';

describe('tracking in the browser: summary, list with filters and export, application page', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('Claire follows the numbers from the summary to the list and to an application', async () => {
    const db = e2e.deps.db;
    const key = await db('access_key').where({ name: 'Direction financière' }).first();
    const now = e2e.deps.clock.now();
    await db.transaction((trx) =>
      createInvitedApplications(
        trx,
        ['Anne', 'Bruno', 'Chloé'].map((firstName, i) => ({
          accessKey: { id: key.id, accountId: key.account_id, number: key.number },
          origin: 'controlled' as const,
          priority: i === 0 ? ('urgent' as const) : ('normal' as const),
          title: 'mrs' as const,
          firstName,
          lastName: 'Suivi',
          email: `${firstName.toLowerCase()}.suivi@acme.example`,
          language: 'fr' as const,
        })),
        now,
      ),
    );

    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.getByRole('navigation').getByRole('link', { name: 'Application status', exact: true }).click();
    await admin.expectHeading('Card application status tracking');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking summary' });
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-summary.png`, fullPage: true });

    // The key's "invited" number leads to the list of exactly those applications.
    const cell = e2e.page.locator(`tr[data-key="${key.id}"] td[data-status="invited"] a`);
    const invited = Number(await e2e.page.locator(`tr[data-key="${key.id}"] td[data-status="invited"]`).getAttribute('data-count'));
    expect(invited).toBeGreaterThanOrEqual(3);
    await cell.click();
    await admin.expectHeading('Card applications');
    await expect(e2e.page.locator('#applications tbody tr').count()).resolves.toBe(Math.min(invited, 25));
    await expect(e2e.page.locator('#status-invited').isChecked()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking list' });
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-list.png`, fullPage: true });

    // Narrow with the text filter, then open the application.
    await e2e.page.getByLabel('Reference, name or email').fill('chloé');
    await admin.submit('Filter');
    await expect(e2e.page.locator('#applications tbody tr').count()).resolves.toBe(1);
    await e2e.page.getByLabel('Initiated from').fill('31/02/2026');
    await admin.submit('Filter');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking list with a date error' });
    await e2e.page.getByLabel('Initiated from').fill('');
    await admin.submit('Filter');
    const app = await db('application').where({ email: 'chloé.suivi@acme.example' }).first();
    await e2e.page.getByRole('link', { name: app.reference }).click();
    await admin.expectHeading(`Application ${app.reference}`);
    await expect(e2e.page.locator('#emails tbody tr').count()).resolves.toBe(2);
    await expect(e2e.page.locator('#key-info').textContent()).resolves.toContain('Direction financière');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page with tracking sections' });
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-application.png`, fullPage: true });
    expectNoConsoleErrors(e2e);
    const views = await db('audit_log').where({ action: 'application.view', application_id: app.id }).count({ n: '*' });
    expect(Number(views[0]!.n)).toBe(1);
  });
});
