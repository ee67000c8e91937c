import { z } from 'zod';
import { ANSWER_MAX, COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, DESCRIPTION_MAX, REASON_MAX } from '../../core/complaints/complaints';

/** Control characters other than line breaks and tabs, and bidirectional overrides (they reorder what others read). */
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const longText = (prefix: string, max: number) =>
  z
    .string()
    .min(1, `${prefix}.required`)
    .max(max, `${prefix}.tooLong`)
    .refine((v) => !CONTROL.test(v), `${prefix}.control`);

/** Filing a complaint: the seed's category, a description, a contact e-mail (documents are checked apart). */
export const complaintSchema = z.object({
  category: z.enum(COMPLAINT_CATEGORIES, { error: 'complaints:file.errors.category' }),
  description: longText('complaints:file.errors.description', DESCRIPTION_MAX),
  contactEmail: z
    .string()
    .min(1, 'complaints:file.errors.contactEmail.required')
    .max(254, 'complaints:file.errors.contactEmail.format')
    .pipe(z.email({ error: 'complaints:file.errors.contactEmail.format' }))
    .transform((v) => v.toLowerCase()),
});

/** The extension: the new deadline (at most 35 business days after receipt, checked by the rule) and the reason. */
export const extensionSchema = z.object({
  dueOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'complaints:extend.errors.date')
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'complaints:extend.errors.date'),
  reason: longText('complaints:extend.errors.reason', REASON_MAX),
});

export const answerSchema = z.object({ answer: longText('complaints:answer.errors.answer', ANSWER_MAX) });

/** The register's filters, from the query string; anything unknown is no filter. */
export const listFilterSchema = z.object({
  status: z.enum(COMPLAINT_STATUSES).optional().catch(undefined),
  category: z.enum(COMPLAINT_CATEGORIES).optional().catch(undefined),
  overdue: z
    .literal('yes')
    .optional()
    .catch(undefined)
    .transform((v) => v === 'yes'),
});

/** A form body's string fields, trimmed (line ends kept as typed, \r\n made \n), NFC. */
export function textFields(body: unknown, names: string[]): Record<string, string> {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = raw[n];
    out[n] = typeof v === 'string' ? v.normalize('NFC').replace(/\r\n?/g, '\n').trim() : '';
  }
  return out;
}
