import { z } from 'zod';
import { fieldErrorOf, formErrors, type FormErrors } from '../../lib/form-errors';
import { PRIORITIES, TITLES } from './fields';
import { isLanguage } from '../../platform/i18n';
import { isKnownCountry } from './countries';
import {
  APPROVER_LIMITS,
  CARDHOLDER_FIELDS,
  CARDHOLDER_LIMITS,
  PAYMENT_LIMITS,
  PRIORITY_LIMITS,
  type CardholderField,
  type CardholderValues,
  type FormContext,
  type PaymentData,
} from './form-data';
import {
  checkBic,
  checkBicMatchesIban,
  checkDateOfBirth,
  checkEmail,
  checkEmbossName,
  checkPhone,
  checkPostalCode,
  deriveEmbossName,
  zCheck,
  type DateParts,
} from '../../lib/validators';
import { controlCharactersIn, hasControlCharacters } from '../../lib/control-characters';

/**
 * Two levels of checks for each section:
 * - `pick…` (Save): only types and lengths, so a half-filled page is kept exactly as typed;
 * - `validate…` (Continue, review, signing): every rule, returning the normalised values to keep.
 * Each field's rules are a zod schema whose messages are translation keys, interpolation values (`labelKey`, `max`)
 * travelling as the issue's `params`; labels are nested (`$t(labelKey)`) so a message names its field in the page
 * language. A section runs its fields' schemas one by one, in page order, so the values of the valid fields are kept
 * (the review shows them) and the issues follow the page.
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
 * Runs one field's schema on `input`: the checked value, or undefined after adding the field's issue (the first of
 * the schema's: a field shows one error).
 */
function run<T>(issues: Issue[], field: string, schema: z.ZodType<T>, input: unknown, href?: string): T | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  issues.push({ field, ...(first ? fieldErrorOf(first) : { key: `${NS}:errors.type` }), ...(href ? { href } : {}) });
  return undefined;
}

const required = (section: string, field: string) => `${NS}:${section}.fields.${field}.errors.required`;

/**
 * No control or bidi character (lib/control-characters), on Save as on Continue: the same message, naming the
 * characters as the page shows them ("[U+202E]").
 */
function refuseControlCharacters(schema: z.ZodType<string>, labelKeyOf: string): z.ZodType<string> {
  return schema.superRefine((v, ctx) => {
    if (hasControlCharacters(v))
      ctx.addIssue({
        code: 'custom',
        message: `${NS}:errors.controlCharacters`,
        params: { labelKey: labelKeyOf, characters: controlCharactersIn(v).join(' ') },
      });
  });
}

/**
 * A schema built once per `key` and kept: building a zod schema costs tens of microseconds, and the review and the
 * form state check the same fields on every page view. The keys name everything the built schema depends on.
 */
const built = new Map<string, z.ZodType<string>>();
function once(key: string, build: () => z.ZodType<string>): z.ZodType<string> {
  let schema = built.get(key);
  if (!schema) built.set(key, (schema = build()));
  return schema;
}

/** A collapsed text field: required or not, at most `max` characters (code points), matching `pattern`. */
function textSchema(section: string, field: string, opts: { required: boolean; max: number; pattern: RegExp; patternKey: string }): z.ZodType<string> {
  return once(`text|${section}|${field}|${opts.required}|${opts.max}|${opts.pattern.source}|${opts.pattern.flags}|${opts.patternKey}`, () =>
    buildTextSchema(section, field, opts),
  );
}

function buildTextSchema(section: string, field: string, opts: { required: boolean; max: number; pattern: RegExp; patternKey: string }) {
  const label = { labelKey: labelKey(section, field) };
  return refuseControlCharacters(
    z
      .string()
      .refine((v) => !opts.required || v !== '', { message: required(section, field), abort: true })
      .refine((v) => [...v].length <= opts.max, { message: `${NS}:errors.tooLong`, params: { ...label, max: opts.max }, abort: true }),
    label.labelKey,
  ).refine((v) => v === '' || opts.pattern.test(v), { message: opts.patternKey, params: label });
}

/** One of a fixed list, else the field's `required` message. */
function choiceSchema(section: string, field: string, accepted: (v: string) => boolean) {
  return z.string({ error: required(section, field) }).refine(accepted, required(section, field));
}

/**
 * Save: every listed field must be a string (absent = empty) no longer than its limit, without control or bidi
 * characters (refused as on Continue, with the same message); anything else in the body is ignored. Any issue refuses
 * the whole save. Values are kept as typed (trimmed and NFC by normaliseBody).
 */
