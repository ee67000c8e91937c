import { formErrors, type FormErrors } from '../../lib/form-errors';
import { TITLES } from './fields';
import { isLanguage } from '../../platform/i18n';
import { isKnownCountry } from './countries';
import {
  APPROVER_LIMITS,
  CARDHOLDER_FIELDS,
  CARDHOLDER_LIMITS,
  PAYMENT_LIMITS,
  PRIORITY_LIMITS,
  type CardholderValues,
  type FormContext,
  type PaymentData,
} from './form-data';
import { checkBic, checkBicMatchesIban, checkDateOfBirth, checkEmail, checkEmbossName, checkPhone, checkPostalCode, deriveEmbossName } from '../../lib/validators';

/**
 * Two levels of checks for each section:
 * - `pick…` (Save): only types and lengths, so a half-filled page is kept exactly as typed;
 * - `validate…` (Continue, review, signing): every rule, returning the normalised values to keep.
 * Errors are translation keys; labels are nested (`$t(labelKey)`) so a message names its field in the page language.
 */
export interface Issue {
  field: string;
  key: string;
  params?: Record<string, string | number>;
  href?: string;
}

const NS = 'application-form';
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}' ’.-]*$/u;
const CODE = /^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u;
const FREE_TEXT = /^[^<>{}\p{Cc}]*$/u;

export function labelKey(section: string, field: string): string {
  return `${NS}:${section}.fields.${field}.label`;
}

export function toFormErrors(issues: Issue[]): FormErrors | null {
  return issues.length ? formErrors(issues) : null;
}

/**
 * Save: every listed field must be a string (absent = empty) no longer than its limit; anything else in the body
 * is ignored. Values are kept as typed (trimmed and NFC by normaliseBody).
 */
export function pickStrings<K extends string>(body: Record<string, unknown>, limits: Record<K, number>, section: string): { values: Record<K, string>; issues: Issue[] } {
  const values = {} as Record<K, string>;
  const issues: Issue[] = [];
  for (const field of Object.keys(limits) as K[]) {
    const raw = body[field];
    if (raw === undefined || raw === null) {
      values[field] = '';
      continue;
    }
    if (typeof raw !== 'string') {
      values[field] = '';
      issues.push({ field, key: `${NS}:errors.type`, params: { labelKey: labelKey(section, field) } });
      continue;
    }
    values[field] = raw;
    if ([...raw].length > limits[field]) issues.push({ field, key: `${NS}:errors.tooLong`, params: { labelKey: labelKey(section, field), max: limits[field] } });
  }
  return { values, issues };
}

// ---------------------------------------------------------------------------------------------------------------
// Cardholder

export function pickCardholder(body: Record<string, unknown>) {
  return pickStrings(body, CARDHOLDER_LIMITS, 'cardholder');
}

