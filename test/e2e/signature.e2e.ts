import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { BasePage } from './pages/base';
import { openEmailData } from '../../src/core/outbox/sealed';
import { givenSignableApplication } from '../signature/support';

describe('electronic signature in the browser: terms, PDF, code, signed, status page', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  async function latestCode(applicationId: number): Promise<string> {
    const row = await e2e.deps.db('outbox').where({ application_id: applicationId, template: 'signing-code' }).orderBy('id', 'desc').first();
    return String(openEmailData(e2e.deps.secrets.dataKeyring(), row.idempotency_key, JSON.parse(row.data)).code);
  }

  it('signs a complete application with axe on every page, then shows the status page', async () => {
    const a = await givenSignableApplication({ deps: e2e.deps, config: e2e.deps.config }, { email: 'e2e.signature@acme.example' });
    const page = new BasePage(e2e.page);
    const p = e2e.page;
    await page.goto(`/access?ref=${a.reference}&lang=en`);
    await p.getByLabel('Access key').fill(a.keyNumber);
    await page.submit('Continue');

    await page.goto('/application/review');
    await Promise.all([p.waitForNavigation(), p.locator('#sign').click()]);
    await page.expectHeading('Electronic signature terms');
    await expectNoSeriousA11yViolations(p, { label: 'signature terms' });
    await page.submit('Continue');
    expect(await p.title()).toMatch(/^Error: /);
    expect(await page.errorSummaryItems()).toEqual(['Tick the box to accept the electronic signature terms']);
    await expectNoSeriousA11yViolations(p, { label: 'signature terms with an error' });
    await p.getByLabel(/I have read and accept the electronic signature terms/).check();
    await page.submit('Continue');

    await page.expectHeading('Your application as a PDF');
    await expectNoSeriousA11yViolations(p, { label: 'PDF step' });
    const pdf = await p.request.get('/application/signature/document/pdf');
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await page.submit('Send me a code');

    await page.expectHeading('Enter your signing code');
    expect(await page.banner.textContent()).toContain('e2e.signature@acme.example');
    await expectNoSeriousA11yViolations(p, { label: 'code step' });
    await p.getByLabel('Signing code').fill('12345');
    await page.submit('Sign my application');
    expect(await page.errorSummaryItems()).toEqual(['The code must be 6 digits']);
    await expectNoSeriousA11yViolations(p, { label: 'code step with an error' });

    await p.getByLabel('Signing code').fill(await latestCode(a.id));
    await page.submit('Sign my application');
    await page.expectHeading('Your application is signed');
    await expectNoSeriousA11yViolations(p, { label: 'signed' });
    const signed = await p.request.get(String(await p.locator('#signed-pdf').getAttribute('href')));
    expect(signed.headers()['content-disposition']).toMatch(/^attachment;/);

    await Promise.all([p.waitForNavigation(), p.locator('#status-link').click()]);
    await page.expectHeading('Track my card application');
    expect(await p.locator('#current-status').textContent()).toContain('Pending approval');
    await expectNoSeriousA11yViolations(p, { label: 'status page' });
    expectNoConsoleErrors(e2e);
  });
});
