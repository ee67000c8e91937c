import { transliterate } from 'transliteration';

/**
 * The issuer's character set for names (docs/issuer-files.md): upper-case A–Z, digits, space, hyphen, apostrophe.
 * Letters are transliterated by a maintained library (ß → SS, Æ → AE, Ø → O, Œ → OE, Ł → L, Vietnamese letters…),
 * never a hand-written table; anything left outside the set is dropped and runs of spaces are collapsed.
 */
export function toIssuerCharset(value: string | null | undefined): string {
  if (!value) return '';
  return transliterate(value.normalize('NFC'))
    .toUpperCase()
    .replace(/[^A-Z0-9 '-]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}