function pickStrings<K extends string>(
  body: Record<string, unknown>,
  limits: Record<K, number>,
  section: string,
): { values: Record<K, string>; issues: Issue[] } {
  const values = {} as Record<K, string>;
  const issues: Issue[] = [];
  for (const field of Object.keys(limits) as K[]) {
    const raw = body[field] ?? '';
    values[field] = typeof raw === 'string' ? raw : '';
    const label = { labelKey: labelKey(section, field) };
    const schema = refuseControlCharacters(
      z
        .custom<string>((r) => typeof r === 'string', { message: `${NS}:errors.type`, params: label, abort: true })
        .refine((r) => [...r].length <= limits[field], { message: `${NS}:errors.tooLong`, params: { ...label, max: limits[field] }, abort: true }),
      label.labelKey,
    );
    run(issues, field, schema, raw);
  }
  return { values, issues };
}

// ---------------------------------------------------------------------------------------------------------------
// Cardholder

export function pickCardholder(body: Record<string, unknown>) {
  return pickStrings(body, CARDHOLDER_LIMITS, 'cardholder');
}

const NAME_FIELDS = ['firstName', 'lastName', 'birthName'] as const;
const TEXT_FIELDS = [
  'birthPlace',
  'homeAddressLine1',
  'homeAddressLine2',
  'homeCity',
  'businessAddressLine1',
  'businessAddressLine2',
  'businessCity',
  'jobTitle',
  'employeeNumber',
  'costCentre',
] as const;

const cardholderName = (field: (typeof NAME_FIELDS)[number], isRequired: boolean) =>
  textSchema('cardholder', field, { required: isRequired, max: CARDHOLDER_LIMITS[field], pattern: NAME, patternKey: `${NS}:errors.nameCharacters` });

const cardholderText = (field: (typeof TEXT_FIELDS)[number], isRequired: boolean, pattern: RegExp = FREE_TEXT, patternKey = `${NS}:errors.characters`) =>
  textSchema('cardholder', field, { required: isRequired, max: CARDHOLDER_LIMITS[field], pattern, patternKey });

const cardholderCountry = (field: 'birthCountry' | 'nationality' | 'homeCountry' | 'businessCountry') =>
  once(`country|${field}`, () =>
    z
      .string()
      .refine((v) => v !== '', { message: required('cardholder', field), abort: true })
      .refine((v) => isKnownCountry(v), { message: `${NS}:errors.country`, params: { labelKey: labelKey('cardholder', field) } }),
  );

/** Date of birth from its three fields: a real date, an adult on `today`. */
const buildDateOfBirthSchema = (today: string) =>
  z.custom<DateParts>().transform((parts, ctx) => {
    const checked = checkDateOfBirth(parts, today);
    if (checked.ok) return checked.value;
    ctx.addIssue({ code: 'custom', message: checked.key });
    return z.NEVER;
  });
/** The last day's date-of-birth schema (it depends on `today` only). */
let dateOfBirth: { today: string; schema: ReturnType<typeof buildDateOfBirthSchema> } | undefined;
function dateOfBirthSchema(today: string) {
  if (dateOfBirth?.today !== today) dateOfBirth = { today, schema: buildDateOfBirthSchema(today) };
  return dateOfBirth.schema;
}

const TITLE_SCHEMA = choiceSchema('cardholder', 'title', (t) => (TITLES as readonly string[]).includes(t));
const CORRESPONDENCE_LANGUAGE_SCHEMA = choiceSchema('cardholder', 'correspondenceLanguage', isLanguage);
const EMAIL_SCHEMA = zCheck(checkEmail);
const EMBOSS_NAME_SCHEMA = zCheck(checkEmbossName);
/** The postal code's check for a country (undefined: none known), one schema per country. */
const postalCodeSchema = (country: string | undefined) => once(`postalCode|${country ?? ''}`, () => zCheck((c) => checkPostalCode(c, country ?? null)));
/** The phone number's check for a country, one schema per country and kind. */
const phoneSchema = (country: string, mobileOnly: boolean) =>
  once(`phone|${country}|${mobileOnly}`, () => zCheck((p) => checkPhone(p, country, mobileOnly ? { mobileOnly: true } : undefined)));

/** Results of the cardholder check by everything it depends on (it is a pure function): a page shows it per view. */
const cardholderChecks = new Map<string, { values: CardholderValues; issues: Issue[] }>();
const CARDHOLDER_CHECKS_MAX = 500;

/**
 * Full check of the cardholder section; `today` is 'YYYY-MM-DD' in the service's time zone (adult check). Its
 * result depends only on the values, `today` and the key's two field rules, so it is remembered by exactly those
 * (the administrator's application page checks the same stored form on every view: ~0.1 ms of zod and phone rules).
 */
