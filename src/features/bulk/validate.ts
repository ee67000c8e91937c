import type { Language } from '../../platform/i18n';
import { checkDateOfBirth, checkEmail, checkEmbossName, checkPhone, checkPostalCode, todayIn } from '../../lib/validators';
import { controlCharactersIn, hasControlCharacters } from '../../lib/control-characters';
import { COLUMN_KEYS, type ColumnKey } from './columns';
import type { UploadRow } from './parse';

/**
 * Row rules of the bulk-send spreadsheet. Pure: no database (duplicates against open applications are added by the
 * service). Formats shared with the employee's form (e-mail, phone, postal code, date of birth, name to emboss) use
 * its checks, so a pre-fill accepted here is accepted there; their messages are `application-form:errors.*`, the
 * others `bulk:rowErrors.*`. Accented letters are accepted everywhere a name goes; the name to emboss is
 * transliterated (É → E) and upper-cased.
 */

export interface RowError {
  /** The column the error is about; undefined for a whole-row problem. */
  column?: ColumnKey;
  key: string;
  params?: Record<string, string | number>;
}

export type Title = 'mr' | 'mrs' | 'ms';

/** What a valid row initiates: the application's own columns plus the optional pre-fills. */
interface RowApplication {
  title: Title;
  firstName: string;
  lastName: string;
  email: string;
  language: Language;
  /** Pre-fills of the employee's form, only the columns the row filled. */
  prefill: Record<string, string>;
}

export interface CheckedRow {
  n: number;
  v: string[];
  errors: RowError[];
  application?: RowApplication;
}

const LIMITS = {
  name: 60,
  code: 30,
  jobTitle: 60,
  addressLine: 60,
  postalCode: 12,
  city: 60,
};

const TITLES: Record<string, Title> = {
  m: 'mr',
  mr: 'mr',
  monsieur: 'mr',
  mister: 'mr',
  mme: 'mrs',
  madame: 'mrs',
  mrs: 'mrs',
  ms: 'ms',
  mlle: 'ms',
  mademoiselle: 'ms',
  miss: 'ms',
};

const LANGUAGES_IN_CELLS: Record<string, Language> = {
  fr: 'fr',
  francais: 'fr',
  french: 'fr',
  en: 'en',
  anglais: 'en',
  english: 'en',
};

const NAME = /^[\p{L}\p{M}][\p{L}\p{M}' ’.-]*$/u;
const CODE = /^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u;
const FREE_TEXT = /^[^<>]*$/;

function bare(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || ['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB'].includes(code)) return false;
  return regionNames.of(code) !== code;
}

/** dd/mm/yyyy (also with - or . and one-digit day/month) or yyyy-mm-dd → its parts, or undefined. */
function dateParts(text: string): { day: string; month: string; year: string } | undefined {
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (match) return { day: match[1] as string, month: match[2] as string, year: match[3] as string };
  match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) return { day: match[3] as string, month: match[2] as string, year: match[1] as string };
  return undefined;
}

/** Checks every row; the second and later rows with the same e-mail are duplicates of the first. */
export function checkRows(rows: UploadRow[], now: Date, timeZone: string): CheckedRow[] {
  const today = todayIn(timeZone, now);
  const firstRowByEmail = new Map<string, number>();
  return rows.map((row) => {
    const checked = checkRow(row, today);
    const email = checked.application?.email ?? (row.v[COLUMN_KEYS.indexOf('email')] ?? '').toLowerCase();
    if (email && checkEmail(email).ok) {
      const first = firstRowByEmail.get(email);
      if (first === undefined) firstRowByEmail.set(email, row.n);
      else {
        checked.errors.push({ column: 'email', key: 'bulk:rowErrors.duplicateInFile', params: { row: first } });
        delete checked.application;
      }
    }
    return checked;
  });
}

