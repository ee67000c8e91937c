import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useE2E, newContext, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { EmployeePages } from './pages/employee';
import { MailboxPages } from './pages/mailbox';

/**
 * Issue 4: the employee's whole journey in one browser, in French, everything read from the development mailbox
 * (never from the database): Claire Martin initiates an application on 'Ventes-Lyon' (individual payment with direct
 * debit required, employee number required, additional approver required); the employee enters with the e-mailed
 * link and key, saves, quits, comes back, fills every section, uploads PDFs, signs with the e-mailed code, downloads
 * both PDFs; the additional approver approves from their e-mail; the status page shows "pending approval".
 * axe on every page visited.
 */

/** A minimal PDF (the server checks the magic bytes), written to a temporary file for setInputFiles. */
function writeMinimalPdf(dir: string, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
      'latin1',
    ),
  );
  return file;
}

/** Clicks a download link; returns the file's suggested name and bytes. */
async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
  const failure = await dl.failure();
  if (failure) throw new Error(`download failed: ${failure}`);
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(await dl.path()) };
}

describe('the employee’s journey in the browser (issue 4)', () => {
  const e2e = useE2E({ locale: 'fr-FR' });
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-e2e-journey-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('invitation from the mailbox, save and resume, every section, documents, signature with the e-mailed code, PDFs, status', async () => {
    const p = e2e.page;
    const page = new EmployeePages(p, 'fr');
    const mailbox = new MailboxPages(p);
    const email = 'zoe.lefevre-dubois@acme.example';
    const a11y = (label: string) => expectNoSeriousA11yViolations(p, { label });

    // 1. Claire Martin initiates the application on her key 'Ventes-Lyon' from the access keys list.
    const admin = new AdminPages(p);
    await admin.signIn('Claire Martin', 'fr');
    await a11y('administrator home');
    await admin.goto('/admin/access-keys');
    await a11y('access keys list');
    await Promise.all([p.waitForURL(/\/applications\/new$/), p.getByRole('link', { name: 'Initier une demande pour la clé d’accès Ventes-Lyon' }).click()]);
    await admin.expectHeading('Initier une demande');
    await a11y('initiate form');
    await p.getByRole('radio', { name: 'Normale' }).check();
    await p.getByRole('radio', { name: 'Mme', exact: true }).check();
    await p.getByLabel('Prénom').fill('Zoé');
    await p.getByLabel('Nom', { exact: true }).fill('Lefèvre-Dubois');
    await p.getByLabel('Adresse e-mail professionnelle').fill(email);
    await p.getByRole('radio', { name: 'Français' }).check();
    await admin.submit('Initier la demande');
    const shown = await admin.headingText();
    expect(shown).toMatch(/^Demande \d+$/);
    const reference = shown.replace('Demande ', '');
    await expect(admin.banner.textContent()).resolves.toContain(reference);
    await a11y('application page');
    await admin.signOut('fr');
    await admin.expectHeading('Connexion (mode développement)');
    await a11y('sign-in page after signing out');

    // 2. The employee's mailbox: the access key (e-mail 2), then the link with the reference (e-mail 1).
    await mailbox.openMessage(email, 'Votre demande de carte Corporate : clé d’accès', { axe: true });
    await mailbox.expectHeading('Votre demande de carte Corporate : clé d’accès');
    await a11y('mailbox: access key e-mail');
    const keyText = await mailbox.text();
    expect(keyText).toContain('Bonjour');
    expect(keyText).toContain('Zoé Lefèvre-Dubois');
    expect(keyText).not.toContain(reference);
    const accessKey = /Clé d’accès : (\S+)/.exec(keyText)?.[1];
    expect(accessKey).toBeTruthy();
    await mailbox.backToList();
    await mailbox.expectHeading('Boîte aux lettres de développement');
    await a11y('mailbox list');
    await mailbox.openMessage(email, 'Votre demande de carte Corporate : lien et numéro de référence');
    await a11y('mailbox: invitation link e-mail');
    expect(await mailbox.text()).toContain(reference);
    expect(await mailbox.text()).not.toContain(accessKey!);
    await Promise.all([p.waitForURL(/\/access\?/), p.locator('#mail-links a').first().click()]);
    await page.expectHeading('Accéder à ma demande de carte');
    expect(await page.referenceInput.inputValue()).toBe(reference);
    await a11y('entry page from the e-mailed link');
    await page.enter(accessKey!);
    await page.expectHeading('Ma demande de carte');
    await expect(p.locator('#name').textContent()).resolves.toContain('Zoé Lefèvre-Dubois');
    await a11y('task list (first visit)');

    // 3. The first sections; Save on the cardholder section, then Quit.
    await page.openSection('Informations sur la société', '/application/company');
    await a11y('company section');
    await page.continueToTaskList();
    await page.openSection('Priorité de la demande', '/application/priority');
    await a11y('priority section');
    await page.continueToTaskList();

    await page.openSection('Informations sur le titulaire de la carte', '/application/cardholder');
    await page.expectHeading('Informations sur le titulaire de la carte');
    await a11y('cardholder section');
    expect(await page.fieldValue('firstName')).toBe('Zoé');
    expect(await page.fieldValue('lastName')).toBe('Lefèvre-Dubois');
    await page.fillFields({ dobDay: '14', dobMonth: '7', dobYear: '1988', birthPlace: 'Saint-Étienne', birthCountry: 'FR', nationality: 'FR' });
    await page.save();
    await expect(page.banner.textContent()).resolves.toContain('Vos réponses ont été sauvegardées');
    await a11y('cardholder section after Save');
    await p.fill('#homeCity', 'Lyon (not saved)');
    await page.quit();
    await page.expectHeading('Vous avez quitté votre demande');
    await a11y('left page');

    // Back through the entry page with the key and the reference: what was saved is there, what was not is not.
    await page.comeBack();
    await page.expectHeading('Accéder à ma demande de carte');
    await a11y('entry page (coming back)');
    await page.enter(accessKey!, reference);
    await page.expectHeading('Ma demande de carte');
    await a11y('task list (resumed)');
    await page.openSection('Informations sur le titulaire de la carte', '/application/cardholder');
    expect(await page.fieldValue('dobDay')).toBe('14');
    expect(await page.fieldValue('dobMonth')).toBe('7');
    expect(await page.fieldValue('dobYear')).toBe('1988');
    expect(await page.fieldValue('birthPlace')).toBe('Saint-Étienne');
    expect(await page.fieldValue('birthCountry')).toBe('FR');
    expect(await page.fieldValue('nationality')).toBe('FR');
    expect(await page.fieldValue('homeCity')).not.toContain('not saved');
    await a11y('cardholder section (resumed)');

    // 4. Every other section.
    await page.fillFields({
      homeAddressLine1: '12 rue de la Bourse',
      homePostalCode: '69002',
      homeCity: 'Lyon',
      homeCountry: 'FR',
      mobilePhone: '06 12 34 56 78',
      jobTitle: 'Responsable des ventes',
      employeeNumber: 'V-4821',
    });
    await page.continue();
    await page.expectHeading('Ma demande de carte');
    expect(await page.taskStatus('cardholder')).toBe('Complété');

    await page.openSection('Paiement individuel', '/application/payment');
    await a11y('payment section');
    await page.fillPayment({ iban: 'FR76 3000 6000 0112 3456 7890 189', bic: 'BNPAFRPP', accountHolder: 'Zoé Lefèvre-Dubois' });
    await page.continue();
    expect(await page.taskStatus('payment')).toBe('Complété');

    await page.openSection('Code confidentiel (PIN)', '/application/pin');
    await a11y('PIN section');
    await page.fillPin('7391');
    await page.continue();
    expect(await page.taskStatus('pin')).toBe('Complété');

    await page.openSection('Pièces justificatives', '/application/documents');
    await a11y('documents section');
    for (const [kind, name] of [
      ['Pièce d’identité', 'carte-identité.pdf'],
      ['Justificatif de domicile', 'facture-électricité.pdf'],
    ] as const) {
      await page.attachDocument({ label: kind }, writeMinimalPdf(tmp, name));
      await expect(page.banner.textContent()).resolves.toContain(name);
    }
    expect(await page.documentRows.count()).toBe(2);
    await a11y('documents section with two documents');
    await page.continue();
    expect(await page.taskStatus('documents')).toBe('Complété');

    await page.openSection('Approbation supplémentaire', '/application/additional-approval');
    await a11y('additional approval section');
    await page.requestApproval({ name: 'Noël Bénard', email: 'noel.benard@acme.example', language: 'Français' });
    await expect(page.approvalState.textContent()).resolves.toContain('noel.benard@acme.example');
    await a11y('additional approval section, request sent');
    await page.continue();
    expect(await page.taskStatus('approval')).toBe('Complété');

    await page.openSection('Conditions générales du titulaire', '/application/terms');
    await a11y('cardholder terms section');
    await page.acceptCardholderTerms();
    await page.continue();
    await page.expectHeading('Ma demande de carte');
    expect(await page.taskStatuses()).toEqual(Array(8).fill('Complété'));
    await a11y('task list, every section completed');

    await page.toReview();
    await page.expectHeading('Vérifiez vos réponses avant de signer');
    await a11y('review page');
    expect(await p.locator('main').textContent()).toContain('Saint-Étienne');
    expect(await p.content()).not.toContain('7391');

    // 5. The signature: terms, the PDF, the code read from the mailbox in another tab of the same browser.
    await page.startSigning();
    await page.expectHeading('Conditions de la signature électronique');
    await a11y('signature terms');
    await page.acceptSignatureTerms();
    await page.continue();
    await page.expectHeading('Votre demande en PDF');
    await a11y('signature: the PDF step');
    const draft = await download(p, '#open-pdf');
    expect(draft.name).toMatch(/\.pdf$/);
    expect(draft.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const draftResponse = await p.request.get('/application/signature/document/pdf');
    expect(draftResponse.headers()['content-type']).toBe('application/pdf');
    expect((await draftResponse.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.sendCode();
    await page.expectHeading('Saisissez votre code de signature');
    await expect(page.banner.textContent()).resolves.toContain(email);
    await a11y('signature: the code step');

    const tab = await e2e.context.newPage();
    tab.on('console', (msg) => void (msg.type() === 'error' && e2e.consoleErrors.push(`${tab.url()}: ${msg.text()}`)));
    tab.on('pageerror', (err) => e2e.consoleErrors.push(`${tab.url()}: ${err.message}`));
    let code: string;
    try {
      const tabMailbox = new MailboxPages(tab);
      await tabMailbox.openMessage(email, 'Votre code de signature électronique', { axe: true });
      await tabMailbox.expectHeading('Votre code de signature électronique');
      await expectNoSeriousA11yViolations(tab, { label: 'mailbox: signing code e-mail' });
      code = /^\s*(\d{6})\s*$/m.exec(await tabMailbox.text())?.[1] ?? '';
      expect(code).toMatch(/^\d{6}$/);
    } finally {
      await tab.close();
    }
    await page.signWithCode(code);
    await page.expectHeading('Votre demande est signée');
    await expect(p.locator('#signed-panel').textContent()).resolves.toContain(reference);
    await a11y('signed');
    // Signed before the additional approver answered: the signed page says it waits for them.
    expect(await page.next.textContent()).toContain('attend l’accord de l’approbateur');
    const signedHref = String(await page.signedPdfLink.getAttribute('href'));
    const signed = await download(p, '#signed-pdf');
    expect(signed.name).toMatch(/\.pdf$/);
    expect(signed.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const signedResponse = await p.request.get(signedHref);
    expect(signedResponse.headers()['content-type']).toBe('application/pdf');
    expect(signedResponse.headers()['content-disposition']).toMatch(/^attachment;/);

    // The additional approver (another person, own browser) approves from their e-mail.
    const approver = await newContext(e2e, 'fr-FR', e2e.consoleErrors);
    try {
      const ap = new MailboxPages(approver.page);
      await ap.openMessage('noel.benard@acme.example', /^Demande de carte Corporate à approuver/, { axe: true });
      await expectNoSeriousA11yViolations(approver.page, { label: 'mailbox: additional approval e-mail' });
      expect(await ap.text()).toContain('Zoé Lefèvre-Dubois');
      const link = (await ap.links()).find((l) => l.includes('/approve?token='));
      expect(link).toBeTruthy();
      await approver.page.goto(link!);
      await ap.expectHeading('Approuver une demande de carte Corporate');
      await expectNoSeriousA11yViolations(approver.page, { label: 'approver page' });
      await approver.page.getByRole('radio', { name: 'J’approuve cette demande' }).check();
      await ap.submit('Envoyer ma décision');
      await ap.expectHeading('Merci : vous avez approuvé la demande');
      await expectNoSeriousA11yViolations(approver.page, { label: 'approver done page' });
    } finally {
      await approver.context.close();
    }

    // 6. The status page: pending approval, with the history in the timeline.
    await page.followStatusLink();
    await page.expectHeading('Suivi de ma demande de carte');
    expect(await page.currentStatus.textContent()).toContain('En attente d’approbation');
    const done = await page.doneStatuses();
    expect(done).toEqual(expect.arrayContaining(['En attente de l’approbateur supplémentaire', 'En attente d’approbation']));
    expect(done[done.length - 1]).toBe('En attente d’approbation');
    expect(await p.locator('#signed-pdfs li').count()).toBe(1);
    await a11y('status page');
    expectNoConsoleErrors(e2e);
  });
});
