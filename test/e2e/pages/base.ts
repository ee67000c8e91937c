import type { Locator, Page } from 'playwright-core';

/** What every page of the app shares: layout (skip link, language switch, tabs), headings and the error summary. */
export class BasePage {
  constructor(readonly page: Page) {}

  async goto(path: string): Promise<void> {
    await this.page.goto(path);
  }

  /** The page's single h1. */
  get heading(): Locator {
    return this.page.locator('main h1');
  }

  async headingText(): Promise<string> {
    return ((await this.heading.textContent()) ?? '').trim();
  }

  /** <html lang>: 'fr' or 'en'. */
  async lang(): Promise<string | null> {
    return this.page.locator('html').getAttribute('lang');
  }

  /** Follows the header's language link ("Change to English" / "Passer en français"). */
  async switchLanguage(to: 'en' | 'fr'): Promise<void> {
    const name = to === 'en' ? 'Change to English' : 'Passer en français';
    await Promise.all([this.page.waitForURL((url) => url.searchParams.get('lang') === to), this.page.getByRole('link', { name, exact: true }).click()]);
  }

  get errorSummary(): Locator {
    return this.page.locator('.error-summary');
  }

  /** Whether the focused element is the error summary (where the focus lands after a failed submit). */
  async errorSummaryHasFocus(): Promise<boolean> {
    return (await this.page.evaluate("document.activeElement !== null && document.activeElement.classList.contains('error-summary')")) === true;
  }

  /** Links of the error summary, in order (text only). */
  async errorSummaryItems(): Promise<string[]> {
    return (await this.errorSummary.locator('li a').allTextContents()).map((s) => s.trim());
  }

  /** The flash banner shown after a successful action. */
  get banner(): Locator {
    return this.page.locator('main .banner');
  }

  /** The header tabs (only when signed in). */
  tab(name: string | RegExp): Locator {
    return this.page.locator('nav.tabs').getByRole('link', { name });
  }

  /** Asserts the browser tab title and h1 (the title carries the "Erreur :"/"Error:" prefix on a failed form). */
  async expectHeading(text: string | RegExp): Promise<void> {
    const actual = await this.headingText();
    if (typeof text === 'string') expect(actual).toBe(text);
    else expect(actual).toMatch(text);
  }

  /** Fills form fields by their id, in order: a select gets the option of that value, any other field the text. */
  async fillFields(values: Record<string, string>): Promise<void> {
    for (const [id, value] of Object.entries(values)) {
      const field = this.page.locator(`#${id}`);
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
  }

  /** Clicks a submit button by its visible name and waits for the resulting navigation. */
  async submit(name: string | RegExp): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name }).click()]);
  }
}
