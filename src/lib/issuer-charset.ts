import { transliterate } from 'transliteration';

/**
 * The issuer's character set for names (docs/issuer-files.md): upper-case A–Z, digits, space, hyphen, apostrophe.
 * Letters are transliterated by a maintained library (ß → SS, Æ → AE, Ø → O, Œ → OE, Ł → L, Vietnamese letters…),
 * never a hand-written table; anything left outside the set is dropped and runs of spaces are collapsed.
 */
export function toIssuerCharset(value: string | null | undefined): string {
  if (!value) return '';
  return value
    .normalize('NFC')
    .replace(/[^ -~]+/g, transliterated)
    .toUpperCase()
    .replace(/[^A-Z0-9 '-]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Runs of characters outside printable ASCII, transliterated once each (names repeat the same few: é, ü, ß…; 10,000 names in a file). */
const cache = new Map<string, string>();
const CACHE_MAX = 10_000;

function transliterated(run: string): string {
  let out = cache.get(run);
  if (out === undefined) {
    out = transliterate(run);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(run, out);
  }
  return out;
}
