import type { Locator } from 'playwright-core';
import { BasePage } from './base';

/** Requests for information (issue 14 part 3): the administrator's request form and thread, the employee's answer page. */
export class InformationRequestPages extends BasePage {
  /** The messages of the thread, oldest first. */
  get messages(): Locator {
    return this.page.locator('#thread .thread__message');
  }

  get status(): Locator {
    return this.page.locator('#request-status');
  }

  /** Administrator: the request form of an application page (message, documents ticked; the answer date is pre-filled). */
  async ask(message: string, documents: string[]): Promise<void> {
    await this.page.getByLabel('Your message to the employee').fill(message);
    for (const d of documents) await this.page.getByLabel(d, { exact: true }).check();
    await this.submit('Send the request');
  }

  /** Employee: the answer, with one file per document label. */
  async answer(message: string, files: Array<{ label: string; name: string; buffer: Buffer }>): Promise<void> {
    await this.page.getByLabel('Your message').fill(message);
    for (const f of files) await this.page.getByLabel(new RegExp(`^${f.label}`)).setInputFiles({ name: f.name, mimeType: 'application/pdf', buffer: f.buffer });
    await this.submit('Send my answer');
  }
}
