import { BasePage } from './base';
import { escapeRegExp } from './admin';
import { expectNoSeriousA11yViolations } from '../support';

/** The development mailbox (/dev/mailbox): the list of kept e-mails and one message's page. French labels by default. */
export class MailboxPages extends BasePage {
  /**
   * Opens the list, reloading it until an e-mail to `recipient` whose subject matches `subject` is delivered (the
   * dispatcher polls every 100 ms in e2e), then opens the newest such message. Ends on the message's page.
   * `axe: true` runs axe on the list as found (before opening the message).
   */
  async openMessage(recipient: string, subject: string | RegExp, opts: { lang?: 'fr' | 'en'; timeoutMs?: number; axe?: boolean } = {}): Promise<void> {
    const lang = opts.lang ?? 'fr';
    const delivered = lang === 'fr' ? 'Remis' : 'Delivered';
    const subjectRe = typeof subject === 'string' ? new RegExp(`^${escapeRegExp(subject)}$`) : subject;
    const deadline = Date.now() + (opts.timeoutMs ?? 10000);
    for (;;) {
      await this.page.goto(`/dev/mailbox?lang=${lang}`);
      const row = this.page
        .locator('#mailbox tbody tr', { hasText: recipient })
        .filter({ has: this.page.getByRole('link', { name: subjectRe }) })
        .filter({ hasText: delivered })
        .first();
      if (await row.count()) {
        if (opts.axe) await expectNoSeriousA11yViolations(this.page, { label: 'mailbox list' });
        await Promise.all([this.page.waitForURL(/\/dev\/mailbox\/\d+$/), row.getByRole('link', { name: subjectRe }).click()]);
        return;
      }
      if (Date.now() > deadline) throw new Error(`No delivered e-mail to ${recipient} with subject ${String(subjectRe)} in the development mailbox`);
      await this.page.waitForTimeout(100);
    }
  }

  /** The text version of the open message. */
  async text(): Promise<string> {
    return (await this.page.locator('#mail-text').textContent()) ?? '';
  }

  /** The links of the open message, in order. */
  async links(): Promise<string[]> {
    return this.page.locator('#mail-links a').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
  }

  /** From a message's page, back to the list. */
  async backToList(lang: 'fr' | 'en' = 'fr'): Promise<void> {
    await Promise.all([
      this.page.waitForURL(/\/dev\/mailbox(\?.*)?$/),
      this.page.getByRole('link', { name: lang === 'fr' ? 'Retour à la boîte aux lettres' : 'Back to the mailbox' }).click(),
    ]);
  }
}
