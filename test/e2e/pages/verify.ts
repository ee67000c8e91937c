import type { Locator } from 'playwright-core';
import { BasePage } from './base';

/** The public verify page (/verify): upload a PDF, read the answer. */
export class VerifyPage extends BasePage {
  /** Follows the footer's link next to Help. */
  async openFromFooter(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/verify/), this.page.locator('#footer-verify').click()]);
  }

  /** Chooses a PDF (bytes) and submits the form. */
  async verify(pdf: Buffer, name = 'copy.pdf'): Promise<void> {
    await this.page.locator('#file').setInputFiles({ name, mimeType: 'application/pdf', buffer: pdf });
    await Promise.all([this.page.waitForNavigation(), this.page.locator('#verify-submit').click()]);
  }

  get result(): Locator {
    return this.page.locator('#verify-result');
  }

  get reference(): Locator {
    return this.page.locator('#verify-reference');
  }
}
