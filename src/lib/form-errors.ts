import type { ZodError } from 'zod';

export interface FieldError {
  key: string;
  params?: Record<string, string | number>;
}

export interface FormErrors {
  fieldErrors: Record<string, FieldError>;
  summary: Array<FieldError & { href: string }>;
}

/**
 * Turns validation issues into what the form macros render: the first error per field, and a summary whose
 * links point at the fields (`#field-id`). Messages are translation keys, never sentences.
 * Zod issues carry the key as their message; `params` may be given with `{ key, params }` JSON in the message.
 */
export function formErrorsFromZod(error: ZodError, fieldIds: Record<string, string> = {}): FormErrors {
  const out: FormErrors = { fieldErrors: {}, summary: [] };
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '_form';
    if (out.fieldErrors[field]) continue;
    const fe = parseMessage(issue.message);
    out.fieldErrors[field] = fe;
    out.summary.push({ ...fe, href: `#${fieldIds[field] ?? field.replace(/\./g, '-')}` });
  }
  return out;
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

export function mergeFormErrors(a: FormErrors, b: FormErrors): FormErrors {
  const out: FormErrors = { fieldErrors: { ...a.fieldErrors }, summary: [...a.summary] };
  for (const s of b.summary) {
    const field = Object.entries(b.fieldErrors).find(([, v]) => v.key === s.key && v.params === s.params)?.[0];
    if (field && out.fieldErrors[field]) continue;
    if (field) out.fieldErrors[field] = b.fieldErrors[field] as FieldError;
    out.summary.push(s);
  }
  return out;
}

function parseMessage(message: string): FieldError {
  if (message.startsWith('{')) {
    try {
      const parsed = JSON.parse(message) as FieldError;
      if (typeof parsed.key === 'string') return parsed;
    } catch {
      /* plain key */
    }
  }
  return { key: message };
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
