import type { Locator } from 'playwright-core';
import { BasePage } from './base';

/** The employee pages' labels, in the two languages (as locales/{fr,en}/application-form, signature, employee). */
const LABELS = {
  fr: {
    accessKey: 'Clé d’accès',
    reference: 'Numéro de référence',
    continue: 'Continuer',
    save: /^Sauvegarder$/,
    quit: 'Quitter sans sauvegarder cette page',
    comeBack: 'Revenir à ma demande',
    iban: 'IBAN du compte',
    bic: 'BIC de la banque',
    accountHolder: 'Titulaire du compte',
    pin: 'Code confidentiel',
    pinConfirmation: 'Confirmation du code confidentiel',
    documentKind: 'Type de document',
    attach: 'Joindre le document',
    approverName: 'Nom de l’approbateur',
    approverEmail: 'Adresse e-mail de l’approbateur',
    sendApproval: 'Envoyer la demande d’approbation',
    cardholderTerms: /J’ai lu et j’accepte les conditions générales du titulaire/,
    signatureTerms: /J’ai lu et j’accepte les conditions de la signature électronique/,
    sendCode: 'M’envoyer un code',
    code: 'Code de signature',
    sign: 'Signer ma demande',
  },
  en: {
    accessKey: 'Access key',
    reference: 'Reference number',
    continue: 'Continue',
    save: /^Save$/,
    quit: 'Quit without saving this page',
    comeBack: 'Return to my application',
    iban: 'Account IBAN',
    bic: 'Bank BIC',
    accountHolder: 'Account holder',
    pin: 'PIN',
    pinConfirmation: 'PIN again',
    documentKind: 'Type of document',
    attach: 'Attach the document',
    approverName: 'Approver’s name',
    approverEmail: 'Approver’s e-mail address',
    sendApproval: 'Send the approval request',
    cardholderTerms: /I have read and I accept the cardholder terms and conditions/,
    signatureTerms: /I have read and accept the electronic signature terms/,
    sendCode: 'Send me a code',
    code: 'Signing code',
    sign: 'Sign my application',
  },
} as const;

export type EmployeeLanguage = keyof typeof LABELS;

/**
 * The employee's pages: entry with reference and key, the task list and the form's sections, documents, PIN, review,
 * the signature steps and the status page. Labels in the language given (the page's language).
 */
