import { formErrors, type FormErrors } from '../../lib/form-errors';

/** Longest search accepted: a reference, a full name or an e-mail address fit well within it. */
export const SEARCH_MAX = 200;
/** The index finds parts of words of at least this many characters (trigrams). */
export const TERM_MIN = 3;

/** What the search box asks for: the words as typed (to show them again) and the terms the index looks for. */
export interface SearchQuery {
  q: string;
  /** Lower-case, without accents, each at least TERM_MIN characters; all must be found. */
  terms: string[];
}

/** Lower-case, accents removed ("Hervé-Müller" → "herve-muller"), as the index folds them. */
export function foldText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * The search box's query string. A reference may be typed with spaces, dots or dashes ("497 530 0125"); anything
 * else is split into words, each of which must be found (in the name, the e-mail or the reference). Too long, or
 * with no word of TERM_MIN characters: an error shown beside the box.
 */
export function parseSearch(source: unknown): { query: SearchQuery; errors: FormErrors | null } {
  const raw = (source && typeof source === 'object' ? (source as Record<string, unknown>).q : undefined) ?? '';
  const value = typeof (Array.isArray(raw) ? raw[0] : raw) === 'string' ? String(Array.isArray(raw) ? raw[0] : raw) : '';
  const q = value
    .normalize('NFC')
    .replace(/\p{Cc}/gu, ' ')
    .trim();
  if (q.length > SEARCH_MAX)
    return { query: { q: q.slice(0, SEARCH_MAX), terms: [] }, errors: formErrors([{ field: 'q', key: 'search:errors.tooLong', params: { max: SEARCH_MAX } }]) };
  if (!q) return { query: { q, terms: [] }, errors: formErrors([{ field: 'q', key: 'search:errors.empty' }]) };
  const digits = q.replace(/[\s.-]+/g, '');
  const words = /^\d+$/.test(digits) ? [digits] : foldText(q).split(/\s+/);
  const terms = [...new Set(words.filter((w) => [...w].length >= TERM_MIN))].slice(0, 10);
  if (!terms.length) return { query: { q, terms }, errors: formErrors([{ field: 'q', key: 'search:errors.tooShort', params: { min: TERM_MIN } }]) };
  return { query: { q, terms }, errors: null };
}
