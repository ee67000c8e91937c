import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { EmployeePages } from './pages/employee';
import { givenSignableApplication } from '../support/builders';
import { latestCode } from '../support/outbox';

describe('electronic signature in the browser: terms, PDF, code, signed, status page', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('signs a complete application with axe on every page, then shows the status page', async () => {
    const a = await givenSignableApplication({ deps: e2e.deps, config: e2e.deps.config }, { email: 'e2e.signature@acme.example' });
    const page = new EmployeePages(e2e.page, 'en');
    const p = e2e.page;
    await page.signIn(a.reference, a.keyNumber);

    await page.goto('/application/review');
    await page.startSigning();
    await page.expectHeading('Electronic signature terms');
    await expectNoSeriousA11yViolations(p, { label: 'signature terms' });
    await page.continue();
    expect(await p.title()).toMatch(/^Error: /);
    expect(await page.errorSummaryItems()).toEqual(['Tick the box to accept the electronic signature terms']);
    await expectNoSeriousA11yViolations(p, { label: 'signature terms with an error' });
    await page.acceptSignatureTerms();
    await page.continue();

    await page.expectHeading('Your application as a PDF');
    await expectNoSeriousA11yViolations(p, { label: 'PDF step' });
    const pdf = await p.request.get('/application/signature/document/pdf');
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await page.sendCode();

    await page.expectHeading('Enter your signing code');
    expect(await page.banner.textContent()).toContain('e2e.signature@acme.example');
    await expectNoSeriousA11yViolations(p, { label: 'code step' });
    await page.signWithCode('12345');
    expect(await page.errorSummaryItems()).toEqual(['The code must be 6 digits']);
    await expectNoSeriousA11yViolations(p, { label: 'code step with an error' });

    await page.signWithCode(await latestCode(e2e, a.id));
    await page.expectHeading('Your application is signed');
    await expectNoSeriousA11yViolations(p, { label: 'signed' });
    const signed = await p.request.get(String(await page.signedPdfLink.getAttribute('href')));
    expect(signed.headers()['content-disposition']).toMatch(/^attachment;/);

    await page.followStatusLink();
    await page.expectHeading('Track my card application');
    expect(await page.currentStatus.textContent()).toContain('Pending approval');
    await expectNoSeriousA11yViolations(p, { label: 'status page' });
    expectNoConsoleErrors(e2e);
  });
});
