import { electronicFormatIBAN, isValidBIC, isValidIBAN, isSEPACountry } from 'ibantools';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

/**
 * Format checks for the employee's form. Pure functions: each takes what the person typed, normalises it the way a
 * person means it (spaces, case, accents) and returns the value to store or a translation key under
 * `application-form:errors.*`. The `z*` builders wrap them for zod schemas (the issue message is the key).
 */
export type Check<T = string> = { ok: true; value: T } | { ok: false; key: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T = string>(key: string): Check<T> => ({ ok: false, key });

const E = 'application-form:errors';

// ---------------------------------------------------------------------------------------------------------------
// IBAN and BIC

/** Spaces, dashes and dots dropped, upper-cased: what a person copies from a bank statement becomes the electronic form. */
function normaliseIban(raw: string): string {
  return electronicFormatIBAN(raw.normalize('NFKC').replace(/[\s.-]/g, '')) ?? '';
}

/** IBAN by checksum and country structure (ibantools); only SEPA countries, since the debit is a SEPA direct debit. */
export function checkIban(raw: string | null | undefined): Check {
  const value = normaliseIban(raw ?? '');
  if (!value) return fail(`${E}.iban.required`);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(value) || !isValidIBAN(value)) return fail(`${E}.iban.invalid`);
  if (!isSEPACountry(value.slice(0, 2))) return fail(`${E}.iban.notSepa`);
  return ok(value);
}

/** BIC (8 or 11 characters) checked by ibantools; spaces dropped, upper-cased. */
export function checkBic(raw: string | null | undefined): Check {
  const value = (raw ?? '').normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (!value) return fail(`${E}.bic.required`);
  if (!isValidBIC(value)) return fail(`${E}.bic.invalid`);
  return ok(value);
}

/** A BIC whose country differs from the IBAN's is a typo in one of them. */
export function checkBicMatchesIban(bic: string, iban: string): Check {
  return bic.slice(4, 6) === iban.slice(0, 2) ? ok(bic) : fail(`${E}.bic.countryMismatch`);
}

// ---------------------------------------------------------------------------------------------------------------
// Phone

/**
 * A phone number in international (E.164) form. National numbers are read with the country of the address as the
 * default (`06 12 34 56 78` in France → +33612345678); numbers typed with +CC or 00CC keep their own country.
 * `mobileOnly` refuses fixed lines (the cardholder's mobile phone).
 */
export function checkPhone(raw: string | null | undefined, defaultCountry?: string | null, opts: { mobileOnly?: boolean } = {}): Check {
  const typed = (raw ?? '').normalize('NFKC').trim();
  if (!typed) return fail(`${E}.phone.required`);
  if (!/^[+\d\s().-]+$/.test(typed)) return fail(`${E}.phone.invalid`);
  const international = typed.replace(/^00/, '+');
  const country = defaultCountry && /^[A-Z]{2}$/.test(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(international, country ? { defaultCountry: country } : {});
  if (!parsed || !parsed.isValid()) return fail(`${E}.phone.invalid`);
  if (opts.mobileOnly) {
    const type = parsed.getType();
    if (type && !['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER'].includes(type)) return fail(`${E}.phone.notMobile`);
  }
  return ok(parsed.number);
}

// ---------------------------------------------------------------------------------------------------------------
// Postal codes

interface PostalRule {
  /** Applied to the upper-cased, trimmed value before the pattern. */
  normalise?: (v: string) => string;
  pattern: RegExp;
}

const digits = (n: number): PostalRule => ({ normalise: (v) => v.replace(/\s/g, ''), pattern: new RegExp(`^\\d{${n}}$`) });

/** Countries with a known format; elsewhere a generic rule (2–10 letters, digits, spaces or hyphens). */
const POSTAL_CODE_RULES: Record<string, PostalRule> = {
  FR: { normalise: (v) => v.replace(/\s/g, ''), pattern: /^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/ },
  MC: { normalise: (v) => v.replace(/\s/g, ''), pattern: /^980\d{2}$/ },
  BE: { normalise: (v) => v.replace(/^B-?/, '').replace(/\s/g, ''), pattern: /^[1-9]\d{3}$/ },
  LU: { normalise: (v) => v.replace(/^L-?/, '').replace(/\s/g, ''), pattern: /^\d{4}$/ },
  CH: { normalise: (v) => v.replace(/^CH-?/, '').replace(/\s/g, ''), pattern: /^[1-9]\d{3}$/ },
  DE: { normalise: (v) => v.replace(/^D-?/, '').replace(/\s/g, ''), pattern: /^\d{5}$/ },
  ES: { normalise: (v) => v.replace(/\s/g, ''), pattern: /^(?:0[1-9]|[1-4]\d|5[0-2])\d{3}$/ },
  IT: { normalise: (v) => v.replace(/^I-?/, '').replace(/\s/g, ''), pattern: /^\d{5}$/ },
  NL: { normalise: (v) => v.replace(/\s/g, '').replace(/^(\d{4})([A-Z]{2})$/, '$1 $2'), pattern: /^[1-9]\d{3} (?!SA|SD|SS)[A-Z]{2}$/ },
  GB: {
    normalise: (v) => v.replace(/\s/g, '').replace(/^(.+)(\d[A-Z]{2})$/, '$1 $2'),
    pattern: /^(?:GIR 0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) \d[ABD-HJLNP-UW-Z]{2})$/,
  },
  PT: { normalise: (v) => v.replace(/\s/g, ''), pattern: /^\d{4}-\d{3}$/ },
  AT: digits(4),
  DK: digits(4),
  US: { pattern: /^\d{5}(?:-\d{4})?$/ },
};

