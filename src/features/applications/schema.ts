import { z } from 'zod';
import { LANGUAGES } from '../../i18n';

export const TITLES = ['mr', 'mrs', 'ms'] as const;
export const PRIORITIES = ['normal', 'urgent'] as const;
export const NAME_MAX = 60;
export const EMAIL_MAX = 254;

/** Letters (accents included), with single spaces, hyphens or apostrophes between them: "Anne-Sophie", "N’Diaye", "de la Tour". */
const NAME_RE = /^[\p{L}\p{M}]+(?:[ '’-]+[\p{L}\p{M}]+)*$/u;

/** A person's name field; `prefix` holds `errors.required|tooLong|invalid`. */
export function nameField(prefix: string) {
  return z
    .string({ error: `${prefix}.required` })
    .transform((s) => s.replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, `${prefix}.required`)
        .max(NAME_MAX, JSON.stringify({ key: `${prefix}.tooLong`, params: { max: NAME_MAX } }))
        .regex(NAME_RE, `${prefix}.invalid`),
    );
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
        .max(EMAIL_MAX, JSON.stringify({ key: `${prefix}.tooLong`, params: { max: EMAIL_MAX } }))
        .pipe(z.email({ error: `${prefix}.invalid` })),
    );
}

const E = 'applications:initiate.fields';

/** Controlled send: one employee. The urgent terms must be accepted when the priority is urgent. */
export const initiateSchema = z
  .object({
    priority: z.enum(PRIORITIES, { error: `${E}.priority.errors.required` }),
    urgentTermsAccepted: z.string().optional(),
    title: z.enum(TITLES, { error: `${E}.title.errors.required` }),
    firstName: nameField(`${E}.firstName.errors`),
    lastName: nameField(`${E}.lastName.errors`),
    email: emailField(`${E}.email.errors`),
    language: z.enum(LANGUAGES, { error: `${E}.language.errors.required` }),
  })
  .superRefine((v, ctx) => {
    if (v.priority === 'urgent' && v.urgentTermsAccepted !== 'yes') {
      ctx.addIssue({ code: 'custom', path: ['urgentTermsAccepted'], message: `${E}.urgentTermsAccepted.errors.required` });
    }
  });

export type InitiateInput = z.infer<typeof initiateSchema>;

/** The order of the fields on the page, so the error summary follows it. */
export const INITIATE_FIELDS = ['priority', 'urgentTermsAccepted', 'title', 'firstName', 'lastName', 'email', 'language'] as const;