function checkRow(row: UploadRow, today: string): CheckedRow {
  const cell = (k: ColumnKey): string => row.v[COLUMN_KEYS.indexOf(k)] ?? '';
  const errors: RowError[] = [];
  const fail = (column: ColumnKey, key: string, params?: Record<string, string | number>) =>
    errors.push({ column, key: key.includes(':') ? key : `bulk:rowErrors.${key}`, ...(params ? { params } : {}) });
  const prefill: Record<string, string> = {};

  // A value starting with "=" reads as a formula to a spreadsheet: that row alone is refused, naming the cells (the
  // other rows still preview). It is kept as text, never evaluated, and neutralised in the rejected-rows file.
  const formulaLike = COLUMN_KEYS.filter((k) => cell(k).startsWith('='));
  if (formulaLike.length) {
    for (const k of formulaLike) fail(k, 'formulaText');
    return { n: row.n, v: row.v, errors };
  }
  // Control and bidi characters (a right-to-left override reverses what follows it): refused as the employee's form
  // refuses them, naming the characters as the preview shows them ("[U+202E]").
  const withControls = COLUMN_KEYS.filter((k) => hasControlCharacters(cell(k)));
  if (withControls.length) {
    for (const k of withControls) fail(k, 'controlCharacters', { characters: controlCharactersIn(cell(k)).join(' ') });
    return { n: row.n, v: row.v, errors };
  }

  const title = TITLES[bare(cell('title'))];
  if (!cell('title')) fail('title', 'required');
  else if (!title) fail('title', 'title');

  const name = (k: ColumnKey, required: boolean): string => {
    const v = cell(k).replace(/\s+/g, ' ');
    if (!v) {
      if (required) fail(k, 'required');
    } else if (v.length > LIMITS.name) fail(k, 'tooLong', { max: LIMITS.name });
    else if (!NAME.test(v)) fail(k, 'name');
    return v;
  };
  const firstName = name('firstName', true);
  const lastName = name('lastName', true);

  let email = '';
  if (!cell('email')) fail('email', 'required');
  else {
    const checked = checkEmail(cell('email'));
    if (checked.ok) email = checked.value;
    else fail('email', checked.key);
  }

  const text = (k: ColumnKey, max: number, pattern: RegExp, patternKey: string) => {
    const v = cell(k).replace(/\s+/g, ' ');
    if (!v) return;
    if (v.length > max) fail(k, 'tooLong', { max });
    else if (!pattern.test(v)) fail(k, patternKey);
    else prefill[k] = v;
  };
  text('employeeNumber', LIMITS.code, CODE, 'code');
  text('costCentre', LIMITS.code, CODE, 'code');
  text('jobTitle', LIMITS.jobTitle, FREE_TEXT, 'freeText');

  const country = cell('businessCountry').toUpperCase();
  const countryOk = !country || isCountryCode(country);
  if (country) {
    if (!countryOk) fail('businessCountry', 'country');
    else prefill.businessCountry = country;
  }

  for (const k of ['businessPhone', 'mobilePhone'] as const) {
    if (!cell(k)) continue;
    const phone = cell(k).length <= 30 ? checkPhone(cell(k), country && countryOk ? country : 'FR', { mobileOnly: k === 'mobilePhone' }) : undefined;
    if (!phone) fail(k, 'tooLong', { max: 30 });
    else if (!phone.ok) fail(k, phone.key);
    else prefill[k] = phone.value;
  }

  let language: Language = 'fr';
  if (cell('language')) {
    const l = LANGUAGES_IN_CELLS[bare(cell('language'))];
    if (!l) fail('language', 'language');
    else language = l;
  }

  if (cell('embossName')) {
    const emboss = checkEmbossName(cell('embossName'));
    if (!emboss.ok) fail('embossName', emboss.key);
    else prefill.embossName = emboss.value;
  }

  text('businessAddressLine1', LIMITS.addressLine, FREE_TEXT, 'freeText');
  text('businessAddressLine2', LIMITS.addressLine, FREE_TEXT, 'freeText');
  text('businessCity', LIMITS.city, FREE_TEXT, 'freeText');

  if (cell('businessPostalCode')) {
    if (cell('businessPostalCode').length > LIMITS.postalCode) fail('businessPostalCode', 'tooLong', { max: LIMITS.postalCode });
    else {
      const postal = checkPostalCode(cell('businessPostalCode'), country && countryOk ? country : 'FR');
      if (!postal.ok) fail('businessPostalCode', postal.key);
      else prefill.businessPostalCode = postal.value;
    }
  }

  if (cell('dateOfBirth')) {
    const parts = dateParts(cell('dateOfBirth'));
    const birth = parts ? checkDateOfBirth(parts, today) : undefined;
    // The form's "invalid" message shows its three-field example; the spreadsheet's format is dd/mm/yyyy.
    if (!birth || (!birth.ok && birth.key.endsWith('.invalid'))) fail('dateOfBirth', 'date');
    else if (!birth.ok) fail('dateOfBirth', birth.key);
    else prefill.dateOfBirth = birth.value;
  }

  const birthName = name('birthName', false);
  if (birthName && !errors.some((e) => e.column === 'birthName')) prefill.birthName = birthName;

  if (cell('additionalApproverEmail')) {
    const approver = checkEmail(cell('additionalApproverEmail'));
    if (!approver.ok) fail('additionalApproverEmail', approver.key);
    else if (approver.value === email) fail('additionalApproverEmail', 'approverIsApplicant');
    else prefill.additionalApproverEmail = approver.value;
  }

  if (errors.length || !title) return { n: row.n, v: row.v, errors };
  return { n: row.n, v: row.v, errors, application: { title, firstName, lastName, email, language, prefill } };
}
