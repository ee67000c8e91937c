import { getCountries } from 'libphonenumber-js';
import type { Language } from '../../platform/i18n';

/**
 * Countries for the form's selects (address, birth, nationality): ISO 3166-1 alpha-2 codes from libphonenumber's
 * list, named by the runtime's ICU data in the page language (like dates and numbers, via Intl), sorted by name.
 */
const CODES: readonly string[] = getCountries()
  .filter((c) => /^[A-Z]{2}$/.test(c) && !['AC', 'TA', 'XK'].includes(c))
  .sort();

const cache = new Map<Language, Array<{ value: string; text: string }>>();

export function isKnownCountry(code: unknown): code is string {
  return typeof code === 'string' && CODES.includes(code);
}

export function countryName(code: string, lang: Language): string {
  if (!code) return '';
  const id = `${lang}|${code}`;
  let name = countryNames.get(id);
  if (name === undefined) {
    try {
      let names = displayNames.get(lang);
      if (!names) displayNames.set(lang, (names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' })));
      name = names.of(code) ?? code;
    } catch {
      name = code;
    }
    // Bounded: codes come from stored answers, which were checked, but stay safe with any input.
    if (countryNames.size >= 2_000) countryNames.clear();
    countryNames.set(id, name);
  }
  return name;
}
/** Intl.DisplayNames is costly to build (~0.1 ms): one per language, and each name looked up once. */
const displayNames = new Map<Language, Intl.DisplayNames>();
const countryNames = new Map<string, string>();

/** `{ value, text }` items for the select macro, in the page language. */
export function countryItems(lang: Language): Array<{ value: string; text: string }> {
  let items = cache.get(lang);
  if (!items) {
    const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' });
    const collator = new Intl.Collator(lang);
    items = CODES.map((code) => ({ value: code, text: names.of(code) ?? code })).sort((a, b) => collator.compare(a.text, b.text));
    cache.set(lang, items);
  }
  return items;
}
