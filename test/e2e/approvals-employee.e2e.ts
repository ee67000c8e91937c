import type { Page } from 'playwright-core';
import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { EmployeePages } from './pages/employee';
import type { Priority } from '../../src/core/application/create';
import { givenPendingForClaire, type PendingApplication } from './support/pending';

/**
 * Issue 5, the parts the queue journey (approvals.e2e.ts) leaves out: a rejection with its comment through the
 * queue's confirmation page, what the employee then sees (return comment on the task list and the status page,
 * cancellation reason on the status page), and a priority change actually applied (urgent → normal with the return
 * to the applicant, normal → urgent), read back on the application page and in the queue. axe on every page visited.
 */
describe('the approval queue’s decisions, seen by the employee', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  const givenPending = (people: Array<[string, string]>, priority: Priority = 'normal') => givenPendingForClaire(e2e.deps, people, { priority });

  /** Claire, signed in, on the queue filtered on a name, with axe on the queue. */
  async function queueFilteredOn(admin: AdminPages, search: string): Promise<void> {
    await Promise.all([e2e.page.waitForURL('**/admin/approvals**'), admin.tab(/^Pending approval \(\d+\)$/).click()]);
    await admin.expectHeading('Applications pending approval');
    await e2e.page.getByLabel('Search', { exact: true }).fill(search);
    await admin.submit('Filter');
    await admin.expectHeading('Applications pending approval');
    await expectNoSeriousA11yViolations(e2e.page, { label: `approval queue filtered on ${search}` });
  }

  /** The employee, in a browser of their own, enters with key + reference; returns their page (closed by the caller). */
  async function employeeEnters(
    a: PendingApplication,
    expectedHeading: string,
  ): Promise<{ page: Page; employee: EmployeePages; close: () => Promise<void>; errors: string[] }> {
    const errors: string[] = [];
    const { context, page } = await newContext(e2e, 'en-GB', errors);
    const employee = new EmployeePages(page, 'en');
    await employee.openEntry(a.reference);
    await employee.expectHeading('Access my card application');
    expect(await employee.referenceInput.inputValue()).toBe(a.reference);
    await expectNoSeriousA11yViolations(page, { label: 'employee entry page' });
    await employee.enter(a.keyNumber);
    await employee.expectHeading(expectedHeading);
    return { page, employee, errors, close: () => context.close() };
  }

  it('a returned application: the employee sees the comment on the task list and on the status page', async () => {
    const [app] = await givenPending([['Eve', 'Returned']]);
    const comment = 'Your cost centre is missing: please add it, then sign again.';
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await queueFilteredOn(admin, 'Returned');
    await e2e.page.getByLabel(`Select application ${app!.reference}`).check();
    await admin.submit('Return to applicant');
    await admin.expectHeading('Return the card application to the applicant');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'return confirmation' });
    await e2e.page.getByLabel('Comments').fill(comment);
    await admin.submit('Return to applicant');
    await admin.expectHeading('Result – Return the card application to the applicant');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'return results' });
    expectNoConsoleErrors(e2e);

    // The employee: a returned application is editable again, so the entry leads to the task list.
    const employee = await employeeEnters(app!, 'My card application');
    try {
      const p = employee.page;
      const pages = employee.employee;
      const shown = pages.returnedComment;
      await expect(shown.textContent()).resolves.toContain('Your application was returned to you for correction by your company:');
      await expect(shown.textContent()).resolves.toContain(comment);
      await expectNoSeriousA11yViolations(p, { label: 'employee task list after the return' });

      await pages.openStatus();
      await pages.expectHeading('Track my card application');
      await expect(pages.currentStatus.textContent()).resolves.toContain('Returned');
      const returned = pages.timelineComments;
      await expect(returned.count()).resolves.toBe(1);
      await expect(returned.locator('p').textContent()).resolves.toBe('Your company’s comment for the correction:');
      await expect(returned.locator('blockquote').textContent()).resolves.toBe(comment);
      await expect(p.locator('#continue-form').count()).resolves.toBe(1);
      await expectNoSeriousA11yViolations(p, { label: 'employee status page after the return' });
      expect(employee.errors).toEqual([]);
    } finally {
      await employee.close();
    }
  });

  it('a rejected application: the confirmation asks for a reason, the employee’s status page shows it', async () => {
    const [app, other] = await givenPending([
      ['Fay', 'Rejected'],
      ['Gus', 'Rejected'],
    ]);
    const reason = 'You already hold a corporate card for this company.';
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await queueFilteredOn(admin, 'Rejected');
    await e2e.page.getByLabel(`Select application ${app!.reference}`).check();
    await admin.submit('Cancel / reject');
    await admin.expectHeading('Cancel / reject the card application');
    await expect(e2e.page.locator('#selection-count').textContent()).resolves.toContain('1 application selected.');
    await expect(e2e.page.locator('#selection tbody tr').count()).resolves.toBe(1);
    await expect(e2e.page.locator('#selection tbody tr').textContent()).resolves.toContain(app!.reference);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'cancel confirmation' });

    await admin.submit('Cancel / reject');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    expect(await admin.errorSummaryItems()).toEqual(['Enter a comment for the applicant: why the application is cancelled or rejected']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'cancel confirmation with an error' });
    expect((await e2e.deps.db('application').where({ id: app!.id }).first()).status).toBe('pending_approval');

    await e2e.page.getByLabel('Comments').fill(reason);
    await admin.submit('Cancel / reject');
    await admin.expectHeading('Result – Cancel / reject the card application');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await expect(e2e.page.locator('#succeeded tbody tr').textContent()).resolves.toContain('Cancelled; e-mail sent to the applicant');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'cancel results' });

    // Back on the queue: the rejected one has left it, the other is still waiting.
    await e2e.page.getByRole('link', { name: 'Back to the applications pending approval' }).first().click();
    await e2e.page.waitForURL(/q=Rejected/);
    await expect(e2e.page.getByLabel(`Select application ${app!.reference}`).count()).resolves.toBe(0);
    await expect(e2e.page.getByLabel(`Select application ${other!.reference}`).count()).resolves.toBe(1);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'approval queue after the rejection' });

    // The application page shows it cancelled (and reactivable).
    await admin.goto(`/admin/applications/${app!.id}`);
    await expect(e2e.page.locator('#status').textContent()).resolves.toContain('Cancelled');
    await expect(e2e.page.locator('#reactivation').count()).resolves.toBe(1);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page after the rejection' });
    expectNoConsoleErrors(e2e);

    // The employee: no longer editable, so the entry leads to the status page, which gives the reason.
    const employee = await employeeEnters(app!, 'Track my card application');
    try {
      const p = employee.page;
      const pages = employee.employee;
      await expect(pages.currentStatus.textContent()).resolves.toContain('Cancelled');
      await expect(pages.next.textContent()).resolves.toContain('Your application was cancelled by your company');
      const shown = pages.timelineComments;
      await expect(shown.count()).resolves.toBe(1);
      await expect(shown.locator('p').textContent()).resolves.toBe('Reason given by your company:');
      await expect(shown.locator('blockquote').textContent()).resolves.toBe(reason);
      await expect(p.locator('#continue-form').count()).resolves.toBe(0);
      await expectNoSeriousA11yViolations(p, { label: 'employee status page after the rejection' });
      expect(employee.errors).toEqual([]);
    } finally {
      await employee.close();
    }
  });

  it('urgent → normal with the return to the applicant: the priority shown changes and the employee is asked for a PIN', async () => {
    const [app] = await givenPending([['Hal', 'Priority']], 'urgent');
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await admin.goto(`/admin/applications/${app!.id}`);
    await admin.expectHeading(`Application ${app!.reference}`);
    await expect(e2e.page.locator('#priority').textContent()).resolves.toBe('Urgent');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'urgent application page' });

    await admin.submit('Change priority to normal');
    await admin.expectHeading('Change the priority – from urgent to normal');
    await expect(e2e.page.locator('#pin-explanation').textContent()).resolves.toContain('the applicant must choose the card’s PIN');
    const suggested = await e2e.page.getByLabel('Comments').inputValue();
    expect(suggested).toContain('please choose your card’s PIN');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'urgent → normal confirmation' });
    await admin.submit('Change to normal and return to the applicant');
    await admin.expectHeading('Result – Change the priority – from urgent to normal');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await expect(e2e.page.locator('#succeeded tbody tr').textContent()).resolves.toContain(
      'Priority changed to normal and returned to the applicant to choose a PIN',
    );
    await expectNoSeriousA11yViolations(e2e.page, { label: 'urgent → normal results' });

    await admin.goto(`/admin/applications/${app!.id}`);
    await expect(e2e.page.locator('#priority').textContent()).resolves.toBe('Normal');
    await expect(e2e.page.locator('#status').textContent()).resolves.toContain('Returned');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page after urgent → normal' });
    expectNoConsoleErrors(e2e);

    const employee = await employeeEnters(app!, 'My card application');
    try {
      const p = employee.page;
      const pages = employee.employee;
      await expect(pages.returnedComment.textContent()).resolves.toContain(suggested);
      await expectNoSeriousA11yViolations(p, { label: 'employee task list after urgent → normal' });
      await pages.openStatus();
      await expect(p.locator('#status-summary').textContent()).resolves.toMatch(/Priority\s*Normal/);
      await expectNoSeriousA11yViolations(p, { label: 'employee status page after urgent → normal' });
      expect(employee.errors).toEqual([]);
    } finally {
      await employee.close();
    }
  });

  it('normal → urgent from the queue: the queue and the application page show the new priority', async () => {
    const [app] = await givenPending([['Ivy', 'Faster']]);
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await queueFilteredOn(admin, 'Faster');
    const row = e2e.page.locator('.queue-form tbody tr', { hasText: app!.reference });
    await expect(row.locator('.tag--urgent').count()).resolves.toBe(0);
    await e2e.page.getByLabel(`Select application ${app!.reference}`).check();
    await admin.submit('Change priority to urgent');
    await admin.expectHeading('Change the priority – from normal to urgent');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'normal → urgent confirmation' });
    await e2e.page.getByLabel('I accept the terms of urgent card issuing').check();
    await admin.submit('Yes, change to urgent');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await expect(e2e.page.locator('#succeeded tbody tr').textContent()).resolves.toContain('Priority changed to urgent: the application can now be approved');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'normal → urgent results' });

    await e2e.page.getByRole('link', { name: 'Back to the applications pending approval' }).first().click();
    await e2e.page.waitForURL(/q=Faster/);
    await expect(row.locator('.tag--urgent').textContent()).resolves.toBe('Urgent');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'approval queue after normal → urgent' });
    await admin.goto(`/admin/applications/${app!.id}`);
    await expect(e2e.page.locator('#priority').textContent()).resolves.toBe('Urgent');
    await expect(e2e.page.locator('#status').textContent()).resolves.toContain('Pending approval');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page after normal → urgent' });
    expectNoConsoleErrors(e2e);
  });
});
