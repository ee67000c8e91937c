import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { BasePage } from './pages/base';
import { EmployeePages } from './pages/employee';
import { createInvitedApplications } from '../../src/core/application/create';
import { approvalTokenFromOutbox } from '../support/outbox';

/** A minimal PDF (the content's magic bytes are what the server checks). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('the employee’s form in the browser: every section, errors, review; the additional approver', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('fills every section of a key that has them all, then reviews, with axe on each page', async () => {
    const db = e2e.deps.db;
    // Ventes-Lyon: individual payment with direct debit required, joint liability, employee number, additional approver.
    const key = await db('access_key').where({ name: 'Ventes-Lyon' }).first();
    const [app] = await db.transaction((trx) =>
      createInvitedApplications(
        trx,
        [
          {
            accessKey: { id: key.id, accountId: key.account_id, number: key.number },
            origin: 'controlled',
            priority: 'normal',
            title: 'mr',
            firstName: 'Hugo',
            lastName: 'Lefèvre',
            email: 'hugo.lefevre@acme.example',
            language: 'en',
          },
        ],
        new Date(),
      ),
    );
    const page = new EmployeePages(e2e.page, 'en');
    const p = e2e.page;
    await page.signIn(app!.reference, key.number);
    await page.expectHeading('My card application');
    expect(await page.sectionIds()).toEqual(['company', 'priority', 'cardholder', 'payment', 'pin', 'documents', 'approval', 'terms']);
    await expectNoSeriousA11yViolations(p, { label: 'task list with Before you start' });

    // Cardholder: Continue with nothing typed shows the errors, linked to the fields.
    await page.openSection('Cardholder information');
    await page.expectHeading('Cardholder information');
    await expectNoSeriousA11yViolations(p, { label: 'cardholder page' });
    await page.fillFields({ firstName: '' });
    await page.continue();
    expect(await p.title()).toMatch(/^Error: /);
    expect(await page.errorSummaryItems()).toContain('Enter your first name');
    await expectNoSeriousA11yViolations(p, { label: 'cardholder page with errors' });
    await page.fillFields({
      firstName: 'Hugo',
      dobDay: '2',
      dobMonth: '11',
      dobYear: '1979',
      birthPlace: 'Lyon',
      birthCountry: 'FR',
      nationality: 'FR',
      homeAddressLine1: '3 quai Saint-Antoine',
      homePostalCode: '69002',
      homeCity: 'Lyon',
      homeCountry: 'FR',
      mobilePhone: '06 98 76 54 32',
      jobTitle: 'Sales manager',
      employeeNumber: 'V-2231',
    });
    await page.continue();
    await page.expectHeading('My card application');
    expect(await page.taskStatus('cardholder')).toBe('Completed');

    await page.openSection('Individual payment');
    await expectNoSeriousA11yViolations(p, { label: 'payment page' });
    await page.fillPayment({ iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'BNPAFRPP', accountHolder: 'Hugo Lefèvre' });
    await page.continue();

    await page.openSection('PIN');
    await expectNoSeriousA11yViolations(p, { label: 'PIN page' });
    await page.fillPin('4826');
    await page.continue();

    await page.openSection('Supporting documents');
    await expectNoSeriousA11yViolations(p, { label: 'documents page' });
    for (const [kind, name] of [
      ['identity', 'passport.pdf'],
      ['proof_of_address', 'invoice.pdf'],
    ] as const) {
      await page.attachDocument(kind, { name, mimeType: 'application/pdf', buffer: PDF });
      await expect(page.banner.textContent()).resolves.toContain(name);
    }
    await expectNoSeriousA11yViolations(p, { label: 'documents page with two documents' });
    await page.continue();

    await page.openSection('Additional approval');
    await expectNoSeriousA11yViolations(p, { label: 'additional approval page' });
    await page.requestApproval({ name: 'Nadia Benali', email: 'nadia.benali@acme.example' });
    await expect(page.banner.textContent()).resolves.toContain('nadia.benali@acme.example');
    await page.continue();

    await page.openSection('Cardholder terms and conditions');
    await expectNoSeriousA11yViolations(p, { label: 'terms page' });
    await page.acceptCardholderTerms();
    await page.continue();

    await page.openSection('Check my answers');
    await page.expectHeading('Check your answers before signing');
    await expectNoSeriousA11yViolations(p, { label: 'review page' });
    expect(await page.signLink.getAttribute('href')).toBe('/application/signature');
    expect(await page.reviewSection('payment').textContent()).toContain('0189');
    expect(await p.content()).not.toContain('4826');
    expectNoConsoleErrors(e2e);

    // The additional approver opens the e-mailed link in their own browser and approves.
    const token = await approvalTokenFromOutbox(e2e.deps, app!.id);
    const approver = await newContext(e2e, 'fr-FR');
    try {
      const ap = new BasePage(approver.page);
      await ap.goto(`/approve?token=${token}&lang=fr`);
      await ap.expectHeading('Approuver une demande de carte Corporate');
      await expectNoSeriousA11yViolations(approver.page, { label: 'approver page' });
      await approver.page.getByRole('radio', { name: 'J’approuve cette demande' }).check();
      await ap.submit('Envoyer ma décision');
      await ap.expectHeading('Merci : vous avez approuvé la demande');
      await expectNoSeriousA11yViolations(approver.page, { label: 'approver done page' });
    } finally {
      await approver.context.close();
    }
    expect((await db('approval_request').where({ application_id: app!.id }).first()).decision).toBe('approved');
  });
});
