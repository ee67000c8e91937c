import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { EmployeePages } from './pages/employee';
import { InformationRequestPages } from './pages/information-requests';
import { givenPendingForClaire } from './support/pending';

const PAYSLIP = Buffer.from('%PDF-1.4\n% payslip\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/**
 * Issue 14 part 3: an administrator asks for a document from the application page, the employee (in a browser of their
 * own, with key and reference) reads the request on the status page and uploads it, the administrator reads the thread,
 * closes the request, then approves. axe on every page visited.
 */
describe('requests for information', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('an administrator requests a document, the employee uploads it, the administrator closes the request, then approves', async () => {
    const [app] = await givenPendingForClaire(e2e.deps, [['Ivy', 'Requested']]);
    const admin = new AdminPages(e2e.page);
    const requests = new InformationRequestPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await admin.goto(`/admin/applications/${app!.id}`);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page' });
    await e2e.page.getByRole('link', { name: 'Ask for more information' }).click();
    await admin.expectHeading(`Ask for more information – application ${app!.reference}`);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'request form' });
    await requests.ask('Please send your latest payslip.', ['Payslip']);
    const reference = `${app!.reference}-DI1`;
    await admin.expectHeading(`Request for information ${reference}`);
    await expect(requests.status.textContent()).resolves.toContain('Waiting for the employee');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'request thread (administrator)' });

    // The employee, in a browser of their own: the status page shows the request first.
    const errors: string[] = [];
    const { context, page } = await newContext(e2e, 'en-GB', errors);
    try {
      const employee = new EmployeePages(page, 'en');
      await employee.signIn(app!.reference, app!.keyNumber);
      await employee.expectHeading('Track my card application');
      await expect(page.locator('.information-request-box h2').textContent()).resolves.toBe(`Request for information ${reference}`);
      await expectNoSeriousA11yViolations(page, { label: 'status page with a request' });
      await page.getByRole('link', { name: 'Read and answer the request' }).click();
      await employee.expectHeading(`Request for information ${reference}`);
      await expectNoSeriousA11yViolations(page, { label: 'request page (employee)' });
      const answerPage = new InformationRequestPages(page);
      await answerPage.answer('Here is my payslip.', [{ label: 'Payslip', name: 'payslip-november.pdf', buffer: PAYSLIP }]);
      await employee.expectHeading(`Request for information ${reference}`);
      await expect(answerPage.status.textContent()).resolves.toContain('Answer sent');
      await expect(answerPage.messages.count()).resolves.toBe(2);
      await expectNoSeriousA11yViolations(page, { label: 'request page after the answer' });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }

    // The administrator reads the answer with its document, closes the request, then approves.
    await e2e.page.reload();
    await expect(requests.status.textContent()).resolves.toContain('Answered');
    await expect(requests.messages.nth(1).textContent()).resolves.toContain('Here is my payslip.');
    await expect(e2e.page.getByRole('link', { name: 'payslip-november.pdf' }).count()).resolves.toBe(1);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'request thread with the answer' });
    await admin.submit('Close the request');
    await expect(requests.status.textContent()).resolves.toContain('Closed');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'closed request' });

    await e2e.page.getByRole('link', { name: 'Back to the application' }).click();
    await expect(e2e.page.locator('#information-request-open').count()).resolves.toBe(0);
    await admin.submit('Approve');
    await admin.expectHeading('Approve the card application');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'approve confirmation' });
    await admin.submit('Approve');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'approval results' });
    expect((await e2e.deps.db('application').where({ id: app!.id }).first()).status).toBe('approved');
    expectNoConsoleErrors(e2e);
  });
});
