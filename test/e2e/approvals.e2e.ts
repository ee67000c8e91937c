import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { givenPendingForClaire } from './support/pending';

describe('the approval queue in the browser', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  /** Signed applications waiting in Claire's queue (normal priority: a PIN is on file). */
  const givenPending = (names: Array<[string, string]>) => givenPendingForClaire(e2e.deps, names, { title: 'mrs' });

  it('Claire returns one application with a comment, then approves all the others matching a filter', async () => {
    const [first, ...others] = await givenPending([
      ['Ada', 'Queue'],
      ['Bob', 'Queue'],
      ['Cyd', 'Queue'],
    ]);
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await admin.tab(/^Pending approval \(\d+\)$/).click();
    await admin.expectHeading('Applications pending approval');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'approval queue' });

    await e2e.page.getByLabel('Search', { exact: true }).fill('Queue');
    await admin.submit('Filter');
    await e2e.page.getByLabel(`Select application ${first!.reference}`).check();
    await admin.submit('Return to applicant');
    await admin.expectHeading('Return the card application to the applicant');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'return confirmation' });
    await admin.submit('Return to applicant');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    expect(await admin.errorSummaryItems()).toEqual(['Enter a comment for the applicant: what to correct or complete']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'return confirmation with an error' });
    await e2e.page.getByLabel('Comments').fill('Your employee number is wrong, please correct it.');
    await admin.submit('Return to applicant');
    await admin.expectHeading('Result – Return the card application to the applicant');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'results' });

    await e2e.page.getByRole('link', { name: 'Back to the applications pending approval' }).first().click();
    await e2e.page.waitForURL(/q=Queue/);
    await e2e.page.getByLabel(/^Select all 2 applications matching the filters/).check();
    await admin.submit('Approve');
    await admin.expectHeading('Approve the card applications');
    await expect(e2e.page.locator('#selection-count').textContent()).resolves.toContain('2 applications selected.');
    await admin.submit('Approve');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('2 processed, 0 not processed.');
    const statuses = await e2e.deps
      .db('application')
      .whereIn('id', [first!.id, ...others.map((o) => o.id)])
      .orderBy('id')
      .pluck('status');
    expect(statuses).toEqual(['returned', 'approved', 'approved']);
    expectNoConsoleErrors(e2e);
  });

  it('the priority change to urgent shows its terms and asks for them to be accepted', async () => {
    const [app] = await givenPending([['Dan', 'Urgent']]);
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await admin.goto(`/admin/applications/${app!.id}`);
    await admin.submit('Change priority to urgent');
    await admin.expectHeading('Change the priority – from normal to urgent');
    await admin.submit('Yes, change to urgent');
    expect(await admin.errorSummaryItems()).toEqual(['Accept the terms of urgent card issuing to change the priority to urgent']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'urgent confirmation with an error' });
    await e2e.page.getByLabel('I accept the terms of urgent card issuing').check();
    await admin.submit('Yes, change to urgent');
    await expect(e2e.page.locator('#results-summary').textContent()).resolves.toBe('1 processed, 0 not processed.');
    expect((await e2e.deps.db('application').where({ id: app!.id }).first()).priority).toBe('urgent');
  });
});
