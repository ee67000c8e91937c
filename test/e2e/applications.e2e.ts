import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { BasePage } from './pages/base';
import { EmployeePages } from './pages/employee';

describe('starting applications in the browser: controlled send, employee entry, self-service', () => {
  const e2e = useE2E();

  it('Claire initiates an application; the employee enters it with the key and the e-mailed reference', async () => {
    const key = await e2e.deps.db('access_key').where({ name: 'Direction financière' }).first();
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await admin.goto(`/admin/access-keys/${key.id}/applications/new`);
    await admin.expectHeading('Initiate an application');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'initiate form' });

    // Urgent without accepting its terms: the error summary leads to the checkbox.
    await e2e.page.getByRole('radio', { name: 'Urgent' }).check();
    await e2e.page.getByRole('radio', { name: 'Mrs' }).check();
    await e2e.page.getByLabel('First name').fill('Éloïse');
    await e2e.page.getByLabel('Last name').fill('D’Artagnan-Lévy');
    await e2e.page.getByLabel('Work e-mail address').fill('eloise.dartagnan@acme.example');
    await admin.submit('Initiate the application');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    expect(await admin.errorSummaryItems()).toEqual(['Accept the terms of an urgent application, or choose normal priority']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'initiate form with an error' });
    expect(await e2e.page.getByLabel('First name').inputValue()).toBe('Éloïse');

    await e2e.page.getByLabel('I accept the terms of an urgent application').check();
    await admin.submit('Initiate the application');
    const app = await e2e.deps.db('application').where({ email: 'eloise.dartagnan@acme.example' }).first();
    await admin.expectHeading(`Application ${app.reference}`);
    await expect(admin.banner.textContent()).resolves.toContain(app.reference);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page' });
    expectNoConsoleErrors(e2e);

    // The employee follows the link of e-mail 1 in another browser.
    const employee = await newContext(e2e, 'en-GB');
    try {
      const page = new EmployeePages(employee.page, 'en');
      await page.openEntry(app.reference);
      await page.expectHeading('Access my card application');
      expect(await page.referenceInput.inputValue()).toBe(app.reference);
      await expectNoSeriousA11yViolations(employee.page, { label: 'entry form' });
      await page.enter('WRONGKEY');
      expect(await page.errorSummaryItems()).toHaveLength(1);
      await expectNoSeriousA11yViolations(employee.page, { label: 'entry form with the generic error' });
      await page.enter(key.number.toLowerCase());
      await page.expectHeading('My card application');
      await expect(employee.page.locator('#status').textContent()).resolves.toContain('In progress');
      await expectNoSeriousA11yViolations(employee.page, { label: 'employee application summary' });
      await page.submit('Leave my application');
      await page.expectHeading('Access my card application');
    } finally {
      await employee.context.close();
    }
  });

  it('self-service answers "check your mailbox"', async () => {
    const key = await e2e.deps.db('access_key').where({ name: 'LU/Finance' }).first();
    const page = new BasePage(e2e.page);
    await page.goto('/apply');
    await page.expectHeading('Demander une carte Corporate');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'self-service form' });
    await e2e.page.getByLabel('Clé d’accès').fill(key.number);
    await e2e.page.getByLabel('Adresse e-mail professionnelle').fill('jeanne.libre@globex.example');
    await page.submit('Continuer');
    await page.expectHeading('Consultez votre messagerie');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'check your mailbox' });
    expectNoConsoleErrors(e2e);
    const app = await e2e.deps.db('application').where({ email: 'jeanne.libre@globex.example' }).first();
    expect(app.origin).toBe('self_service');
  });
});
