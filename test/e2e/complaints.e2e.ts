import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { givenPendingForClaire } from './support/pending';
import { EmployeePages } from './pages/employee';
import { AdminPages } from './pages/admin';
import { PDF_FILE } from '../support/builders';

describe('complaints in the browser (issue 14 part 2)', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('an employee files a complaint from the status page; the administrator extends it with a reason, then answers; the employee reads the answer and asks for mediation', async () => {
    const [a] = await givenPendingForClaire(e2e.deps, [['Chloé', 'Réclamante']]);
    const employee = new EmployeePages(e2e.page, 'en');
    const p = e2e.page;
    await employee.signIn(a!.reference, a!.keyNumber);
    await employee.openStatus();
    await expectNoSeriousA11yViolations(p, { label: 'status page with no complaint' });
    await p.getByRole('link', { name: 'File a complaint' }).click();
    await employee.expectHeading('File a complaint');
    await expectNoSeriousA11yViolations(p, { label: 'complaint form' });

    await p.getByRole('button', { name: 'Send the complaint' }).click();
    expect(await employee.errorSummaryItems()).toEqual(expect.arrayContaining(['Choose the reason for the complaint', 'Describe your complaint']));
    await expectNoSeriousA11yViolations(p, { label: 'complaint form with errors' });
    await p.getByLabel('Reason for the complaint').selectOption({ label: 'A payment or fees charged' });
    await p.getByLabel('Description').fill('Fees of €30 were charged twice on my card statement.');
    await p.getByLabel('Contact e-mail address').fill('chloe.reclamante@acme.example');
    await p.getByLabel('Supporting documents').setInputFiles({ name: 'statement.pdf', mimeType: 'application/pdf', buffer: PDF_FILE });
    await p.getByRole('button', { name: 'Send the complaint' }).click();
    await employee.expectHeading(/^Complaint RC-/);
    const reference = (await p.locator('#complaint-reference').textContent())?.trim() as string;
    await expect(p.locator('#thread .thread__attachments').textContent()).resolves.toContain('statement.pdf');
    await expect(p.locator('#answer-pending').textContent()).resolves.toContain('You will receive a written answer by');
    await expectNoSeriousA11yViolations(p, { label: 'employee complaint page' });
    const acknowledgements = await e2e.deps.db('outbox').where({ template: 'complaint-acknowledgement', application_id: a!.id });
    expect(acknowledgements).toHaveLength(1);

    // Claire, in charge of the BC, handles it.
    const { context, page: ap } = await newContext(e2e, 'en-GB');
    try {
      const admin = new AdminPages(ap);
      await admin.signIn('Claire Martin', 'en');
      await ap.getByRole('link', { name: 'Complaints', exact: true }).first().click();
      await admin.expectHeading('Complaints');
      await expectNoSeriousA11yViolations(ap, { label: 'complaints page' });
      await ap.getByRole('link', { name: reference }).click();
      await admin.expectHeading(`Complaint ${reference}`);
      await expectNoSeriousA11yViolations(ap, { label: 'administrator complaint page' });

      await ap.getByRole('button', { name: 'Extend and notify the complainant' }).click();
      expect(await admin.errorSummaryItems()).toEqual(['Give the reason for the extension']);
      await expectNoSeriousA11yViolations(ap, { label: 'extension with an error' });
      await ap.getByLabel('Reason for the extension').fill('We are waiting for the card issuer’s statements.');
      await ap.getByRole('button', { name: 'Extend and notify the complainant' }).click();
      await expect(ap.locator('#complaint-status').textContent()).resolves.toContain('Extended');
      await expect(ap.locator('#complaint-extension-reason').textContent()).resolves.toBe('We are waiting for the card issuer’s statements.');
      expect(await ap.getByRole('button', { name: 'Extend and notify the complainant' }).count()).toBe(0);
      expect(await e2e.deps.db('outbox').where({ template: 'complaint-extension', application_id: a!.id })).toHaveLength(1);

      await ap.getByLabel('Written answer').fill('The duplicate fee was refunded on your next statement.');
      await ap.getByRole('button', { name: 'Send the answer' }).click();
      await expect(ap.locator('#complaint-status').textContent()).resolves.toContain('Answered');
      await expectNoSeriousA11yViolations(ap, { label: 'answered complaint' });
      expect(await e2e.deps.db('outbox').where({ template: 'complaint-answer', application_id: a!.id })).toHaveLength(1);
    } finally {
      await context.close();
    }

    // The employee reads the answer on the status page and asks for mediation.
    await employee.openStatus();
    await expect(p.locator('.complaint-answer').first().textContent()).resolves.toBe('The duplicate fee was refunded on your next statement.');
    await expectNoSeriousA11yViolations(p, { label: 'status page with the answer' });
    await p.getByRole('link', { name: `See complaint ${reference}` }).click();
    await p.getByRole('button', { name: 'The answer does not satisfy me' }).click();
    await expect(p.locator('#mediator-title').textContent()).resolves.toBe('Refer your complaint to the mediator');
    await expect(p.locator('#mediator').textContent()).resolves.toContain('Mediator: Ombudsfin');
    expect(await p.locator('#mediator a[href="mailto:ombudsman@ombudsfin.be"]').count()).toBe(1);
    await expectNoSeriousA11yViolations(p, { label: 'complaint page with the mediator' });
    expectNoConsoleErrors(e2e);
  });
});
