import { z } from 'zod';
import { normaliseReference } from '../../lib/luhn';

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'audit:filters.errors.date')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'audit:filters.errors.date');

/** An empty field is no filter. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** An application is named by its 10-digit reference (as typed, spaces allowed) or by its internal id. */
const applicationRef = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const reference = normaliseReference(v);
    if (reference) return { reference };
    if (/^\d{1,9}$/.test(v)) return { id: Number(v) };
    ctx.addIssue({ code: 'custom', message: 'audit:filters.errors.application' });
    return z.NEVER;
  });

/** The audit page's filters (all optional; GET query string). */
export const auditFilterSchema = z
  .object({
    from: optional(isoDate),
    to: optional(isoDate),
    actor: optional(z.string().trim().max(254, 'audit:filters.errors.actor')),
    action: optional(
      z
        .string()
        .trim()
        .regex(/^[a-z0-9_.-]{1,60}$/, 'audit:filters.errors.action'),
    ),
    application: optional(applicationRef),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'audit:filters.errors.range' });
  });

export type AuditFilters = z.infer<typeof auditFilterSchema>;

/** The raw filter values as typed, for re-display and for the pagination links. */
export function rawFilters(query: Record<string, unknown>): Record<'from' | 'to' | 'actor' | 'action' | 'application', string> {
  const one = (v: unknown) => (typeof v === 'string' ? v.slice(0, 254) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, 254) : '');
  return { from: one(query.from), to: one(query.to), actor: one(query.actor), action: one(query.action), application: one(query.application) };
}
