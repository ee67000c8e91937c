import type { Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import { findHelpContactBySlug } from './repository';

/**
 * A contact of the help directory (Help & contacts, src/features/help) quoted by another page: the complaint pages give
 * the mediator's (slug `mediator`, which the platform administrator may edit but not remove).
 */
export interface HelpContact {
  title: string;
  topics: string[];
  hours: string;
  /** As stored (E.164); `phoneHref` is the `tel:` link. */
  phone: string;
  phoneHref: string | null;
  email: string;
  url: string;
  address: string;
}

export async function helpContact(db: Db, slug: string, lang: Language): Promise<HelpContact | undefined> {
  const row = await findHelpContactBySlug(db, slug);
  if (!row) return undefined;
  const topics = lang === 'fr' ? row.topics_fr : row.topics_en;
  const phone = row.phone.replace(/[^\d+]/g, '');
  return {
    title: lang === 'fr' ? row.title_fr : row.title_en,
    topics: topics ? topics.split('\n') : [],
    hours: lang === 'fr' ? row.hours_fr : row.hours_en,
    phone: row.phone,
    phoneHref: phone ? `tel:${phone}` : null,
    email: row.email,
    url: row.url,
    address: row.address,
  };
}

/** The mediator the complainant may turn to (seed 001: consumer mediation). */
export const MEDIATOR_SLUG = 'mediator';
