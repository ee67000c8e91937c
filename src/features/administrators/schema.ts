import { z } from 'zod';

const e = (field: string, error: string) => `administrators:form.${field}.errors.${error}`;

export const ROLES = ['admin', 'platform'] as const;
export const LANGUAGES = ['fr', 'en'] as const;

const fields = {
  displayName: z.string().min(1, e('displayName', 'required')).max(100, e('displayName', 'tooLong')),
  role: z.enum(ROLES, { error: e('role', 'required') }),
  language: z.enum(LANGUAGES, { error: e('language', 'required') }),
  accountIds: z
    .array(z.string())
    .refine((ids) => ids.every((id) => /^[1-9]\d{0,9}$/.test(id)), e('accountIds', 'unknown'))
    .transform((ids) => [...new Set(ids.map(Number))].sort((a, b) => a - b)),
};

/** Edit: the e-mail is the identity the company proxy sends, so it is fixed once the administrator exists. */
export const administratorUpdateSchema = z.object(fields);

export const administratorCreateSchema = z.object({
  displayName: fields.displayName,
  email: z
    .string()
    .min(1, e('email', 'required'))
    .max(254, e('email', 'tooLong'))
    .pipe(z.email({ error: e('email', 'format') }))
    .transform((v) => v.toLowerCase()),
  role: fields.role,
  language: fields.language,
  accountIds: fields.accountIds,
});

export type AdministratorCreateInput = z.output<typeof administratorCreateSchema>;
export type AdministratorUpdateInput = z.output<typeof administratorUpdateSchema>;

/** Form body → schema candidate: trimmed strings, checkbox values as a list. */
export function toAdministratorCandidate(raw: Record<string, unknown>): Record<string, unknown> {
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).normalize('NFC').trim() : '');
  const ids = raw.accountIds;
  return {
    displayName: text('displayName'),
    email: text('email'),
    role: text('role'),
    language: text('language'),
    accountIds: (Array.isArray(ids) ? ids : typeof ids === 'string' && ids ? [ids] : []).filter((v): v is string => typeof v === 'string'),
  };
}
