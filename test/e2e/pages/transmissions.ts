import type { Locator } from 'playwright-core';
import { BasePage } from './base';

/** The platform administrator's Transmissions page (transmissions to the issuer). */
export class TransmissionsPage extends BasePage {
  async open(lang: 'fr' | 'en' = 'en'): Promise<void> {
    await this.page.getByRole('link', { name: lang === 'fr' ? 'Transmissions à l’émetteur' : 'Transmissions to the issuer' }).click();
  }

  async transmitNow(lang: 'fr' | 'en' = 'en'): Promise<void> {
    await this.submit(lang === 'fr' ? 'Transmettre maintenant' : 'Transmit now');
  }

  /** The row of a transmission by its number. */
  row(number: number): Locator {
    return this.page.locator(`#transmissions tr[data-number="${number}"]`);
  }

  /** The file names listed for a transmission (downloadable or erased) and their SHA-256 values. */
  async files(number: number): Promise<Array<{ text: string; sha256: string }>> {
    const items = this.row(number).locator('ul.transmission-files li');
    const out: Array<{ text: string; sha256: string }> = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      out.push({
        text: ((await item.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
        sha256: ((await item.locator('code.sha256').textContent()) ?? '').trim(),
      });
    }
    return out;
  }
}
