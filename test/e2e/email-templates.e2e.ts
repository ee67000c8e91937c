import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';

describe('e-mail templates and publications in the browser', () => {
  const e2e = useE2E();

  it('lets the platform administrator edit, preview, save and reset a template, with errors shown accessibly', async () => {
    const admin = new AdminPages(e2e.page);
    const page = e2e.page;
    await admin.signIn('Paula Plateforme', 'fr');
    await page.getByRole('link', { name: 'Modèles d’e-mail' }).click();
    await admin.expectHeading('Modèles d’e-mail');
    await expectNoSeriousA11yViolations(page, { label: 'templates list' });

    await page.locator('tr[data-template="reminder"] td[data-language="fr"] a').click();
    await admin.expectHeading('Modèle « Rappel » (Français)');
    await expectNoSeriousA11yViolations(page, { label: 'template editor' });

    // An unknown variable: refused, the error linked to the body, what was typed kept.
    const body = page.getByLabel('Corps du message');
    await body.fill('Bonjour {{ prenom }},\n\nVotre demande {{ reference }} vous attend.\n\n{{ links.entry }}');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await page.title()).toMatch(/^Erreur : /);
    expect(await admin.errorSummaryItems()).toEqual([
      'Corps du message, ligne 1 : « prenom » n’est pas une variable de cet e-mail. Utilisez une des variables listées.',
    ]);
    await expectNoSeriousA11yViolations(page, { label: 'template editor with an error' });

    // Preview, then save.
    await body.fill('Bonjour {{ fullName }},\n\nVotre demande {{ reference }} vous attend depuis {{ daysSinceInitiation }} jours.\n\n{{ links.entry }}');
    await page.getByRole('button', { name: 'Aperçu' }).click();
    expect(await page.locator('#preview-text').textContent()).toContain('Votre demande 4975300125 vous attend depuis 15 jours.');
    // The HTML version opens in a new tab, so the draft stays on the editor.
    const [html] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'Voir la version HTML (nouvel onglet)' }).click()]);
    await html.waitForLoadState();
    expect(await html.locator('body').textContent()).toContain('Votre demande 4975300125 vous attend depuis 15 jours.');
    await html.close();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await page.locator('.banner').textContent()).toContain('Modèle enregistré');
    expect(await page.locator('#template-state').textContent()).toContain('Modèle modifié le');

    // Reset, after a confirmation.
    await page.getByRole('link', { name: 'Rétablir le modèle par défaut' }).click();
    await expectNoSeriousA11yViolations(page, { label: 'reset confirmation' });
    await page.getByRole('button', { name: 'Rétablir le modèle par défaut' }).click();
    expect(await page.locator('.banner').textContent()).toContain('Modèle par défaut rétabli');
    expect(await body.inputValue()).toContain('{{ daysSinceInitiation }}');

    // Publications page.
    await page.getByRole('link', { name: 'Conditions et formulaire' }).click();
    await admin.expectHeading('Conditions et formulaire');
    await expectNoSeriousA11yViolations(page, { label: 'publications' });
    await page.getByRole('button', { name: 'Publier la version du formulaire' }).click();
    expect(await admin.errorSummaryItems()).toEqual(['Saisissez la version.']);
    await expectNoSeriousA11yViolations(page, { label: 'publications with an error' });
    await page.locator('#formVersion').fill('2026.12');
    await page.getByRole('button', { name: 'Publier la version du formulaire' }).click();
    expect(await page.locator('.banner').textContent()).toContain('Version 2026.12 du formulaire publiée');
    expectNoConsoleErrors(e2e);
  });
});
