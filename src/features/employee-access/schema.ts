import { z } from 'zod';
import { normaliseAccessKeyNumber } from '../../lib/access-key-number';
import { normaliseReference } from '../../lib/luhn';
import { fieldErrorOf, formErrors, type FormErrors } from '../../lib/form-errors';
import { emailField } from '../../core/application/fields';

/**
 * Entry: both values are checked for format (key alphabet and length, reference check digit) before anything is
 * looked up, so a typo costs no database work and counts as no failure.
 */
export function parseEntry(body: Record<string, unknown>): { ok: true; keyNumber: string; reference: string } | { ok: false; errors: FormErrors } {
  const rawKey = typeof body.accessKey === 'string' ? body.accessKey : '';
  const rawRef = typeof body.reference === 'string' ? body.reference : '';
  const keyNumber = normaliseAccessKeyNumber(rawKey);
  const reference = normaliseReference(rawRef);
  const problems: Array<{ field: string; key: string }> = [];
  if (!rawKey) problems.push({ field: 'accessKey', key: 'employee:entry.accessKey.errors.required' });
  else if (!keyNumber) problems.push({ field: 'accessKey', key: 'employee:entry.accessKey.errors.format' });
  if (!rawRef) problems.push({ field: 'reference', key: 'employee:entry.reference.errors.required' });
  else if (!reference) problems.push({ field: 'reference', key: 'employee:entry.reference.errors.format' });
  if (problems.length || !keyNumber || !reference) return { ok: false, errors: formErrors(problems) };
  return { ok: true, keyNumber, reference };
}

const applyEmail = z.object({ email: emailField('employee:apply.email.errors') });

/** Self-service: format errors only (they reveal nothing about applications). */
export function parseApply(body: Record<string, unknown>): { ok: true; keyNumber: string; email: string } | { ok: false; errors: FormErrors } {
  const rawKey = typeof body.accessKey === 'string' ? body.accessKey : '';
  const keyNumber = normaliseAccessKeyNumber(rawKey);
  const problems: Array<{ field: string; key: string; params?: Record<string, string | number> }> = [];
  if (!rawKey) problems.push({ field: 'accessKey', key: 'employee:apply.accessKey.errors.required' });
  else if (!keyNumber) problems.push({ field: 'accessKey', key: 'employee:apply.accessKey.errors.format' });
  const email = applyEmail.safeParse({ email: body.email });
  if (!email.success) {
    const first = email.error.issues[0];
    problems.push({ field: 'email', ...(first ? fieldErrorOf(first) : { key: 'employee:apply.email.errors.invalid' }) });
  }
  if (problems.length || !keyNumber || !email.success) return { ok: false, errors: formErrors(problems) };
  return { ok: true, keyNumber, email: email.data.email };
}

/** Lost link: the e-mail address only, format errors only (they reveal nothing about applications). */
export function parseLostLink(body: Record<string, unknown>): { ok: true; email: string } | { ok: false; errors: FormErrors } {
  const email = z.object({ email: emailField('employee:lost.email.errors') }).safeParse({ email: body.email });
  if (email.success) return { ok: true, email: email.data.email };
  const first = email.error.issues[0];
  return { ok: false, errors: formErrors([{ field: 'email', ...(first ? fieldErrorOf(first) : { key: 'employee:lost.email.errors.invalid' }) }]) };
}
