import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { BasePage } from './pages/base';
import { createInvitedApplications } from '../../src/core/application/create';
import { openEmailData } from '../../src/core/outbox/sealed';

/** A minimal PDF (the content's magic bytes are what the server checks). */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('the employee’s form in the browser: every section, errors, review; the additional approver', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('fills every section of a key that has them all, then reviews, with axe on each page', async () => {
    const db = e2e.deps.db;
    // Ventes-Lyon: individual payment with direct debit required, joint liability, employee number, additional approver.
    const key = await db('access_key').where({ name: 'Ventes-Lyon' }).first();
    const [app] = await db.transaction((trx) =>
      createInvitedApplications(trx, [{ accessKey: { id: key.id, accountId: key.account_id, number: key.number }, origin: 'controlled', priority: 'normal', title: 'mr', firstName: 'Hugo', lastName: 'Lefèvre', email: 'hugo.lefevre@acme.example', language: 'en' }], new Date()),
    );
    const page = new BasePage(e2e.page);
    const p = e2e.page;
    await page.goto(`/access?ref=${app!.reference}&lang=en`);
    await p.getByLabel('Access key').fill(key.number);
    await page.submit('Continue');
    await page.expectHeading('My card application');
    expect(await p.locator('#tasks [data-section]').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')))).toEqual([
      'company',
      'priority',
      'cardholder',
      'payment',
      'pin',
      'documents',
      'approval',
      'terms',
    ]);
    await expectNoSeriousA11yViolations(p, { label: 'task list with Before you start' });

    // Cardholder: Continue with nothing typed shows the errors, linked to the fields.
    await p.getByRole('link', { name: 'Cardholder information' }).click();
    await page.expectHeading('Cardholder information');
    await expectNoSeriousA11yViolations(p, { label: 'cardholder page' });
    await p.fill('#firstName', '');
    await page.submit('Continue');
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
    await page.submit('Continue');
    await page.expectHeading('My card application');
    expect((await p.locator('#task-cardholder-status').textContent())?.trim()).toBe('Completed');

    await p.getByRole('link', { name: 'Individual payment' }).click();
    await expectNoSeriousA11yViolations(p, { label: 'payment page' });
    await page.fillFields({ iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'BNPAFRPP', accountHolder: 'Hugo Lefèvre' });
    await page.submit('Continue');

    await p.getByRole('link', { name: 'PIN' }).click();
    await expectNoSeriousA11yViolations(p, { label: 'PIN page' });
    await page.fillFields({ pin: '4826', pinConfirmation: '4826' });
    await page.submit('Continue');

    await p.getByRole('link', { name: 'Supporting documents' }).click();
    await expectNoSeriousA11yViolations(p, { label: 'documents page' });
    for (const [kind, name] of [
      ['identity', 'passport.pdf'],
      ['proof_of_address', 'invoice.pdf'],
    ]) {
      await p.selectOption('#kind', kind!);
      await p.setInputFiles('#file', { name: name!, mimeType: 'application/pdf', buffer: PDF });
      await page.submit('Attach the document');
      await expect(page.banner.textContent()).resolves.toContain(name);
    }
    await expectNoSeriousA11yViolations(p, { label: 'documents page with two documents' });
    await page.submit('Continue');

    await p.getByRole('link', { name: 'Additional approval' }).click();
    await expectNoSeriousA11yViolations(p, { label: 'additional approval page' });
    await p.fill('#approverName', 'Nadia Benali');
    await p.fill('#approverEmail', 'nadia.benali@acme.example');
    await page.submit('Send the approval request');
    await expect(page.banner.textContent()).resolves.toContain('nadia.benali@acme.example');
    await page.submit('Continue');

    await p.getByRole('link', { name: 'Cardholder terms and conditions' }).click();
    await expectNoSeriousA11yViolations(p, { label: 'terms page' });
    await p.getByRole('checkbox').check();
    await page.submit('Continue');

    await p.getByRole('link', { name: 'Check my answers' }).click();
    await page.expectHeading('Check your answers before signing');
    await expectNoSeriousA11yViolations(p, { label: 'review page' });
    expect(await p.locator('#sign').getAttribute('href')).toBe('/application/signature');
    expect(await p.locator('#section-payment').textContent()).toContain('0189');
    expect(await p.content()).not.toContain('4826');
    expectNoConsoleErrors(e2e);

    // The additional approver opens the e-mailed link in their own browser and approves.
    const row = await db('outbox').where({ application_id: app!.id, template: 'additional-approval-request' }).first();
    const token = String(openEmailData(e2e.deps.secrets.dataKeyring(), row.idempotency_key, JSON.parse(row.data)).token);
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
