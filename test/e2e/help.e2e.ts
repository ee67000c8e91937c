import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';

describe('help and contacts in the browser', () => {
  const e2e = useE2E();

  it('a visitor finds the fraud line first from the footer; the platform administrator adds an entry that shows at once', async () => {
    const p = e2e.page;
    await p.goto('/access?lang=en');
    await p.locator('#footer-help').click();
    await p.waitForURL('**/help');
    await expect(p.locator('h1').textContent()).resolves.toBe('Help and contacts');
    await expect(p.locator('.help-card').first().locator('h2').textContent()).resolves.toBe('Fraud declaration');
    expect(await p.locator('#help-fraud a[href="tel:+3226762323"]').count()).toBe(1);
    expect(await p.locator('#help-administrator-service').count()).toBe(0);
    await expectNoSeriousA11yViolations(p, { label: 'help page (visitor)' });
    await p.setViewportSize({ width: 375, height: 800 });
    expect(await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await p.setViewportSize({ width: 1280, height: 900 });

    const admin = new AdminPages(p);
    await admin.signIn('Paula Plateforme', 'en');
    await p.getByRole('link', { name: 'Help and contacts' }).first().click();
    await admin.expectHeading('Help and contacts: the directory');
    await expectNoSeriousA11yViolations(p, { label: 'help directory' });
    await p.getByRole('link', { name: 'Add an entry' }).click();
    await admin.expectHeading('Add an entry');
    await p.getByRole('button', { name: 'Add the entry' }).click();
    expect(await admin.errorSummaryItems()).toEqual(expect.arrayContaining(['Enter the title in French', 'Enter the title in English']));
    await expectNoSeriousA11yViolations(p, { label: 'help entry form with errors' });
    await p.getByLabel('Title in French').fill('Assistance voyage');
    await p.getByLabel('Title in English').fill('Travel assistance');
    await p.getByLabel('Phone').fill('+32 2 676 21 21');
    await p.getByLabel('Hours, in English').fill('Around the clock');
    await p.getByRole('button', { name: 'Add the entry' }).click();
    await admin.expectHeading('Help and contacts: the directory');
    await expect(p.locator('#help-entries').textContent()).resolves.toContain('Travel assistance');

    await p.goto('/help');
    const card = p.locator('.help-card', { hasText: 'Travel assistance' });
    await expect(card.locator('a[href^="tel:"]').getAttribute('href')).resolves.toBe('tel:+3226762121');
    await expectNoSeriousA11yViolations(p, { label: 'help page (administrator)' });
    expectNoConsoleErrors(e2e);
  });
});
