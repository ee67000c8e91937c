import type { Page } from 'playwright-core';
import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors, RESULTS_DIR } from './support';
import { AdminPages } from './pages/admin';
import { AccessKeyPages } from './pages/access-keys';
import { givenAccount, givenAccessKey, givenAdministrator, givenApplication } from '../support/builders';

/**
 * Issue 11 item 4: wide tables scroll inside their own box, never the page. With long names, e-mails and references
 * on every list, at 1,280 px and at 375 px, the page is never wider than the window; at 1,280 px the first key's
 * "Initiate an application" is on screen. Screenshots go to test-results/layout-<page>-<width>.png for a look.
 */
const LONG_COMPANY = 'ACME Industries Internationales de Construction Aéronautique, Navale et Spatiale SA';
const LONG_EMAIL = 'marie-elisabeth.ghislaine.montmorency-laval-beauffremont.direction-financiere@acme-industries-internationales.example';

const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 800 };

async function pageWidth(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
}

/** Every table's scroll box is a named, keyboard-focusable region. */
async function tableBoxes(page: Page): Promise<Array<{ role: string | null; tabindex: string | null; label: string | null }>> {
  return page.locator('main table').evaluateAll((tables) =>
    tables.map((t) => {
      const box = t.closest('.table-wrap');
      return { role: box && box.getAttribute('role'), tabindex: box && box.getAttribute('tabindex'), label: box && box.getAttribute('aria-label') };
    }),
  );
}

describe('list pages fit the window: tables scroll in their own box', () => {
  const e2e = useE2E();

  beforeAll(async () => {
    const db = e2e.deps.db;
    const claire = await db('administrator').where({ display_name: 'Claire Martin' }).first();
    const account = await givenAccount(db, { number: '00820400103', company_name: LONG_COMPANY, payment_type: 'individual' });
    await db('administrator_account').insert({ administrator_id: claire.id, account_id: account });
    // Names sort before the demo keys, so the first row of the list is a long one.
    const names = ['Achats-Internationaux-Groupe-A', 'Achats-Internationaux-Groupe-B', 'Achats Direction Générale Paris'];
    let first: { id: number; number: string } | undefined;
    for (const [i, name] of names.entries()) {
      const key = await givenAccessKey(db, account, claire.id, { name, deleted_at: i ? '2026-01-01T00:00:00.000Z' : null, deleted_by: i ? claire.id : null });
      first ??= key;
    }
    const key = { ...(first as { id: number; number: string }), accountId: account };
    const statuses = ['pending_approval', 'pending_approval', 'in_progress', 'invited', 'approved', 'cancelled'] as const;
    for (let i = 0; i < 24; i++) {
      const created = await givenApplication(db, key, {
        firstName: 'Marie-Élisabeth-Ghislaine',
        lastName: `Montmorency-Laval-Beauffremont-${i}`,
        email: i === 0 ? LONG_EMAIL : `marie-elisabeth.montmorency-laval-beauffremont.${i}@acme-industries-internationales.example`,
        status: statuses[i % statuses.length],
        ...(i % 5 === 0 ? { priority: 'urgent' as const } : {}),
      });
      if (statuses[i % statuses.length] === 'pending_approval' && i % 5 !== 0) {
        await db('application_pin').insert({ application_id: created.id, encrypted: 'v1.e2e.opaque', key_id: 'e2e', stored_at: '2026-11-24T09:00:00.000Z' });
      }
    }
    await givenAdministrator(db, { email: LONG_EMAIL.replace('marie', 'jean'), display_name: 'Jean-Baptiste-Emmanuel de Montmorency-Laval-Beauffremont' }, [
      account,
    ]);
  });

  async function check(page: Page, name: string, path: string): Promise<void> {
    for (const size of [WIDE, PHONE]) {
      await page.setViewportSize(size);
      const res = await page.goto(path);
      expect(res?.status()).toBe(200);
      await page.screenshot({ path: `${RESULTS_DIR}/layout-${name}-${size.width}.png`, fullPage: true });
      const { scrollWidth, innerWidth } = await pageWidth(page);
      expect({ page: name, width: size.width, scrollWidth }).toEqual({ page: name, width: size.width, scrollWidth: Math.min(scrollWidth, innerWidth) });
      for (const box of await tableBoxes(page)) {
        expect(box.role).toBe('region');
        expect(box.tabindex).toBe('0');
        expect(box.label).toBeTruthy();
      }
      await expectNoSeriousA11yViolations(page, { label: `${name} at ${size.width} px` });
    }
  }

  it('access keys, approval queue, tracking, batches and e-mail templates (Claire Martin)', async () => {
    const page = e2e.page;
    await new AdminPages(page).signIn('Claire Martin');
    const keys = new AccessKeyPages(page);

    await check(page, 'access-keys', '/admin/access-keys');
    // At 1,280 px the first key's "Initiate an application" is on screen, without scrolling sideways.
    await page.setViewportSize(WIDE);
    await keys.openList();
    const initiate = page
      .locator('table.access-keys-table tbody tr')
      .first()
      .getByRole('link', { name: /^Initier une demande pour la clé/ });
    await expect(initiate.count()).resolves.toBe(1);
    const box = await initiate.boundingBox();
    expect(box).not.toBeNull();
    expect(box && box.x >= 0 && box.x + box.width <= WIDE.width).toBe(true);

    // …and the whole actions column, in both languages: the table needs no scrolling at that width.
    const keysTableScrolls = () =>
      page
        .locator('.table-wrap')
        .first()
        .evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(await keysTableScrolls()).toBe(false);
    await keys.switchLanguage('en');
    await expect(
      page
        .locator('table.access-keys-table tbody tr')
        .first()
        .getByRole('link', { name: /^Initiate an application for/ })
        .isVisible(),
    ).resolves.toBe(true);
    expect(await keysTableScrolls()).toBe(false);
    await page.screenshot({ path: `${RESULTS_DIR}/layout-access-keys-en-1280.png`, fullPage: true });
    await keys.switchLanguage('fr');

    await check(page, 'new-access-key', '/admin/access-keys/new');
    await check(page, 'approvals', '/admin/approvals');
    await check(page, 'tracking-summary', '/admin/tracking');
    await check(page, 'tracking-charts', '/admin/tracking/charts');
    await check(page, 'tracking-list', '/admin/tracking/applications');
    await check(page, 'batches', '/admin/batches');
    await check(page, 'email-templates', '/admin/email-templates');
    expectNoConsoleErrors(e2e);
  });

  it('accounts, administrators, audit and publications (platform administrator)', async () => {
    const page = e2e.page;
    await new AdminPages(page).signIn('Paula Plateforme');
    await check(page, 'accounts', '/platform/accounts');
    await check(page, 'administrators', '/platform/administrators');
    await check(page, 'audit', '/platform/audit');
    await check(page, 'publications', '/platform/publications');
    expectNoConsoleErrors(e2e);
  });

  it('the employee’s entry page', async () => {
    await check(e2e.page, 'employee-entry', '/access');
    expectNoConsoleErrors(e2e);
  });
});
