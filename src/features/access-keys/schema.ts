import { z } from 'zod';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import { PLASTIC_TYPES } from '../../core/accounts/options';
import type { AccountSummary, DirectDebitRule, FieldRule } from './repository';

/** The access key form: every field, its rules, and the rules that depend on the chosen BC. Messages are keys. */

export const NAME_MAX = 30;
/** Letters (accents allowed), digits, space and - _ . / only. */
export const NAME_PATTERN = /^[\p{L}\p{M}0-9 _./-]+$/u;
export const MAX_RECIPIENTS = 20;
export const KEY_VALIDITY_YEARS = 20;

const P = 'access-keys:form';

/** Ids of the fields the error summary links to (the first radio, the day of a date). */
export const FIELD_IDS: Record<string, string> = { expiresOn: 'expiresDay' };

export interface AccessKeyInput {
  name: string;
  plasticType: string;
  costCentreRule: FieldRule;
  employeeNumberRule: FieldRule;
  directDebitRule: DirectDebitRule;
  reminderEnabled: boolean;
  additionalApproverRequired: boolean;
  notificationRecipients: string[];
  expiresOn: string;
}

export interface CreateAccessKeyInput extends AccessKeyInput {
  accountId: number;
}

export interface FormContext {
  /** The BC the key belongs to (edit) or the one chosen in the form (create), when it is one of the actor's. */
  account: AccountSummary | undefined;
  /** YYYY-MM-DD in the configured time zone. */
  today: string;
  /** YYYY-MM-DD: the key's creation day (today when creating). */
  createdOn: string;
  /** Formats a YYYY-MM-DD date in the page language, for messages. */
  formatDate: (isoDate: string) => string;
}

function msg(key: string, params?: Record<string, string | number>): string {
  return params ? JSON.stringify({ key: `${P}.${key}`, params }) : `${P}.${key}`;
}