/** Full check of the cardholder section; `today` is 'YYYY-MM-DD' in the service's time zone (adult check). */
export function validateCardholder(input: CardholderValues, ctx: FormContext, today: string): { values: CardholderValues; issues: Issue[] } {
  const v: CardholderValues = {};
  for (const f of CARDHOLDER_FIELDS) v[f] = (input[f] ?? '').trim();
  const issues: Issue[] = [];
  const err = (field: string, key: string, params?: Record<string, string | number>, href?: string) =>
    issues.push({ field, key: key.includes(':') ? key : `${NS}:cardholder.fields.${field}.errors.${key}`, ...(params ? { params } : {}), ...(href ? { href } : {}) });
  const lengthOk = (field: keyof typeof CARDHOLDER_LIMITS) => {
    if ([...(v[field] ?? '')].length <= CARDHOLDER_LIMITS[field]) return true;
    err(field, `${NS}:errors.tooLong`, { labelKey: labelKey('cardholder', field), max: CARDHOLDER_LIMITS[field] });
    return false;
  };
  const name = (field: 'firstName' | 'lastName' | 'birthName', required: boolean) => {
    const value = (v[field] ?? '').replace(/\s+/g, ' ');
    v[field] = value;
    if (!value) {
      if (required) err(field, 'required');
      return;
    }
    if (lengthOk(field) && !NAME.test(value)) err(field, `${NS}:errors.nameCharacters`, { labelKey: labelKey('cardholder', field) });
  };
  const text = (field: keyof typeof CARDHOLDER_LIMITS, required: boolean, pattern: RegExp = FREE_TEXT, patternKey = `${NS}:errors.characters`) => {
    const value = (v[field] ?? '').replace(/\s+/g, ' ');
    v[field] = value;
    if (!value) {
      if (required) err(field, 'required');
      return;
    }
    if (lengthOk(field) && !pattern.test(value)) err(field, patternKey, { labelKey: labelKey('cardholder', field) });
  };
  const country = (field: 'birthCountry' | 'nationality' | 'homeCountry' | 'businessCountry') => {
    if (!v[field]) err(field, 'required');
    else if (!isKnownCountry(v[field])) err(field, `${NS}:errors.country`, { labelKey: labelKey('cardholder', field) });
  };

  if (!(TITLES as readonly string[]).includes(v.title ?? '')) err('title', 'required');
  name('firstName', true);
  name('lastName', true);
  name('birthName', false);

  const dob = checkDateOfBirth({ day: v.dobDay, month: v.dobMonth, year: v.dobYear }, today);
  if (!dob.ok) err('dateOfBirth', dob.key, undefined, '#dobDay');

  text('birthPlace', true);
  country('birthCountry');
  country('nationality');

  text('homeAddressLine1', true);
  text('homeAddressLine2', false);
  country('homeCountry');
  const homeCountry = isKnownCountry(v.homeCountry) ? v.homeCountry : undefined;
  const homePostal = checkPostalCode(v.homePostalCode, homeCountry ?? null);
  if (!homePostal.ok) err('homePostalCode', homePostal.key);
  else v.homePostalCode = homePostal.value;
  text('homeCity', true);

  const mobile = checkPhone(v.mobilePhone, homeCountry ?? 'FR', { mobileOnly: true });
  if (!mobile.ok) err('mobilePhone', mobile.key);
  else v.mobilePhone = mobile.value;

  const businessCountry = isKnownCountry(v.businessCountry) ? v.businessCountry : undefined;
  if (v.businessPhone) {
    const phone = checkPhone(v.businessPhone, businessCountry ?? homeCountry ?? 'FR');
    if (!phone.ok) err('businessPhone', phone.key);
    else v.businessPhone = phone.value;
  }

  const email = checkEmail(v.businessEmail);
  if (!email.ok) err('businessEmail', email.key);
  else v.businessEmail = email.value;

  text('businessAddressLine1', true);
  text('businessAddressLine2', false);
  country('businessCountry');
  const businessPostal = checkPostalCode(v.businessPostalCode, businessCountry ?? null);
  if (!businessPostal.ok) err('businessPostalCode', businessPostal.key);
  else v.businessPostalCode = businessPostal.value;
  text('businessCity', true);

  text('jobTitle', true);
  text('employeeNumber', ctx.key.employeeNumberRule === 'required', CODE, `${NS}:errors.code`);
  text('costCentre', ctx.key.costCentreRule === 'required', CODE, `${NS}:errors.code`);

  // Derived from the name when left empty; an edited one is checked as typed (nothing silently dropped).
  if (!v.embossName) v.embossName = deriveEmbossName(v.firstName, v.lastName);
  const emboss = checkEmbossName(v.embossName);
  if (!emboss.ok) err('embossName', emboss.key);
  else v.embossName = emboss.value;

  if (!isLanguage(v.correspondenceLanguage)) err('correspondenceLanguage', 'required');

  return { values: v, issues };
}

// ---------------------------------------------------------------------------------------------------------------
// Individual payment (direct debit)

export function pickPayment(body: Record<string, unknown>) {
  return pickStrings(body, PAYMENT_LIMITS, 'payment');
}

/** Whether the employee must give bank details: the key requires direct debit, or makes it optional and they chose it. */
export function directDebitChosen(ctx: FormContext, payment: PaymentData | undefined): boolean {
  if (ctx.key.directDebitRule === 'required') return true;
  if (ctx.key.directDebitRule === 'optional') return payment?.directDebit === 'yes';
  return false;
}

/**
 * Full check of the payment section on the stored data: the IBAN's own check was made when it was typed (it is kept
 * encrypted), so this reads its recorded result.
 */
