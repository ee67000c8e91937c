import type { ZodError, core } from 'zod';

interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}

export interface FormErrors {
  fieldErrors: Record<string, FieldError>;
  summary: Array<FieldError & { href: string }>;
}

/** A validation problem of one field: a translation key and its interpolation values. */
interface FieldIssue extends FieldError {
  field: string;
}

/**
 * One zod issue as a field error. The message is the translation key; interpolation values travel as data: a custom
 * issue's `params` (`ctx.addIssue({ code: 'custom', message: key, params })`, `.refine(fn, { message: key, params })`),
 * and the limit of a built-in `.max(n, key)` (`max`, from the issue's `maximum`).
 */
export function fieldErrorOf(issue: core.$ZodIssue): FieldError {
  const params: Record<string, string | number> = {};
  if (issue.code === 'too_big') params.max = Number(issue.maximum);
  if (issue.code === 'custom' && issue.params) {
    for (const [k, v] of Object.entries(issue.params)) if (typeof v === 'string' || typeof v === 'number') params[k] = v;
  }
  return { key: issue.message, ...(Object.keys(params).length ? { params } : {}) };
}

/** Zod issues as field issues, in the issues' order; the field is the issue's path (`a.b`), `_form` for the whole value. */
export function issuesOf(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '_form', ...fieldErrorOf(issue) }));
}

/**
 * Turns validation issues into what the form macros render: the first error per field, and a summary whose
 * links point at the fields (`#field-id`). Messages are translation keys, never sentences.
 */
export function formErrorsFromZod(error: ZodError, fieldIds: Record<string, string> = {}): FormErrors {
  return formErrors(issuesOf(error).map((i) => ({ ...i, href: `#${fieldIds[i.field] ?? i.field.replace(/\./g, '-')}` })));
}

/** Builds errors by hand (rules checked outside a schema). */
export function formErrors(list: Array<{ field: string; key: string; params?: Record<string, string | number>; href?: string }>): FormErrors {
  const out: FormErrors = { fieldErrors: {}, summary: [] };
  for (const e of list) {
    if (out.fieldErrors[e.field]) continue;
    const fe: FieldError = { key: e.key, ...(e.params ? { params: e.params } : {}) };
    out.fieldErrors[e.field] = fe;
    out.summary.push({ ...fe, href: e.href ?? `#${e.field}` });
  }
  return out;
}

/** Trims and NFC-normalises every string of a submitted form, so validation sees what a person meant. */
export function normaliseBody(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    out[k] = typeof v === 'string' ? v.normalize('NFC').trim() : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x.normalize('NFC').trim() : x)) : v;
  }
  return out;
}