/** The last day a key created on `createdOn` may be valid: 20 years later, minus one day. */
export function maxExpiry(createdOn: string): string {
  const d = new Date(`${createdOn}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + KEY_VALIDITY_YEARS);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The date three form fields stand for, or undefined when it is not a real calendar date. */
export function dateFromParts(day: string, month: string, year: string): string | undefined {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return undefined;
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined;
}

export function datePartsOf(iso: string): { day: string; month: string; year: string } {
  const [year = '', month = '', day = ''] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

/** Splits a list of e-mails typed one per line or separated by commas / semicolons. */
export function splitRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const emailCheck = z.email();

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function yesNo(field: string) {
  return z.enum(['yes', 'no'], { error: msg(`${field}.errors.required`) }).transform((v) => v === 'yes');
}

const baseShape = {
  name: z
    .string({ error: msg('name.errors.required') })
    .min(1, msg('name.errors.required'))
    .max(NAME_MAX, msg('name.errors.tooLong', { max: NAME_MAX }))
    .regex(NAME_PATTERN, msg('name.errors.invalid')),
  plasticType: z.enum(PLASTIC_TYPES, { error: msg('plasticType.errors.required') }),
  costCentreRule: z.enum(['required', 'optional'], { error: msg('costCentreRule.errors.required') }),
  employeeNumberRule: z.enum(['required', 'optional'], { error: msg('employeeNumberRule.errors.required') }),
  directDebitRule: z.enum(['required', 'optional', 'none'], { error: msg('directDebitRule.errors.required') }),
  reminderEnabled: yesNo('reminderEnabled'),
  additionalApproverRequired: yesNo('additionalApproverRequired'),
  expiresDay: z.string().optional(),
  expiresMonth: z.string().optional(),
  expiresYear: z.string().optional(),
  notificationRecipients: z.string().optional(),
};

export type ParseResult<T> = { success: true; data: T } | { success: false; issues: Array<{ field: string; message: string }> };

type Issue = { field: string; message: string };

/**
 * Checks that need the BC or today's date, run on the raw values so that every error shows at once:
 * expiry (real date, not past, at most 20 years from creation), e-mail list, plastic type and direct debit against the BC.
 */
function crossChecks(body: Record<string, unknown>, c: FormContext, issues: Issue[]): { expiresOn?: string; recipients?: string[] } {
  const out: { expiresOn?: string; recipients?: string[] } = {};
  const parts = [text(body.expiresDay), text(body.expiresMonth), text(body.expiresYear)];
  if (parts.every((p) => p === '')) {
    issues.push({ field: 'expiresOn', message: msg('expiresOn.errors.required') });
  } else {
    const iso = dateFromParts(parts[0] as string, parts[1] as string, parts[2] as string);
    const latest = maxExpiry(c.createdOn);
    if (!iso) issues.push({ field: 'expiresOn', message: msg('expiresOn.errors.invalid') });
    else if (iso < c.today) issues.push({ field: 'expiresOn', message: msg('expiresOn.errors.past') });
    else if (iso > latest) issues.push({ field: 'expiresOn', message: msg('expiresOn.errors.tooLate', { max: c.formatDate(latest) }) });
    else out.expiresOn = iso;
  }

  const typed = splitRecipients(text(body.notificationRecipients));
  const bad = typed.find((e) => e.length > 254 || !emailCheck.safeParse(e).success);
  const unique = [...new Set(typed.map((e) => e.toLowerCase()))];
  if (bad) issues.push({ field: 'notificationRecipients', message: msg('notificationRecipients.errors.invalid', { email: bad.slice(0, 80) }) });
  else if (unique.length > MAX_RECIPIENTS) issues.push({ field: 'notificationRecipients', message: msg('notificationRecipients.errors.tooMany', { max: MAX_RECIPIENTS }) });
  else out.recipients = unique;

  if (c.account) {
    const plastic = text(body.plasticType);
    if ((PLASTIC_TYPES as readonly string[]).includes(plastic) && !c.account.plasticTypes.includes(plastic)) {
      issues.push({ field: 'plasticType', message: msg('plasticType.errors.notAllowed') });
    }
    const directDebit = text(body.directDebitRule);
    if (c.account.paymentType !== 'individual' && (directDebit === 'required' || directDebit === 'optional')) {
      issues.push({ field: 'directDebitRule', message: msg('directDebitRule.errors.centralPayment') });
    }
  }
  return out;
}

function parseWith<T extends z.ZodRawShape>(shape: T, body: Record<string, unknown>, c: FormContext) {
  const issues: Issue[] = [];
  const base = z.object(shape).safeParse(body);
  if (!base.success) for (const i of base.error.issues) issues.push({ field: i.path.map(String).join('.'), message: i.message });
  const out = crossChecks(body, c, issues);
  return { base, issues, out };
}

export function orderIssues(issues: Issue[]): Issue[] {
  const rank = (f: string) => (FIELD_ORDER.indexOf(f) === -1 ? FIELD_ORDER.length : FIELD_ORDER.indexOf(f));
  return [...issues].sort((a, b) => rank(a.field) - rank(b.field));
}

/** Edit: everything but the BC and the number. `body` should be normalised (trimmed, NFC) first. */
export function parseEditForm(body: Record<string, unknown>, c: FormContext): ParseResult<AccessKeyInput> {
  const { base, issues, out } = parseWith(baseShape, body, c);
  if (!base.success || issues.length) return { success: false, issues: orderIssues(issues) };
  const d = base.data;
  return {
    success: true,
    data: {
      name: d.name,
      plasticType: d.plasticType,
      costCentreRule: d.costCentreRule,
      employeeNumberRule: d.employeeNumberRule,
      directDebitRule: d.directDebitRule,
      reminderEnabled: d.reminderEnabled,
      additionalApproverRequired: d.additionalApproverRequired,
      notificationRecipients: out.recipients ?? [],
      expiresOn: out.expiresOn ?? '',
    },
  };
}

/**
 * Create: the BC must be one of the actor's (`accountIds`); a forged id of another BC is refused like an empty choice.
 * `c.account` is the chosen BC when it is one of theirs.
 */
export function parseCreateForm(body: Record<string, unknown>, c: FormContext, accountIds: number[]): ParseResult<CreateAccessKeyInput> {
  const accountId = z
    .string({ error: msg('accountId.errors.required') })
    .regex(/^\d{1,9}$/, msg('accountId.errors.required'))
    .transform(Number)
    .refine((id) => accountIds.includes(id), msg('accountId.errors.required'));
  const edit = parseEditForm(body, c);
  const account = accountId.safeParse(body.accountId);
  const issues = edit.success ? [] : [...edit.issues];
  if (!account.success) issues.push({ field: 'accountId', message: account.error.issues[0]?.message ?? msg('accountId.errors.required') });
  if (!edit.success || !account.success) return { success: false, issues: orderIssues(issues) };
  return { success: true, data: { ...edit.data, accountId: account.data } };
}

/** The order fields appear on the page, so the error summary lists them in that order. */
export const FIELD_ORDER = [
  'name',
  'accountId',
  'plasticType',
  'costCentreRule',
  'employeeNumberRule',
  'directDebitRule',
  'reminderEnabled',
  'expiresOn',
  'additionalApproverRequired',
  'notificationRecipients',
];

/** Issues → what the form macros render; the summary links to each field (the day of a date, the first radio). */
export function toFormErrors(issues: Array<{ field: string; message: string }>): FormErrors {
  return formErrors(
    issues.map((i) => {
      let key = i.message;
      let params: Record<string, string | number> | undefined;
      if (i.message.startsWith('{')) {
        const parsed = JSON.parse(i.message) as { key: string; params?: Record<string, string | number> };
        key = parsed.key;
        params = parsed.params;
      }
      return { field: i.field, key, ...(params ? { params } : {}), href: `#${FIELD_IDS[i.field] ?? i.field}` };
    }),
  );
}
