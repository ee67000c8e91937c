import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { EmployeePages } from './pages/employee';
import { givenTransmitted, statusFile } from '../support/issuer-status';

/**
 * Issue 13 part 4 in the browser: the platform administrator uploads the issuer's status file, reads the preview,
 * applies it; the employee's status page then shows the card delivered, with the whole way to it. Axe on each page.
 */
describe('the issuer’s card status file in the browser', () => {
  const e2e = useE2E();

  it('Paula uploads a status file, sees the preview, applies it; the employee sees the card delivered', async () => {
    const key = await e2e.deps.db('access_key').where({ name: 'Direction financière' }).first();
    const app = await givenTransmitted(
      e2e.deps.db,
      { id: key.id, number: key.number, accountId: key.account_id },
      { language: 'en', at: new Date('2026-11-24T10:00:00Z') },
    );
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Paula Plateforme', 'en');
    await admin.goto('/platform/issuer-status');
    await admin.expectHeading('Card status file from the issuer');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'issuer status upload' });

    // A file separated by commas: refused whole, with the reason, reachable from the error summary.
    await e2e.page.getByLabel('Status file (CSV)').setInputFiles({
      name: 'status.csv',
      mimeType: 'text/csv',
      buffer: statusFile([`${app.reference},issued,2026-11-25,,4821`], { separator: ',' }),
    });
    await admin.submit('Upload and preview');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    expect(await admin.errorSummaryItems()).toEqual(['The columns are separated by commas or tabs: the issuer’s status file uses semicolons (;).']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'issuer status upload with an error' });

    await e2e.page.getByLabel('Status file (CSV)').setInputFiles({
      name: 'status.csv',
      mimeType: 'text/csv',
      buffer: statusFile([`${app.reference};issued;2026-11-25;;4821`, `${app.reference};delivered;2026-11-26;;4821`, `0000000000;issued;2026-11-25;;`]),
    });
    await admin.submit('Upload and preview');
    await admin.expectHeading('Status file: preview');
    await expect(e2e.page.locator('[data-count="apply"]').textContent()).resolves.toBe('2');
    await expect(e2e.page.locator('[data-count="refused"]').textContent()).resolves.toBe('1');
    await expect(e2e.page.locator('#line-4 .row-errors').textContent()).resolves.toContain('No application has this reference.');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'issuer status preview' });

    await admin.submit('Apply the file');
    await admin.expectHeading('Status file: preview');
    await expect(admin.banner.textContent()).resolves.toContain('Status file applied: 2 applications moved on');
    await expect(e2e.page.locator('#applied').textContent()).resolves.toContain('This file was applied');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'issuer status applied' });
    expect((await e2e.deps.db('application').where({ id: app.id }).first()).status).toBe('card_delivered');

    // The employee, in a browser of their own.
    const errors: string[] = [];
    const { context, page } = await newContext(e2e, 'en-GB', errors);
    try {
      const employee = new EmployeePages(page, 'en');
      await employee.signIn(app.reference, key.number);
      if (!page.url().includes('/application/status')) await employee.goto('/application/status');
      await employee.expectHeading('Track my card application');
      await expect(page.locator('#current-status').textContent()).resolves.toContain('Card delivered');
      const done = await page.locator('.timeline__item--done .timeline__status strong').allTextContents();
      expect(done.slice(-3).map((s) => s.trim())).toEqual(['Sent to the issuer', 'Card issued', 'Card delivered']);
      await expect(page.locator('#card-last4').textContent()).resolves.toBe('ending in 4821');
      await expectNoSeriousA11yViolations(page, { label: 'employee status page, card delivered' });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    expectNoConsoleErrors(e2e);
  });
});
