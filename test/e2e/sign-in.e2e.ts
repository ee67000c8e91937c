import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';

describe('sign-in and error pages in the browser', () => {
  const e2e = useE2E();

  it.each([
    ['fr', 'Connexion (mode développement)'],
    ['en', 'Sign in (development mode)'],
  ] as const)('the dev sign-in page in %s is accessible', async (lang, title) => {
    const admin = new AdminPages(e2e.page);
    await admin.goto(`/sign-in?lang=${lang}`);
    await admin.expectHeading(title);
    expect(await admin.lang()).toBe(lang);
    await expectNoSeriousA11yViolations(e2e.page);
    expectNoConsoleErrors(e2e);
  });

  it('submitting without a choice shows an error summary whose link leads to the field', async () => {
    const admin = new AdminPages(e2e.page);
    await admin.goto('/sign-in?lang=en');
    await admin.submit('Sign in');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    expect(await admin.errorSummaryItems()).toEqual(['Choose an administrator']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'sign-in with an error' });
    await admin.errorSummary.getByRole('link', { name: 'Choose an administrator' }).click();
    expect(new URL(e2e.page.url()).hash).toBe('#administratorId');
    expect(await e2e.page.evaluate('document.activeElement && document.activeElement.id')).toBe('administratorId');
  });

  it('signs Claire Martin in, follows the language link, and signs her out', async () => {
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin');
    expect(new URL(e2e.page.url()).pathname).not.toBe('/sign-in');
    await expect(e2e.page.locator('.site-header__user').textContent()).resolves.toContain('Claire Martin');
    expect(await admin.lang()).toBe('fr');
    await admin.switchLanguage('en');
    expect(await admin.lang()).toBe('en');
    await admin.signOut('en');
    expect(new URL(e2e.page.url()).pathname).toBe('/sign-in');
    await admin.expectHeading('Sign in (development mode)');
  });

  it.each([
    ['fr', 'Page introuvable'],
    ['en', 'Page not found'],
  ] as const)('the not-found page in %s is accessible', async (lang, title) => {
    const admin = new AdminPages(e2e.page);
    const response = await e2e.page.goto(`/no-such-page?lang=${lang}`);
    expect(response?.status()).toBe(404);
    await admin.expectHeading(title);
    await expectNoSeriousA11yViolations(e2e.page);
    expectNoConsoleErrors(e2e);
  });

  it('the axe check itself fails on a page with a serious violation (guards against a silently passing check)', async () => {
    await e2e.page.goto('/sign-in?lang=en');
    await e2e.page.setContent(
      '<html lang="en"><head><title>t</title></head><body><main><h1>Bad</h1><img src="/public/favicon.svg"><form><input type="text"></form></main></body></html>',
    );
    await expect(expectNoSeriousA11yViolations(e2e.page)).rejects.toThrow(/\[critical\] image-alt[\s\S]*\[critical\] label/);
  });
});
