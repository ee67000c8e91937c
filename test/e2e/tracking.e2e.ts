import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors, RESULTS_DIR } from './support';
import { AdminPages } from './pages/admin';
import { createInvitedApplications } from '../../src/core/application/create';
import { givenApplicationRow } from '../support/builders';

const DAY = 86_400_000;

describe('tracking in the browser: summary, list with filters and export, application page', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  // Applications that went through every step in the last weeks (the demo's go straight from invited to their status),
  // written before any page is shown: the charts store finished weeks the first time they are drawn.
  beforeAll(async () => {
    const db = e2e.deps.db;
    const key = await db('access_key').where({ name: 'Direction financière' }).first();
    const now = e2e.deps.clock.now().getTime();
    const paths: Array<Array<[string, number]>> = [
      [
        ['invited', 40],
        ['in_progress', 39],
        ['pending_approval', 37],
        ['approved', 33],
        ['transmitted', 32],
        ['card_issued', 30],
        ['card_delivered', 26],
      ],
      [
        ['invited', 20],
        ['in_progress', 19.5],
        ['pending_approval', 18],
        ['approved', 17],
        ['transmitted', 16.5],
        ['card_issued', 15],
        ['card_delivered', 10],
      ],
      [
        ['invited', 12],
        ['in_progress', 11],
        ['pending_approval', 9],
        ['approved', 6],
      ],
      [
        ['invited', 5],
        ['in_progress', 4],
        ['pending_approval', 3.5],
      ],
    ];
    for (const steps of paths) {
      const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
      const [first, last] = [steps[0]!, steps[steps.length - 1]!];
      const app = await givenApplicationRow(
        db,
        { status: last[0], created_at: at(first[1]), status_changed_at: at(last[1]), updated_at: at(last[1]) },
        { id: key.id, accountId: key.account_id },
      );
      await db('application_status_history').insert(
        steps.map(([to, daysAgo], i) => ({
          application_id: app.id,
          at: at(daysAgo),
          actor_type: 'system',
          from_status: i ? steps[i - 1]![0] : null,
          to_status: to,
          comment_for_employee: false,
        })),
      );
    }
  });

  it('Claire follows the numbers from the summary to the list and to an application', async () => {
    const db = e2e.deps.db;
    const key = await db('access_key').where({ name: 'Direction financière' }).first();
    const now = e2e.deps.clock.now();
    await db.transaction((trx) =>
      createInvitedApplications(
        trx,
        ['Anne', 'Bruno', 'Chloé'].map((firstName, i) => ({
          accessKey: { id: key.id, accountId: key.account_id, number: key.number },
          origin: 'controlled' as const,
          priority: i === 0 ? ('urgent' as const) : ('normal' as const),
          title: 'mrs' as const,
          firstName,
          lastName: 'Suivi',
          email: `${firstName.toLowerCase()}.suivi@acme.example`,
          language: 'fr' as const,
        })),
        now,
      ),
    );

    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.getByRole('navigation').getByRole('link', { name: 'Application status', exact: true }).click();
    await admin.expectHeading('Card application status tracking');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking summary' });
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-summary.png`, fullPage: true });

    // The key's "invited" number leads to the list of exactly those applications.
    const cell = e2e.page.locator(`tr[data-key="${key.id}"] td[data-status="invited"] a`);
    const invited = Number(await e2e.page.locator(`tr[data-key="${key.id}"] td[data-status="invited"]`).getAttribute('data-count'));
    expect(invited).toBeGreaterThanOrEqual(3);
    await cell.click();
    await admin.expectHeading('Card applications');
    await expect(e2e.page.locator('#applications tbody tr').count()).resolves.toBe(Math.min(invited, 25));
    await expect(e2e.page.locator('#status-invited').isChecked()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking list' });
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-list.png`, fullPage: true });

    // Narrow with the text filter, then open the application.
    await e2e.page.getByLabel('Reference, name or email').fill('chloé');
    await admin.submit('Filter');
    await expect(e2e.page.locator('#applications tbody tr').count()).resolves.toBe(1);
    await e2e.page.getByLabel('Initiated from').fill('31/02/2026');
    await admin.submit('Filter');
    expect(await e2e.page.title()).toMatch(/^Error: /);
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking list with a date error' });
    await e2e.page.getByLabel('Initiated from').fill('');
    await admin.submit('Filter');
    const app = await db('application').where({ email: 'chloé.suivi@acme.example' }).first();
    await e2e.page.getByRole('link', { name: app.reference }).click();
    await admin.expectHeading(`Application ${app.reference}`);
    await expect(e2e.page.locator('#emails tbody tr').count()).resolves.toBe(2);
    await expect(e2e.page.locator('#key-info').textContent()).resolves.toContain('Direction financière');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'application page with tracking sections' });
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-application.png`, fullPage: true });
    expectNoConsoleErrors(e2e);
    const views = await db('audit_log').where({ action: 'application.view', application_id: app.id }).count({ n: '*' });
    expect(Number(views[0]!.n)).toBe(1);
  });

  it('Claire reads the charts of the last 26 weeks in both languages, for every key and for one, on screen and in print', async () => {
    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', 'en');
    await e2e.page.getByRole('navigation').getByRole('link', { name: 'Application status', exact: true }).click();
    await e2e.page.getByRole('link', { name: 'Charts of the last 26 weeks', exact: true }).click();
    await admin.expectHeading('Card application charts');
    const charts = e2e.page.locator('#charts');
    await expect(charts.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Activity over the last 26 weeks');
    await expect(e2e.page.locator('#chart-statuses svg[role="img"]').count()).resolves.toBe(12);
    await expect(e2e.page.getByRole('img', { name: /^Card delivered: \d+ applications? in 26 weeks$/ }).count()).resolves.toBe(1);
    await expect(e2e.page.locator('#chart-steps svg[role="img"] path.chart-line').count()).resolves.toBe(3);
    await expect(e2e.page.locator('#chart-steps-desc').textContent()).resolves.toContain('From approval to card delivery: median of');
    // The numbers as tables, behind their disclosure: both opened, then the whole page checked.
    for (const table of ['#chart-statuses-table', '#chart-steps-table']) {
      await expect(e2e.page.locator(table).isVisible()).resolves.toBe(false);
      await e2e.page.locator(`details:has(${table}) > summary`).click();
      await expect(e2e.page.locator(`${table} tbody tr`).count()).resolves.toBe(26);
    }
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking charts, tables open (en)' });
    await charts.screenshot({ path: `${RESULTS_DIR}/tracking-charts-en.png` });

    // One key's charts.
    const keyOption = await e2e.page.locator('#chart-key option', { hasText: 'Direction financière' }).first().getAttribute('value');
    await e2e.page.getByLabel('Access key of the charts', { exact: true }).selectOption(keyOption as string);
    await admin.submit(/^Show$/);
    await expect(e2e.page.locator('#chart-scope').textContent()).resolves.toContain('Key Direction financière');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking charts for one key (en)' });

    // In French.
    await admin.switchLanguage('fr');
    await expect(charts.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Activité des 26 dernières semaines');
    await expect(e2e.page.getByRole('img', { name: /^Carte reçue : \d+ demandes? en 26 semaines$/ }).count()).resolves.toBe(1);
    await e2e.page.locator('details:has(#chart-steps-table) > summary').click();
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking charts for one key (fr)' });
    await admin.goto('/admin/tracking/charts');
    await expectNoSeriousA11yViolations(e2e.page, { label: 'tracking charts, every key (fr)' });

    // Printed: the form is left out and each chart fits the page's width.
    await e2e.page.emulateMedia({ media: 'print' });
    await expect(e2e.page.locator('.chart-filter').isVisible()).resolves.toBe(false);
    const width = await e2e.page.evaluate('document.documentElement.clientWidth');
    for (const svg of await e2e.page.locator('#charts svg[role="img"]').all()) {
      const box = await svg.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x + box!.width).toBeLessThanOrEqual(width as number);
    }
    await e2e.page.screenshot({ path: `${RESULTS_DIR}/tracking-charts-print.png`, fullPage: true });
    expectNoConsoleErrors(e2e);
  });
});
