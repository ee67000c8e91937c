import type { Db } from '../../platform/db';

/** One entry of the help directory (table `help_entry`, edited on the help pages) as another page quotes it. */
export interface HelpContactRow {
  slug: string;
  title_fr: string;
  title_en: string;
  topics_fr: string;
  topics_en: string;
  hours_fr: string;
  hours_en: string;
  phone: string;
  email: string;
  url: string;
  address: string;
}

/** The directory's entry with this slug (e.g. `mediator`), or undefined when there is none. */
export async function findHelpContactBySlug(db: Db, slug: string): Promise<HelpContactRow | undefined> {
  return db<HelpContactRow>('help_entry')
    .where({ slug })
    .first('slug', 'title_fr', 'title_en', 'topics_fr', 'topics_en', 'hours_fr', 'hours_en', 'phone', 'email', 'url', 'address');
}
