import { z } from 'zod';
import { formErrors, issuesOf, type FormErrors } from '../../lib/form-errors';
import { PLASTIC_TYPES } from '../../core/accounts/options';
import { APPROVAL_DEADLINE_DEFAULT, APPROVAL_DEADLINE_MAX, APPROVAL_DEADLINE_MIN } from '../../core/application/approval-deadline';
import { KEY_FIELDS, type AccountSummary, type KeyFields } from './repository';

/** The access key form: every field, its rules, and the rules that depend on the chosen BC. Messages are keys. */

export const NAME_MAX = 30;
/** Letters (accents allowed), digits, space and - _ . / only. */
const NAME_PATTERN = /^[\p{L}\p{M}0-9 _./-]+$/u;
const MAX_RECIPIENTS = 20;
const KEY_VALIDITY_YEARS = 20;

const P = 'access-keys:form';

/** Ids of the fields the error summary links to (the first radio, the day of a date). */
const FIELD_IDS: Record<string, string> = { expiresOn: 'expiresDay' };

/** A valid key form: the fields the repository writes. */
export type AccessKeyInput = KeyFields;

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

function msg(key: string): string {
  return `${P}.${key}`;
}

/**
 * The last day a key created on `createdOn` (its creation day in the configured time zone, never the UTC date) may be
 * valid: the same date 20 years later (a key created on 7 December 2026 runs until 7 December 2046); created on
 * 29 February, the 28th when that year has no 29th.
 */
export function maxExpiry(createdOn: string): string {
  const [year, month, day] = createdOn.split('-').map(Number) as [number, number, number];
  const lastOfMonth = new Date(Date.UTC(year + KEY_VALIDITY_YEARS, month, 0)).getUTCDate();
  const d = new Date(Date.UTC(year + KEY_VALIDITY_YEARS, month - 1, Math.min(day, lastOfMonth)));
  return d.toISOString().slice(0, 10);
}

