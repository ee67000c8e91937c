import { useE2E, expectNoSeriousA11yViolations } from './support';
import { AdminPages } from './pages/admin';
import { createInvitedApplications } from '../../src/core/application/create';

/** Issue 16 in the browser: search, separation of duties, fix and resend, lost link (each page scanned with axe). */
describe('the administrator’s daily work in the browser', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  async function invite(email: string, firstName: string, lastName: string) {
    const db = e2e.deps.db;
    const key = await db('access_key').where({ name: 'Direction financière' }).first();
    const [created] = await db.transaction((trx) =>
      createInvitedApplications(
        trx,
        [
          {
            accessKey: { id: key.id, accountId: key.account_id, number: key.number },
            origin: 'controlled' as const,
            priority: 'normal' as const,
            title: 'mr' as const,
            firstName,
            lastName,
            email,
            language: 'en' as const,
          },
        ],
        e2e.deps.clock.now(),
      ),
    );
    return { ...created!, keyNumber: key.number as string };
  }

  it('search: the header box finds “herve” in Hervé-Müller and opens the application; a long search is answered clearly', async () => {
    const app = await invite('h.muller@acme.example', 'Hervé', 'Hervé-Müller');
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.getByRole('searchbox', { name: 'Search an application' }).fill('herve h.muller'); // the demo has an Élodie Hervé-Müller too
    await e2e.page.locator('header').getByRole('button', { name: 'Search' }).click();
    await admin.expectHeading(`Application ${app.reference}`);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application found by the search' });
    // Several matches (the two invited here and the demo's Élodie Hervé-Müller): the results page, with status and key.
    await invite('anna.muller@acme.example', 'Anna', 'Müller');
    await e2e.page.getByRole('searchbox', { name: 'Search an application' }).fill('muller');
    await e2e.page.locator('header').getByRole('button', { name: 'Search' }).click();
    await admin.expectHeading('Search the applications');
    await expect(e2e.page.locator('#search-results tbody tr').count()).resolves.toBe(3);
    await expect(e2e.page.locator('#search-results').textContent()).resolves.toContain('Direction financière');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'search results' });
    await e2e.page.goto(`/admin/search?q=${'x'.repeat(10_000)}`);
    expect(await admin.errorSummaryItems()).toEqual(['The search must be 200 characters or fewer']);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'search error' });
  });

  it('separation of duties: the page of one’s own application says why there are no actions', async () => {
    const claire = await e2e.deps.db('administrator').where({ display_name: 'Claire Martin' }).first();
    const app = await invite(claire.email, 'Claire', 'Martin');
    await e2e.deps.db('application').where({ id: app.id }).update({ status: 'pending_approval' });
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.goto(`/admin/applications/${app.id}`);
    await expect(e2e.page.locator('#own-application').textContent()).resolves.toContain('This is your own application');
    await expect(e2e.page.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(0);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'own application' });
  });

  it('fix and resend: an undelivered invitation is corrected and sent again with a new reference', async () => {
    const app = await invite('paul.durand@acme.exmaple', 'Paul', 'Durand');
    await e2e.deps.db('outbox').where({ application_id: app.id }).update({ status: 'dead', last_error: '550 no such user' });
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.goto(`/admin/applications/${app.id}`);
    await e2e.page.getByLabel('Corrected e-mail address').fill('paul.durand@acme.example');
    await admin.submit('Correct the address and resend');
    const row = await e2e.deps.db('application').where({ id: app.id }).first();
    expect(row.reference).not.toBe(app.reference);
    await expect(e2e.page.locator('#history').textContent()).resolves.toContain(
      `paul.durand@acme.exmaple → paul.durand@acme.example; ${app.reference} → ${row.reference}`,
    );
    await expectNoSeriousA11yViolations(e2e.page, { label: 'address corrected' });
  });

  it('lost link: the employee asks for a new link and gets the same answer', async () => {
    await invite('nina.blanc@acme.example', 'Nina', 'Blanc');
    const admin = new AdminPages(e2e.page);
    await e2e.page.goto('/access?lang=en');
    await e2e.page.getByRole('link', { name: 'Lost the e-mail with your link? Get a new link' }).click();
    await admin.expectHeading('Get a new link to your application');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'lost link' });
    await e2e.page.getByLabel('Your work e-mail address').fill('nina.blanc@acme.example');
    await admin.submit('Send me a new link');
    await admin.expectHeading('Check your mailbox');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'lost link sent' });
  });
});