export function validateCardholder(input: CardholderValues, ctx: FormContext, today: string): { values: CardholderValues; issues: Issue[] } {
  const id = `${today}|${ctx.key.employeeNumberRule}|${ctx.key.costCentreRule}|${JSON.stringify(input)}`;
  let checked = cardholderChecks.get(id);
  if (!checked) {
    checked = checkCardholder(input, ctx, today);
    if (cardholderChecks.size >= CARDHOLDER_CHECKS_MAX) cardholderChecks.delete(cardholderChecks.keys().next().value as string);
    cardholderChecks.set(id, checked);
  }
  // Copies: callers may add to what they get.
  return { values: { ...checked.values }, issues: checked.issues.map((issue) => ({ ...issue })) };
}

function checkCardholder(input: CardholderValues, ctx: FormContext, today: string): { values: CardholderValues; issues: Issue[] } {
  const v: CardholderValues = {};
  for (const f of CARDHOLDER_FIELDS) v[f] = (input[f] ?? '').trim();
  for (const f of [...NAME_FIELDS, ...TEXT_FIELDS]) v[f] = (v[f] ?? '').replace(/\s+/g, ' ');
  const issues: Issue[] = [];
  /** Checks a field of `v`, keeping the checked (normalised) value when it passes. */
  const field = (f: CardholderField, schema: z.ZodType<string>) => {
    const value = run(issues, f, schema, v[f] ?? '');
    if (value !== undefined) v[f] = value;
  };
  const homeCountry = isKnownCountry(v.homeCountry) ? v.homeCountry : undefined;
  const businessCountry = isKnownCountry(v.businessCountry) ? v.businessCountry : undefined;
  // Derived from the name when left empty; an edited one is checked as typed (nothing silently dropped).
  if (!v.embossName) v.embossName = deriveEmbossName(v.firstName, v.lastName);

  field('title', TITLE_SCHEMA);
  field('firstName', cardholderName('firstName', true));
  field('lastName', cardholderName('lastName', true));
  field('birthName', cardholderName('birthName', false));
  run(issues, 'dateOfBirth', dateOfBirthSchema(today), { day: v.dobDay, month: v.dobMonth, year: v.dobYear }, '#dobDay');
  field('birthPlace', cardholderText('birthPlace', true));
  field('birthCountry', cardholderCountry('birthCountry'));
  field('nationality', cardholderCountry('nationality'));

  field('homeAddressLine1', cardholderText('homeAddressLine1', true));
  field('homeAddressLine2', cardholderText('homeAddressLine2', false));
  field('homeCountry', cardholderCountry('homeCountry'));
  field('homePostalCode', postalCodeSchema(homeCountry));
  field('homeCity', cardholderText('homeCity', true));

  field('mobilePhone', phoneSchema(homeCountry ?? 'FR', true));
  if (v.businessPhone) field('businessPhone', phoneSchema(businessCountry ?? homeCountry ?? 'FR', false));
  field('businessEmail', EMAIL_SCHEMA);

  field('businessAddressLine1', cardholderText('businessAddressLine1', true));
  field('businessAddressLine2', cardholderText('businessAddressLine2', false));
  field('businessCountry', cardholderCountry('businessCountry'));
  field('businessPostalCode', postalCodeSchema(businessCountry));
  field('businessCity', cardholderText('businessCity', true));

  field('jobTitle', cardholderText('jobTitle', true));
  field('employeeNumber', cardholderText('employeeNumber', ctx.key.employeeNumberRule === 'required', CODE, `${NS}:errors.code`));
  field('costCentre', cardholderText('costCentre', ctx.key.costCentreRule === 'required', CODE, `${NS}:errors.code`));

  field('embossName', EMBOSS_NAME_SCHEMA);
  field('correspondenceLanguage', CORRESPONDENCE_LANGUAGE_SCHEMA);

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

/** The IBAN as stored: its own check was made when it was typed (it is kept encrypted); this reads the recorded result. */
const storedIbanSchema = z.custom<PaymentData>().superRefine((p, ctx) => {
  if (!p.iban) ctx.addIssue({ code: 'custom', message: `${NS}:errors.iban.required` });
  else if (p.ibanCheck !== 'ok')
    ctx.addIssue({ code: 'custom', message: p.ibanCheck && p.ibanCheck.startsWith(`${NS}:errors.iban.`) ? p.ibanCheck : `${NS}:errors.iban.invalid` });
});

const accountHolderSchema = refuseControlCharacters(
  z
    .string()
    .refine((v) => v !== '', { message: required('payment', 'accountHolder'), abort: true })
    .refine((v) => [...v].length <= PAYMENT_LIMITS.accountHolder, { message: `${NS}:errors.tooLong`, abort: true }),
  labelKey('payment', 'accountHolder'),
).refine((v) => FREE_TEXT.test(v), { message: `${NS}:errors.characters`, params: { labelKey: labelKey('payment', 'accountHolder') } });

const DIRECT_DEBIT_SCHEMA = choiceSchema('payment', 'directDebit', (d) => d === 'yes' || d === 'no');
const BIC_SCHEMA = zCheck(checkBic);
/** The BIC's country against the IBAN's, one schema per IBAN country. */
const bicMatchesIbanSchema = (ibanCountry: string) => once(`bicMatchesIban|${ibanCountry}`, () => zCheck((b) => checkBicMatchesIban(b, ibanCountry)));

/**
 * Full check of the payment section on the stored data: the IBAN's own check was made when it was typed (it is kept
 * encrypted), so this reads its recorded result.
 */
export function validatePayment(payment: PaymentData | undefined, ctx: FormContext): { values: PaymentData; issues: Issue[] } {
  const p: PaymentData = { ...(payment ?? {}) };
  const issues: Issue[] = [];
  if (ctx.key.directDebitRule === 'optional') run(issues, 'directDebit', DIRECT_DEBIT_SCHEMA, p.directDebit ?? '');
  if (!directDebitChosen(ctx, p)) return { values: p, issues };
  run(issues, 'iban', storedIbanSchema, p);
  const bic = run(issues, 'bic', BIC_SCHEMA, p.bic ?? '');
  if (bic !== undefined) {
    p.bic = bic;
    const ibanCountry = p.ibanCheck === 'ok' ? p.ibanCountry : undefined;
    if (ibanCountry) run(issues, 'bic', bicMatchesIbanSchema(ibanCountry), bic);
  }
  p.accountHolder = (p.accountHolder ?? '').replace(/\s+/g, ' ').trim();
  run(issues, 'accountHolder', accountHolderSchema, p.accountHolder);
  return { values: p, issues };
}

// ---------------------------------------------------------------------------------------------------------------
// Priority (self-service only)

export function pickPriority(body: Record<string, unknown>) {
  return pickStrings(body, PRIORITY_LIMITS, 'priority');
}

const PRIORITY_SCHEMA = choiceSchema('priority', 'priority', (p) => (PRIORITIES as readonly string[]).includes(p));
const URGENT_TERMS_SCHEMA = choiceSchema('priority', 'urgentTermsAccepted', (a) => a === 'yes');

export function validatePriority(values: { priority?: string; urgentTermsAccepted?: string } | undefined): Issue[] {
  const issues: Issue[] = [];
  const priority = run(issues, 'priority', PRIORITY_SCHEMA, values?.priority);
  if (priority === 'urgent') run(issues, 'urgentTermsAccepted', URGENT_TERMS_SCHEMA, values?.urgentTermsAccepted);
  return issues;
}

// ---------------------------------------------------------------------------------------------------------------
// Additional approver

export function pickApprover(body: Record<string, unknown>) {
  return pickStrings(body, APPROVER_LIMITS, 'approval');
}

const approverNameSchema = textSchema('approval', 'approverName', {
  required: true,
  max: APPROVER_LIMITS.approverName,
  pattern: NAME,
  patternKey: `${NS}:errors.nameCharacters`,
});

const APPROVER_LANGUAGE_SCHEMA = choiceSchema('approval', 'approverLanguage', isLanguage);

/** The approver's name and e-mail; the approver cannot be the applicant. */
export function validateApprover(
  input: { approverName?: string; approverEmail?: string; approverLanguage?: string } | undefined,
  applicantEmails: string[],
): { values: { approverName: string; approverEmail: string; approverLanguage: string }; issues: Issue[] } {
  const issues: Issue[] = [];
  const name = (input?.approverName ?? '').replace(/\s+/g, ' ').trim();
  run(issues, 'approverName', approverNameSchema, name);
  let email = (input?.approverEmail ?? '').trim();
  const checked = run(issues, 'approverEmail', EMAIL_SCHEMA, email);
  if (checked !== undefined) {
    email = checked;
    const applicants = applicantEmails.map((e) => e.trim().toLowerCase());
    run(
      issues,
      'approverEmail',
      z.string().refine((e) => !applicants.includes(e), `${NS}:approval.fields.approverEmail.errors.applicant`),
      email,
    );
  }
  const language = isLanguage(input?.approverLanguage) ? input.approverLanguage : '';
  run(issues, 'approverLanguage', APPROVER_LANGUAGE_SCHEMA, language);
  return { values: { approverName: name, approverEmail: email, approverLanguage: language }, issues };
}