const GENERIC_POSTAL_CODE = /^[A-Z0-9](?:[A-Z0-9 -]{0,8}[A-Z0-9])?$/;

/** Postal code by the address country's format; returns the code in its usual written form (e.g. `SW1A 1AA`). */
export function checkPostalCode(raw: string | null | undefined, country: string | null | undefined): Check {
  const typed = (raw ?? '').normalize('NFKC').trim().toUpperCase().replace(/\s+/g, ' ');
  if (!typed) return fail(`${E}.postalCode.required`);
  const rule = country ? POSTAL_CODE_RULES[country.toUpperCase()] : undefined;
  if (!rule) return GENERIC_POSTAL_CODE.test(typed) ? ok(typed) : fail(`${E}.postalCode.invalid`);
  const value = rule.normalise ? rule.normalise(typed) : typed;
  return rule.pattern.test(value) ? ok(value) : fail(`${E}.postalCode.invalidForCountry`);
}

// ---------------------------------------------------------------------------------------------------------------
// Date of birth

export interface DateParts {
  day?: string | number | null;
  month?: string | number | null;
  year?: string | number | null;
}

const MINIMUM_AGE = 18;
const MAXIMUM_AGE = 120;

/** Whole years between a birth date and a day, both 'YYYY-MM-DD'. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * Date of birth from three fields (day, month, year). Must be a real date, the cardholder an adult on `today`
 * ('YYYY-MM-DD' in the service's time zone) and not older than 120. Returns 'YYYY-MM-DD'.
 */
