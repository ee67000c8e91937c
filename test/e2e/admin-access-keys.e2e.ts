import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { AccessKeyPages } from './pages/access-keys';

/**
 * The journey: sign in, create a key, see it in the list, switch to English, export;
 * axe finds no serious or critical violation on any page visited.
 * Demo data: Claire Martin manages the three ACME BCs; 00820400061 (ACME Voyages SAS) has no key yet.
 */
describe('an administrator creates an access key in the browser', () => {
  const e2e = useE2E();

  it('signs in, creates a key (after a validation error), finds it in the list, switches to English and exports it', async () => {
    const page = e2e.page;
    const admin = new AdminPages(page);
    const keys = new AccessKeyPages(page);

    // Sign in: the administrator lands on her access keys.
    await admin.signIn('Claire Martin');
    expect(new URL(page.url()).pathname).toBe('/admin/access-keys');
    await keys.expectHeading('Gestion de vos clés d’accès par compte');
    await expect(keys.tab(/^Gestion des clés d’accès/).getAttribute('aria-current')).resolves.toBe('page');
    await expectNoSeriousA11yViolations(page, { label: 'access keys list (fr)' });

    // Create: the page lists her BCs and their options; she picks the one without a key.
    await keys.startCreate('Créer une nouvelle clé d’accès');
    await keys.expectHeading('Créer une nouvelle clé d’accès');
    await expectNoSeriousA11yViolations(page, { label: 'create form (fr)' });
    await keys.chooseAccount('00820400061');
    await expect(page.getByRole('heading', { name: 'Options du BC choisi' }).count()).resolves.toBe(1);
    await expect(page.locator('#accountId').inputValue()).resolves.not.toBe('');
    await expectNoSeriousA11yViolations(page, { label: 'create form with a BC chosen (fr)' });

    // Submitting without a name: the error summary, the inline error and a title prefix; the link leads to the field.
    await keys.fill({ name: '', plasticLabel: 'Carte Corporate Platinum' });
    await keys.submit('Enregistrer');
    expect(await page.title()).toMatch(/^Erreur : /);
    expect(await keys.errorSummaryItems()).toEqual(['Saisissez le nom de la clé d’accès']);
    await expect(page.locator('#name-error').textContent()).resolves.toContain('Saisissez le nom de la clé d’accès');
    await expect(keys.nameInput.getAttribute('aria-invalid')).resolves.toBe('true');
    // What she chose is kept.
    await expect(page.getByRole('radio', { name: 'Carte Corporate Platinum', exact: true }).isChecked()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, { label: 'create form with an error (fr)' });
    await keys.errorSummary.getByRole('link', { name: 'Saisissez le nom de la clé d’accès' }).click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('name');

    // Valid: the key page, with a confirmation banner carrying the new number.
    await keys.fill({ name: 'Voyages-Paris' });
    await keys.submit('Enregistrer');
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/access-keys\/\d+$/);
    await keys.expectHeading('Clé d’accès Voyages-Paris');
    const number = await keys.shownKeyNumber();
    expect(number).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    await expect(keys.banner.textContent()).resolves.toContain('La clé d’accès Voyages-Paris a été créée');
    await expect(keys.banner.textContent()).resolves.toContain(number);
    await expectNoSeriousA11yViolations(page, { label: 'key page (fr)' });

    // The list shows it, on its BC.
    await Promise.all([page.waitForURL('**/admin/access-keys'), page.getByRole('link', { name: 'Retour aux clés d’accès' }).click()]);
    const row = keys.row('Voyages-Paris');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain(number);
    await expect(row.textContent()).resolves.toContain('ACME Voyages SAS');
    await expect(row.textContent()).resolves.toContain('00820400061');

    // English: same list, English headings and labels; the choice is remembered on the next page.
    await keys.switchLanguage('en');
    expect(await keys.lang()).toBe('en');
    await keys.expectHeading('Manage your access keys by account');
    await expect(page.getByRole('columnheader', { name: /Access key name/ }).count()).resolves.toBe(1);
    await expect(keys.row('Voyages-Paris').textContent()).resolves.toContain('Corporate Platinum Card');
    await expectNoSeriousA11yViolations(page, { label: 'access keys list (en)' });

    // Export (CSV): the file lists the new key with its number and BC, in English.
    const csv = await keys.download('Export (CSV)');
    expect(csv.fileName).toMatch(/\.csv$/);
    expect(csv.content).toContain('Voyages-Paris');
    expect(csv.content).toContain(number);
    expect(csv.content).toContain('00820400061');
    expect(csv.content).toContain('Access key name');

    // The database agrees, scoped to her BC.
    const stored = await e2e.deps
      .db('access_key')
      .join('account', 'account.id', 'access_key.account_id')
      .where('access_key.name', 'Voyages-Paris')
      .select('access_key.number', 'account.number as accountNumber', 'access_key.plastic_type as plasticType');
    expect(stored).toEqual([{ number, accountNumber: '00820400061', plasticType: 'platinum' }]);

    // A page in English after navigating on: the key page.
    await Promise.all([
      page.waitForURL(/\/admin\/access-keys\/\d+$/),
      keys.row('Voyages-Paris').getByRole('link', { name: 'Voyages-Paris', exact: true }).click(),
    ]);
    await keys.expectHeading('Access key Voyages-Paris');
    await expectNoSeriousA11yViolations(page, { label: 'key page (en)' });
    expectNoConsoleErrors(e2e);
  });

  it('asks for the BC first, offers only its plastic types, and puts the focus on the error summary after a failed submit', async () => {
    const page = e2e.page;
    const admin = new AdminPages(page);
    const keys = new AccessKeyPages(page);
    await admin.signIn('Claire Martin');
    await keys.startCreate('Créer une nouvelle clé d’accès');
    // First step: the BC only; no plastic type is offered before it is chosen.
    expect(await keys.offeredPlasticTypes()).toEqual([]);
    await keys.chooseAccountInSelect('00820400044', 'Afficher le formulaire de ce BC');
    // ACME Industries SA – Ventes allows corporate and gold only.
    expect(await keys.offeredPlasticTypes()).toEqual(['corporate', 'gold']);
    await expectNoSeriousA11yViolations(page, { label: 'create form, BC chosen in the select (fr)' });

    await keys.fill({ name: '' });
    await keys.submit('Enregistrer');
    expect(await page.title()).toMatch(/^Erreur : /);
    expect(await keys.errorSummaryHasFocus()).toBe(true);
    await expect(keys.errorSummary.getAttribute('role')).resolves.toBe('alert');
    expect(await keys.offeredPlasticTypes()).toEqual(['corporate', 'gold']);
    await expectNoSeriousA11yViolations(page, { label: 'create form with errors, focus on the summary (fr)' });
    expectNoConsoleErrors(e2e);
  });
});
