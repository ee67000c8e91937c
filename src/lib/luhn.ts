import crypto from 'node:crypto';

/** Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function isValidLuhn(value: string): boolean {
  if (!/^\d{2,}$/.test(value)) return false;
  return luhnCheckDigit(value.slice(0, -1)) === Number(value.slice(-1));
}

/** 10-digit application reference: 9 random digits (first never 0) + Luhn check digit. Never sequential. */
export function generateReference(randomInt: (min: number, max: number) => number = crypto.randomInt): string {
  const body = String(randomInt(100_000_000, 1_000_000_000));
  return body + String(luhnCheckDigit(body));
}

/** Drops spaces and separators a person may type; returns undefined unless 10 digits with a valid check digit. */
export function normaliseReference(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const cleaned = input.replace(/[\s.-]/g, '');
  if (!/^\d{10}$/.test(cleaned)) return undefined;
  return isValidLuhn(cleaned) ? cleaned : undefined;
}
