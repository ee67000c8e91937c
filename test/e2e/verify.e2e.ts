import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { EmployeePages } from './pages/employee';
import { VerifyPage } from './pages/verify';
import { givenSignableApplication } from '../support/builders';
import { latestCode } from '../support/outbox';

describe('verify a copy in the browser', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it('uploads a signed PDF and gets its masked reference, then a modified copy and gets "not an original" (axe on every page)', async () => {
    const a = await givenSignableApplication({ deps: e2e.deps, config: e2e.deps.config }, { email: 'e2e.verify@acme.example' });
    const employee = new EmployeePages(e2e.page, 'en');
    const p = e2e.page;
    await employee.signIn(a.reference, a.keyNumber);
    await employee.goto('/application/review');
    await employee.startSigning();
    await employee.acceptSignatureTerms();
    await employee.continue();
    await employee.sendCode();
    await employee.signWithCode(await latestCode(e2e, a.id));
    await employee.expectHeading('Your application is signed');
    const signed = Buffer.from(await (await p.request.get(String(await employee.signedPdfLink.getAttribute('href')))).body());

    const verify = new VerifyPage(p);
    await verify.openFromFooter();
    await verify.expectHeading('Verify a signed document');
    await expectNoSeriousA11yViolations(p, { label: 'verify page' });

    await verify.verify(signed, 'signed.pdf');
    expect(await verify.result.textContent()).toContain('This PDF is an original archived by Sésame.');
    expect((await verify.reference.textContent())?.trim()).toBe(`${a.reference.slice(0, 2)}******${a.reference.slice(-2)}`);
    expect(await verify.result.textContent()).toContain('This is the latest signed version.');
    await expectNoSeriousA11yViolations(p, { label: 'verify: original' });

    const modified = Buffer.from(signed);
    modified[modified.length - 10] = modified[modified.length - 10]! ^ 0x01;
    await verify.verify(modified, 'modified.pdf');
    expect(await verify.result.textContent()).toContain('Not an original');
    expect(await verify.reference.count()).toBe(0);
    await expectNoSeriousA11yViolations(p, { label: 'verify: not an original' });

    await verify.verify(Buffer.from('not a pdf'), 'fake.pdf');
    expect(await verify.errorSummaryItems()).toEqual(['The file must be a PDF']);
    await expectNoSeriousA11yViolations(p, { label: 'verify: not a PDF' });
    expectNoConsoleErrors(e2e);
  });
});