export class EmployeePages extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly language: EmployeeLanguage = 'fr',
  ) {
    super(page);
  }

  private get labels() {
    return LABELS[this.language];
  }

  // ---- Entry ---------------------------------------------------------------------------------------------------

  /** The entry page, with the reference filled in as the e-mailed link does (and ?lang= when asked). */
  async openEntry(reference?: string): Promise<void> {
    const query = new URLSearchParams({ ...(reference ? { ref: reference } : {}), lang: this.language });
    await this.page.goto(`/access?${query.toString()}`);
  }

  get accessKeyInput(): Locator {
    return this.page.getByLabel(this.labels.accessKey);
  }

  get referenceInput(): Locator {
    return this.page.getByLabel(this.labels.reference);
  }

  /** On the entry page: types the key (and the reference, when given) and continues. */
  async enter(accessKey: string, reference?: string): Promise<void> {
    await this.accessKeyInput.fill(accessKey);
    if (reference !== undefined) await this.referenceInput.fill(reference);
    await this.continue();
  }

  /** Opens the entry page with the reference (as the e-mailed link does), types the key and continues. */
  async signIn(reference: string, accessKey: string): Promise<void> {
    await this.openEntry(reference);
    await this.enter(accessKey);
  }

  // ---- Task list and sections ------------------------------------------------------------------------------------

  /** The sections the task list shows, in order (their data-section). */
  async sectionIds(): Promise<Array<string | null>> {
    return this.page.locator('#tasks [data-section]').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')));
  }

  /** The status tag of a section on the task list ('Complété' / 'Completed'…). */
  async taskStatus(section: string): Promise<string | undefined> {
    return (await this.page.locator(`#task-${section}-status`).textContent())?.trim();
  }

  /** All the status tags of the task list, in order. */
  async taskStatuses(): Promise<string[]> {
    return this.page.locator('#tasks .tag').allTextContents();
  }

  /** Follows a task list link by its name; waits for that path when given (e.g. '/application/pin'), else any page. */
  async openSection(name: string | RegExp, path?: string): Promise<void> {
    const link = this.page.getByRole('link', { name });
    if (path) await Promise.all([this.page.waitForURL(`**${path}`), link.click()]);
    else await Promise.all([this.page.waitForNavigation(), link.click()]);
  }

  /** A read-only section's "Continue" link, back to the task list. */
  async continueToTaskList(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/application'), this.page.getByRole('link', { name: this.labels.continue }).click()]);
  }

  /** A form's Continue button (saves and goes back to the task list, or shows the errors). */
  async continue(): Promise<void> {
    await this.submit(this.labels.continue);
  }

  async save(): Promise<void> {
    await this.submit(this.labels.save);
  }

  async quit(): Promise<void> {
    await this.submit(this.labels.quit);
  }

  /** On the "you left" page: back to the entry page. */
  async comeBack(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/access(\?.*)?$/), this.page.getByRole('link', { name: this.labels.comeBack }).click()]);
  }

  /** The value of a form field, by its id. */
  async fieldValue(id: string): Promise<string> {
    return this.page.locator(`#${id}`).inputValue();
  }

  async fillPayment(values: { iban: string; bic: string; accountHolder: string }): Promise<void> {
    await this.page.getByLabel(this.labels.iban).fill(values.iban);
    await this.page.getByLabel(this.labels.bic).fill(values.bic);
    await this.page.getByLabel(this.labels.accountHolder).fill(values.accountHolder);
  }

  async fillPin(pin: string, confirmation = pin): Promise<void> {
    await this.page.getByLabel(this.labels.pin, { exact: true }).fill(pin);
    await this.page.getByLabel(this.labels.pinConfirmation).fill(confirmation);
  }

  /** Attaches one document: its kind (the option's visible label, or its value), then the file; waits for the page. */
  async attachDocument(kind: { label: string } | string, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByLabel(this.labels.documentKind).selectOption(kind);
    await this.page.setInputFiles('#file', file);
    await this.submit(this.labels.attach);
  }

  /** The rows of the documents table. */
  get documentRows(): Locator {
    return this.page.locator('#documents tbody tr');
  }

  /** Names the additional approver (and their language, by its radio's name) and sends the request. */
  async requestApproval(approver: { name: string; email: string; language?: string }): Promise<void> {
    await this.page.getByLabel(this.labels.approverName).fill(approver.name);
    await this.page.getByLabel(this.labels.approverEmail).fill(approver.email);
    if (approver.language) await this.page.getByRole('radio', { name: approver.language }).check();
    await this.submit(this.labels.sendApproval);
  }

  /** The additional approval section's state (who was asked, and what they answered). */
  get approvalState(): Locator {
    return this.page.locator('#approval-state');
  }

  async acceptCardholderTerms(): Promise<void> {
    await this.page.getByLabel(this.labels.cardholderTerms).check();
  }

  // ---- Review and signature --------------------------------------------------------------------------------------

  /** From the task list to the review page. */
  async toReview(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/application/review'), this.page.locator('#to-review').click()]);
  }

  /** A section of the review page (e.g. 'payment'). */
  reviewSection(id: string): Locator {
    return this.page.locator(`#section-${id}`);
  }

  /** The review page's "sign" link. */
  get signLink(): Locator {
    return this.page.locator('#sign');
  }

  /** From the review page to the signature's first step (its terms). */
  async startSigning(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/application/signature'), this.signLink.click()]);
  }

  async acceptSignatureTerms(): Promise<void> {
    await this.page.getByLabel(this.labels.signatureTerms).check();
  }

  /** On the PDF step: asks for the signing code by e-mail. */
  async sendCode(): Promise<void> {
    await this.submit(this.labels.sendCode);
  }

  /** On the code step: types the code and signs. */
  async signWithCode(code: string): Promise<void> {
    await this.page.getByLabel(this.labels.code).fill(code);
    await this.submit(this.labels.sign);
  }

  /** The signed page's link to the signed PDF. */
  get signedPdfLink(): Locator {
    return this.page.locator('#signed-pdf');
  }

  // ---- Status page ---------------------------------------------------------------------------------------------

  async openStatus(): Promise<void> {
    await this.page.goto('/application/status');
  }

  /** The signed page's link to the status page. */
  async followStatusLink(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/application/status'), this.page.locator('#status-link').click()]);
  }

  get currentStatus(): Locator {
    return this.page.locator('#current-status');
  }

  /** "What happens next" on the signed and status pages. */
  get next(): Locator {
    return this.page.locator('#next');
  }

  /** The comments of the status page's timeline (a return's or a cancellation's). */
  get timelineComments(): Locator {
    return this.page.locator('#timeline .timeline__comment');
  }

  /** The statuses reached, in the timeline's order. */
  async doneStatuses(): Promise<string[]> {
    return (await this.page.locator('#timeline .timeline__item--done .timeline__status strong').allTextContents()).map((s) => s.trim());
  }

  /** The return comment shown on the task list. */
  get returnedComment(): Locator {
    return this.page.locator('#returned-comment');
  }
}
