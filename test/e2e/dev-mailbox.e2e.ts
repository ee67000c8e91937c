import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { BasePage } from './pages/base';
import { createInvitedApplications } from '../../src/core/application/create';

describe('development mailbox in the browser', () => {
  const e2e = useE2E();

  it('lets a newcomer open the invitation e-mails and follow the link to the entry page', async () => {
    const db = e2e.deps.db;
    const key = await db('access_key').first();
    const [created] = await db.transaction((trx) =>
      createInvitedApplications(
        trx,
        [
          {
            accessKey: { id: key.id, accountId: key.account_id, number: key.number },
            origin: 'controlled',
            priority: 'normal',
            email: 'newcomer@acme.example',
            language: 'fr',
            firstName: 'Zoé',
            lastName: '<b>Nouvelle</b>',
            title: 'ms',
          },
        ],
        e2e.deps.clock.now(),
      ),
    );
    const reference = created!.reference;
    const page = new BasePage(e2e.page);

    // the dispatcher polls every 100 ms in e2e: reload until both e-mails are delivered
    for (let i = 0; i < 50; i++) {
      await page.goto('/dev/mailbox?lang=fr');
      if ((await e2e.page.locator('#mailbox tbody tr', { hasText: 'newcomer@acme.example' }).filter({ hasText: 'Remis' }).count()) === 2) break;
      await e2e.page.waitForTimeout(100);
    }
    await page.expectHeading('Boîte aux lettres de développement');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'mailbox list' });

    await e2e.page.getByRole('link', { name: 'Votre demande de carte Corporate : lien et numéro de référence' }).first().click();
    await page.expectHeading('Votre demande de carte Corporate : lien et numéro de référence');
    expect(await e2e.page.locator('#mail-text').textContent()).toContain('Bonjour Zoé <b>Nouvelle</b>,');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'mailbox message' });

    // the HTML version on its own sandboxed URL: rendered, no console error (inline styles allowed there)
    const messageUrl = e2e.page.url();
    await e2e.page.getByRole('link', { name: 'Afficher la version HTML' }).click();
    expect(await e2e.page.locator('body').textContent()).toContain(reference);
    expect(await e2e.page.locator('b').count()).toBe(0);
    await e2e.page.goto(messageUrl);

    await e2e.page.locator('#mail-links a').first().click();
    const url = new URL(e2e.page.url());
    expect(url.pathname).toBe('/access');
    expect(url.searchParams.get('ref')).toBe(reference);
    expectNoConsoleErrors(e2e);
  });
});