export function checkDateOfBirth(parts: DateParts, today: string): Check {
  const raw = [parts.day, parts.month, parts.year].map((p) => String(p ?? '').trim());
  const [d, m, y] = raw as [string, string, string];
  if (!d && !m && !y) return fail(`${E}.dateOfBirth.required`);
  if (!d || !m || !y) return fail(`${E}.dateOfBirth.incomplete`);
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return fail(`${E}.dateOfBirth.invalid`);
  const day = Number(d);
  const month = Number(m);
  const year = Number(y);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return fail(`${E}.dateOfBirth.invalid`);
  }
  const iso = `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (iso > today) return fail(`${E}.dateOfBirth.inFuture`);
  const age = ageOn(iso, today);
  if (age < MINIMUM_AGE) return fail(`${E}.dateOfBirth.tooYoung`);
  if (age > MAXIMUM_AGE) return fail(`${E}.dateOfBirth.tooOld`);
  return ok(iso);
}

/** Today's date ('YYYY-MM-DD') in a time zone, for the adult check (src/lib/today.ts). */
export { todayIn } from './today';

// ---------------------------------------------------------------------------------------------------------------
// E-mail

const EMAIL_MAX_LENGTH = 254;
const emailSchema = z.email();

/** E-mail address, trimmed and lower-cased, at most 254 characters. */
export function checkEmail(raw: string | null | undefined): Check {
  const value = (raw ?? '').normalize('NFC').trim().toLowerCase();
  if (!value) return fail(`${E}.email.required`);
  if (value.length > EMAIL_MAX_LENGTH) return fail(`${E}.email.tooLong`);
  if (!emailSchema.safeParse(value).success) return fail(`${E}.email.invalid`);
  return ok(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Name to emboss

const EMBOSS_MAX_LENGTH = 26;

/** Letters that Unicode decomposition does not reduce to A–Z. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'SS',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'AE',
  Œ: 'OE',
  œ: 'OE',
  Ø: 'O',
  ø: 'O',
  Đ: 'D',
  đ: 'D',
  Ð: 'D',
  ð: 'D',
  Ł: 'L',
  ł: 'L',
  Þ: 'TH',
  þ: 'TH',
  ı: 'I',
  Ħ: 'H',
  ħ: 'H',
  Ŧ: 'T',
  ŧ: 'T',
  Ŋ: 'NG',
  ŋ: 'NG',
};

/**
 * Upper-case A–Z with accents transliterated (É→E, ß→SS, Œ→OE, Ø→O…), typographic apostrophes and dashes made
 * ASCII, anything else turned into a space; runs of spaces collapsed.
 */
function transliterateForEmbossing(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[ßẞÆæŒœØøĐđÐðŁłÞþıĦħŦŧŊŋ]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘ʼ`´]/g, "'")
    .replace(/[‐‑‒–—]/g, '-')
    .toUpperCase()
    .replace(/[^A-Z' -]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The name to emboss derived from the cardholder's names: "FIRST LAST" transliterated; when longer than 26
 * characters the first name becomes its initial ("J DUPONT-MARTIN"); a last name still too long is cut at 26.
 */
export function deriveEmbossName(firstName: string | null | undefined, lastName: string | null | undefined): string {
  const first = transliterateForEmbossing(firstName ?? '');
  const last = transliterateForEmbossing(lastName ?? '');
  const full = [first, last].filter(Boolean).join(' ');
  if (full.length <= EMBOSS_MAX_LENGTH) return full;
  const initial = first.replace(/[^A-Z]/g, '').slice(0, 1);
  const short = [initial, last].filter(Boolean).join(' ');
  return short.slice(0, EMBOSS_MAX_LENGTH).replace(/[ '-]+$/, '');
}

/**
 * An edited name to emboss: accents are transliterated and case raised (what the card can print), but other
 * characters (digits, punctuation) are refused rather than silently dropped, so the person sees what will be printed.
 */
export function checkEmbossName(raw: string | null | undefined): Check {
  const typed = (raw ?? '').normalize('NFC').trim();
  if (!typed) return fail(`${E}.embossName.required`);
  const withoutAccents = typed
    .replace(/[ßẞÆæŒœØøĐđÐðŁłÞþıĦħŦŧŊŋ]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘ʼ]/g, "'")
    .replace(/[‐‑‒–—]/g, '-')
    .toUpperCase()
    .replace(/\s+/g, ' ');
  if (!/^[A-Z' -]+$/.test(withoutAccents)) return fail(`${E}.embossName.characters`);
  if (!/[A-Z]/.test(withoutAccents)) return fail(`${E}.embossName.characters`);
  if (withoutAccents.length > EMBOSS_MAX_LENGTH) return fail(`${E}.embossName.tooLong`);
  return ok(withoutAccents);
}

// ---------------------------------------------------------------------------------------------------------------
// Zod adapters

/** A zod string schema that runs a check, outputs its normalised value, and reports its key as the issue message. */
export function zCheck(check: (raw: string) => Check): z.ZodType<string, string> {
  return z.string().transform((raw, ctx) => {
    const result = check(raw);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.key });
    return z.NEVER;
  });
}
