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
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