export function validatePayment(payment: PaymentData | undefined, ctx: FormContext): { values: PaymentData; issues: Issue[] } {
  const p: PaymentData = { ...(payment ?? {}) };
  const issues: Issue[] = [];
  const err = (field: string, key: string) => issues.push({ field, key: key.includes(':') ? key : `${NS}:payment.fields.${field}.errors.${key}` });
  if (ctx.key.directDebitRule === 'optional' && !['yes', 'no'].includes(p.directDebit ?? '')) err('directDebit', 'required');
  if (!directDebitChosen(ctx, p)) return { values: p, issues };
  if (!p.iban) err('iban', `${NS}:errors.iban.required`);
  else if (p.ibanCheck !== 'ok') err('iban', p.ibanCheck && p.ibanCheck.startsWith(`${NS}:errors.iban.`) ? p.ibanCheck : `${NS}:errors.iban.invalid`);
  const bic = checkBic(p.bic);
  if (!bic.ok) err('bic', bic.key);
  else {
    p.bic = bic.value;
    if (p.ibanCheck === 'ok' && p.ibanCountry) {
      const match = checkBicMatchesIban(bic.value, p.ibanCountry);
      if (!match.ok) err('bic', match.key);
    }
  }
  const holder = (p.accountHolder ?? '').replace(/\s+/g, ' ').trim();
  p.accountHolder = holder;
  if (!holder) err('accountHolder', 'required');
  else if ([...holder].length > PAYMENT_LIMITS.accountHolder) err('accountHolder', `${NS}:errors.tooLong`);
  else if (!FREE_TEXT.test(holder)) issues.push({ field: 'accountHolder', key: `${NS}:errors.characters`, params: { labelKey: labelKey('payment', 'accountHolder') } });
  return { values: p, issues };
}

// ---------------------------------------------------------------------------------------------------------------
// Priority (self-service only)

export function pickPriority(body: Record<string, unknown>) {
  return pickStrings(body, PRIORITY_LIMITS, 'priority');
}

export function validatePriority(values: { priority?: string; urgentTermsAccepted?: string } | undefined): Issue[] {
  const issues: Issue[] = [];
  if (!['normal', 'urgent'].includes(values?.priority ?? '')) issues.push({ field: 'priority', key: `${NS}:priority.fields.priority.errors.required` });
  else if (values?.priority === 'urgent' && values.urgentTermsAccepted !== 'yes') {
    issues.push({ field: 'urgentTermsAccepted', key: `${NS}:priority.fields.urgentTermsAccepted.errors.required` });
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------------
// Additional approver

export function pickApprover(body: Record<string, unknown>) {
  return pickStrings(body, APPROVER_LIMITS, 'approval');
}

/** The approver's name and e-mail; the approver cannot be the applicant. */
export function validateApprover(
  input: { approverName?: string; approverEmail?: string; approverLanguage?: string } | undefined,
  applicantEmails: string[],
): { values: { approverName: string; approverEmail: string; approverLanguage: string }; issues: Issue[] } {
  const issues: Issue[] = [];
  const name = (input?.approverName ?? '').replace(/\s+/g, ' ').trim();
  if (!name) issues.push({ field: 'approverName', key: `${NS}:approval.fields.approverName.errors.required` });
  else if ([...name].length > APPROVER_LIMITS.approverName) issues.push({ field: 'approverName', key: `${NS}:errors.tooLong`, params: { labelKey: labelKey('approval', 'approverName'), max: APPROVER_LIMITS.approverName } });
  else if (!NAME.test(name)) issues.push({ field: 'approverName', key: `${NS}:errors.nameCharacters`, params: { labelKey: labelKey('approval', 'approverName') } });
  let email = (input?.approverEmail ?? '').trim();
  const checked = checkEmail(email);
  if (!checked.ok) issues.push({ field: 'approverEmail', key: checked.key });
  else {
    email = checked.value;
    if (applicantEmails.map((e) => e.trim().toLowerCase()).includes(email)) issues.push({ field: 'approverEmail', key: `${NS}:approval.fields.approverEmail.errors.applicant` });
  }
  const language = isLanguage(input?.approverLanguage) ? input.approverLanguage : '';
  if (!language) issues.push({ field: 'approverLanguage', key: `${NS}:approval.fields.approverLanguage.errors.required` });
  return { values: { approverName: name, approverEmail: email, approverLanguage: language }, issues };
}
