import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { HEADERS_FR, csvOf, validRow } from '../support/spreadsheets';

describe('bulk send in the browser', () => {
  const e2e = useE2E();

  it('Claire uploads a spreadsheet, reads its errors, makes a row urgent, validates, and follows the batch', async () => {
    const key = await e2e.deps.db('access_key').where({ name: 'Direction financière' }).first();
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'fr');
    await admin.goto(`/admin/access-keys/${key.id}/bulk`);
    await admin.expectHeading('Demande groupée');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'bulk start' });

    // No file chosen: the error summary leads to the file field.
    await admin.submit('Envoyer et vérifier');
    expect(await e2e.page.title()).toMatch(/^Erreur : /);
    expect(await admin.errorSummaryItems()).toEqual(['Choisissez un fichier xlsx ou csv']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'bulk start with an error' });

    const file = csvOf([
      HEADERS_FR,
      validRow(1, { 3: 'bulk.e2e.1@acme.example' }),
      validRow(2, { 3: 'bulk.e2e.2@acme.example' }),
      validRow(3, { 3: 'pas-une-adresse' }),
    ]);
    await e2e.page.getByLabel('Fichier (xlsx ou csv)').setInputFiles({ name: 'salariés.csv', mimeType: 'text/csv', buffer: file });
    await admin.submit('Envoyer et vérifier');
    await admin.expectHeading('Aperçu de la demande groupée');
    await expect(e2e.page.locator('[data-count="valid"]').textContent()).resolves.toBe('2');
    await expect(e2e.page.locator('#row-4 .row-errors').textContent()).resolves.toContain('Adresse e-mail');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'bulk preview' });

    await e2e.page.getByLabel('Priorité de la ligne 3').selectOption('urgent');
    await admin.submit(/^Valider/);
    expect(await admin.errorSummaryItems()).toEqual(['Acceptez les conditions d’une demande urgente, ou passez les lignes urgentes en priorité normale']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'bulk preview with an error' });
    await e2e.page.getByLabel('J’accepte les conditions d’une demande urgente pour les lignes urgentes de ce fichier').check();
    await admin.submit(/^Valider/);

    await expect(admin.banner.textContent()).resolves.toContain('Demandes lancées : 2. Lignes rejetées : 1.');
    await expect(e2e.page.locator('#applications tbody tr').count()).resolves.toBe(2);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'batch page' });
    const urgent = await e2e.deps.db('application').where({ email: 'bulk.e2e.2@acme.example' }).first();
    expect(urgent.priority).toBe('urgent');

    await admin.goto('/admin/batches');
    await admin.expectHeading('Suivi du statut des demandes groupées');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'bulk batches' });
    expectNoConsoleErrors(e2e);
  });
});