/** The date three form fields stand for, or undefined when it is not a real calendar date. */
function dateFromParts(day: string, month: string, year: string): string | undefined {
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
function splitRecipients(text: string): string[] {
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
    .max(NAME_MAX, msg('name.errors.tooLong'))
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
  approvalDeadlineDays: z.string().optional(),
};

/** A problem of the form: the field, its message (a translation key) and the message's interpolation values. */
export type Issue = { field: string; message: string; params?: Record<string, string | number> };

type Parts = { expiresDay?: unknown; expiresMonth?: unknown; expiresYear?: unknown };
type Outcome<T> = { ok: true; value: T } | { ok: false; key: string; params?: Record<string, string | number> };

/** Expiry: a real date, not past, at most 20 years from creation. */
function expiryOf(d: Parts, c: FormContext): Outcome<string> {
  const parts = [text(d.expiresDay), text(d.expiresMonth), text(d.expiresYear)] as const;
  if (parts.every((p) => p === '')) return { ok: false, key: msg('expiresOn.errors.required') };
  const iso = dateFromParts(...parts);
  const latest = maxExpiry(c.createdOn);
  if (!iso) return { ok: false, key: msg('expiresOn.errors.invalid') };
  if (iso < c.today) return { ok: false, key: msg('expiresOn.errors.past') };
  if (iso > latest) return { ok: false, key: msg('expiresOn.errors.tooLate'), params: { max: c.formatDate(latest) } };
  return { ok: true, value: iso };
}

/** The e-mails to notify: each valid, at most 20 once duplicates are dropped (lower-cased). */
function recipientsOf(typedText: unknown): Outcome<string[]> {
  const typed = splitRecipients(text(typedText));
  const bad = typed.find((e) => e.length > 254 || !emailCheck.safeParse(e).success);
  const unique = [...new Set(typed.map((e) => e.toLowerCase()))];
  if (bad) return { ok: false, key: msg('notificationRecipients.errors.invalid'), params: { email: bad.slice(0, 80) } };
  if (unique.length > MAX_RECIPIENTS) return { ok: false, key: msg('notificationRecipients.errors.tooMany'), params: { max: MAX_RECIPIENTS } };
  return { ok: true, value: unique };
}

/** The approval deadline: a whole number of business days from 1 to 30; a form that does not send it keeps the default. */
function approvalDeadlineOf(typed: unknown): Outcome<number> {
  if (typed === undefined) return { ok: true, value: APPROVAL_DEADLINE_DEFAULT };
  const t = text(typed).trim();
  if (t === '') return { ok: false, key: msg('approvalDeadlineDays.errors.required') };
  if (!/^\d{1,3}$/.test(t)) return { ok: false, key: msg('approvalDeadlineDays.errors.invalid') };
  const n = Number(t);
  if (n < APPROVAL_DEADLINE_MIN || n > APPROVAL_DEADLINE_MAX) {
    return { ok: false, key: msg('approvalDeadlineDays.errors.range'), params: { min: APPROVAL_DEADLINE_MIN, max: APPROVAL_DEADLINE_MAX } };
  }
  return { ok: true, value: n };
}

type Shaped = Parts & { approvalDeadlineDays?: unknown; notificationRecipients?: unknown; plasticType?: unknown; directDebitRule?: unknown };

/**
 * Checks that need the BC or today's date. They run whatever the other fields gave (`when`), on the values as
 * typed, so that every error shows at once: expiry, e-mail list, plastic type and direct debit against the BC.
 */
function crossChecks(c: FormContext) {
  return (d: Shaped, ctx: z.RefinementCtx) => {
    const add = (field: string, o: Outcome<unknown>) => {
      if (!o.ok) ctx.addIssue({ code: 'custom', path: [field], message: o.key, ...(o.params ? { params: o.params } : {}) });
    };
    add('expiresOn', expiryOf(d, c));
    add('notificationRecipients', recipientsOf(d.notificationRecipients));
    add('approvalDeadlineDays', approvalDeadlineOf(d.approvalDeadlineDays));
    if (c.account) {
      const plastic = text(d.plasticType);
      if ((PLASTIC_TYPES as readonly string[]).includes(plastic) && !c.account.plasticTypes.includes(plastic)) {
        add('plasticType', { ok: false, key: msg('plasticType.errors.notAllowed') });
      }
      const directDebit = text(d.directDebitRule);
      if (c.account.paymentType !== 'individual' && (directDebit === 'required' || directDebit === 'optional')) {
        add('directDebitRule', { ok: false, key: msg('directDebitRule.errors.centralPayment') });
      }
    }
  };
}

const always = { when: () => true };

/** The parsed fields as the key's settings; the expiry and the e-mails were checked by `crossChecks`. */
function toInput(d: z.output<z.ZodObject<typeof baseShape>>, c: FormContext): AccessKeyInput {
  const expiresOn = expiryOf(d, c);
  const recipients = recipientsOf(d.notificationRecipients);
  const deadline = approvalDeadlineOf(d.approvalDeadlineDays);
  return {
    name: d.name,
    plasticType: d.plasticType,
    costCentreRule: d.costCentreRule,
    employeeNumberRule: d.employeeNumberRule,
    directDebitRule: d.directDebitRule,
    reminderEnabled: d.reminderEnabled,
    additionalApproverRequired: d.additionalApproverRequired,
    notificationRecipients: recipients.ok ? recipients.value : [],
    expiresOn: expiresOn.ok ? expiresOn.value : '',
    approvalDeadlineDays: deadline.ok ? deadline.value : APPROVAL_DEADLINE_DEFAULT,
  };
}

/** The edit form (everything but the BC and the number). Parse a normalised body (trimmed, NFC). */
export function accessKeyEditSchema(c: FormContext) {
  return z
    .object(baseShape)
    .superRefine(crossChecks(c), always)
    .transform((d) => toInput(d, c));
}

/**
 * The create form: the edit form plus the BC, which must be one of the actor's (`accountIds`); a forged id of another
 * BC is refused like an empty choice. `c.account` is the chosen BC when it is one of theirs.
 */
export function accessKeyCreateSchema(c: FormContext, accountIds: number[]) {
  const accountId = z
    .string({ error: msg('accountId.errors.required') })
    .regex(/^\d{1,9}$/, msg('accountId.errors.required'))
    .transform(Number)
    .refine((id) => accountIds.includes(id), msg('accountId.errors.required'));
  return z
    .object({ ...baseShape, accountId })
    .superRefine(crossChecks(c), always)
    .transform((d): CreateAccessKeyInput => ({ ...toInput(d, c), accountId: d.accountId }));
}

/** A failed parse as the form's issues, in page order (the error summary follows the page). */
export function formIssues(error: z.ZodError): Issue[] {
  return orderIssues(issuesOf(error).map((i) => ({ field: i.field, message: i.key, ...(i.params ? { params: i.params } : {}) })));
}

export function orderIssues(issues: Issue[]): Issue[] {
  const rank = (f: string) => (FIELD_ORDER.indexOf(f) === -1 ? FIELD_ORDER.length : FIELD_ORDER.indexOf(f));
  return [...issues].sort((a, b) => rank(a.field) - rank(b.field));
}

/** The order fields appear on the page, so the error summary lists them in that order (the BC is chosen first). */
export const FIELD_ORDER: readonly string[] = ['accountId', ...KEY_FIELDS];

/** Issues → what the form macros render; the summary links to each field (the day of a date, the first radio). */
export function toFormErrors(issues: Issue[]): FormErrors {
  return formErrors(
    issues.map((i) => ({ field: i.field, key: i.message, ...(i.params ? { params: i.params } : {}), href: `#${FIELD_IDS[i.field] ?? i.field}` })),
  );
}
