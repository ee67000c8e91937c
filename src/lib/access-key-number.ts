import crypto from 'node:crypto';

/** 32 symbols without the look-alikes I, L, O, U. */
export const ACCESS_KEY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ACCESS_KEY_LENGTH = 8;

export function generateAccessKeyNumber(randomInt: (max: number) => number = crypto.randomInt): string {
  let out = '';
  for (let i = 0; i < ACCESS_KEY_LENGTH; i++) out += ACCESS_KEY_ALPHABET[randomInt(ACCESS_KEY_ALPHABET.length)];
  return out;
}

/**
 * Normalises what a person typed: trims, drops spaces and hyphens, upper-cases, maps O→0 and I/L→1.
 * Returns undefined when the result cannot be a key number (so no lookup is made).
 */
export function normaliseAccessKeyNumber(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const cleaned = input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== ACCESS_KEY_LENGTH) return undefined;
  for (const ch of cleaned) if (!ACCESS_KEY_ALPHABET.includes(ch)) return undefined;
  return cleaned;
}
