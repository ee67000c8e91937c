import { BasePage } from './base';

/** Program and platform administrators' pages. Access-key pages: see AccessKeyPages in ./access-keys. */
export class AdminPages extends BasePage {
  /**
   * Dev sign-in as the demo administrator whose display name is given (e.g. 'Claire Martin'), in the language asked
   * (the sign-in page is opened with ?lang=, which the session remembers). Ends on the administrator's home.
   */
  async signIn(displayName: string, lang: 'fr' | 'en' = 'fr'): Promise<void> {
    await this.page.goto(`/sign-in?lang=${lang}`);
    await this.page.getByRole('radio', { name: new RegExp(`^${escapeRegExp(displayName)} <`) }).check();
    await this.submit(lang === 'fr' ? 'Se connecter' : 'Sign in');
  }

  async signOut(lang: 'fr' | 'en' = 'fr'): Promise<void> {
    await this.submit(lang === 'fr' ? 'Se déconnecter' : 'Sign out');
  }

  /** The approval queue filtered on the applications past their key's approval deadline (issue 16 item 3). */
  async filterQueueOnOverdue(lang: 'fr' | 'en' = 'fr'): Promise<void> {
    await this.page
      .getByLabel(lang === 'fr' ? 'Délai d’approbation' : 'Approval deadline')
      .selectOption({ label: lang === 'fr' ? 'En retard uniquement' : 'Overdue only' });
    await this.submit(lang === 'fr' ? 'Filtrer' : 'Filter');
  }

  /** The references of the queue's rows, each with its "overdue" tag ('' when none). */
  async queueRows(): Promise<Array<[string, string]>> {
    const rows = this.page.locator('#queue tbody tr');
    const out: Array<[string, string]> = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const reference = ((await row.locator('td:nth-child(2) a').textContent()) ?? '').trim();
      const tag = (await row.locator('.overdue-flag').count()) ? ((await row.locator('.overdue-flag').textContent()) ?? '').trim() : '';
      out.push([reference, tag]);
    }
    return out;
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
