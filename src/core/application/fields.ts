import { z } from 'zod';

/** The fields that name and reach a person, shared by every way an application is started (controlled send, bulk, self-service). */
export const TITLES = ['mr', 'mrs', 'ms'] as const;
export const PRIORITIES = ['normal', 'urgent'] as const;
export const NAME_MAX = 60;
const EMAIL_MAX = 254;

/** Letters (accents included), with single spaces, hyphens or apostrophes between them: "Anne-Sophie", "N’Diaye", "de la Tour". */
const NAME_RE = /^[\p{L}\p{M}]+(?:[ '’-]+[\p{L}\p{M}]+)*$/u;

/** A person's name field; `prefix` holds `errors.required|tooLong|invalid` (`tooLong` gets `max` from the issue, see lib/form-errors). */
export function nameField(prefix: string) {
  return z
    .string({ error: `${prefix}.required` })
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, `${prefix}.required`).max(NAME_MAX, `${prefix}.tooLong`).regex(NAME_RE, `${prefix}.invalid`));
}

/** An e-mail address, lower-cased; `prefix` holds `errors.required|invalid|tooLong`. */
export function emailField(prefix: string) {
  return z
    .string({ error: `${prefix}.required` })
    .transform((s) => s.trim().toLowerCase())
    .pipe(
      z
        .string()
        .min(1, `${prefix}.required`)
        .max(EMAIL_MAX, `${prefix}.tooLong`)
        .pipe(z.email({ error: `${prefix}.invalid` })),
    );
}
