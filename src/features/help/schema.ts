import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { checkPhone } from '../../lib/validators';
import type { HelpEntryFields } from './repository';

const e = (field: string, error: string) => `help:form.${field}.errors.${error}`;

export const AUDIENCES = ['cardholders', 'administrators'] as const;

/** Control characters and bidirectional overrides have no place in a directory entry (they reorder what others read). */
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

const text = (field: string, max: number, required = false) =>
  z
    .string()
    .max(max, e(field, 'tooLong'))
    .refine((v) => !CONTROL.test(v), e(field, 'control'))
    .refine((v) => !required || v.length > 0, e(field, 'required'));

/** One line per topic: blank lines dropped, each line trimmed. */
const topics = (field: string) =>
  text(field, 2000)
    .transform((v) =>
      v
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .refine((lines) => lines.every((l) => l.length <= 300), e(field, 'lineTooLong'))
    .transform((lines) => lines.join('\n'));

export const helpEntrySchema = z
  .object({
    titleFr: text('titleFr', 120, true),
    titleEn: text('titleEn', 120, true),
    topicsFr: topics('topicsFr'),
    topicsEn: topics('topicsEn'),
    hoursFr: text('hoursFr', 200),
    hoursEn: text('hoursEn', 200),
    phone: text('phone', 40).transform((v, ctx) => {
      if (!v) return '';
      const checked = checkPhone(v, 'FR');
      if (!checked.ok) {
        ctx.addIssue({ code: 'custom', message: e('phone', 'invalid') });
        return z.NEVER;
      }
      return checked.value;
    }),
    email: z.union([
      z.literal(''),
      z
        .string()
        .max(254, e('email', 'tooLong'))
        .pipe(z.email({ error: e('email', 'format') })),
    ]),
    url: z.union([
      z.literal(''),
      z
        .string()
        .max(500, e('url', 'tooLong'))
        .refine((v) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v) && URL.canParse(v), e('url', 'format')),
    ]),
    address: text('address', 300),
    audience: z.enum(AUDIENCES, { error: e('audience', 'required') }),
    highlight: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (!v.phone && !v.email && !v.url && !v.address) ctx.addIssue({ code: 'custom', path: ['phone'], message: e('phone', 'noContact') });
  })
  .transform((v): HelpEntryFields => ({
    audience: v.audience,
    highlight: v.highlight,
    title: { fr: v.titleFr, en: v.titleEn },
    topics: { fr: v.topicsFr, en: v.topicsEn },
    hours: { fr: v.hoursFr, en: v.hoursEn },
    phone: v.phone,
    email: v.email.toLowerCase(),
    url: v.url,
    address: v.address,
  }));

/** Form body → schema candidate: trimmed NFC strings, the checkbox as a boolean. */
export function toHelpEntryCandidate(raw: Record<string, unknown>): Record<string, unknown> {
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).normalize('NFC').trim() : '');
  return {
    titleFr: str('titleFr'),
    titleEn: str('titleEn'),
    topicsFr: str('topicsFr'),
    topicsEn: str('topicsEn'),
    hoursFr: str('hoursFr'),
    hoursEn: str('hoursEn'),
    phone: str('phone'),
    email: str('email'),
    url: str('url'),
    address: str('address'),
    audience: str('audience'),
    highlight: raw.highlight === 'yes',
  };
}

/** The form's values for an existing entry. */
export function helpEntryValues(f: HelpEntryFields): Record<string, unknown> {
  return {
    titleFr: f.title.fr,
    titleEn: f.title.en,
    topicsFr: f.topics.fr,
    topicsEn: f.topics.en,
    hoursFr: f.hours.fr,
    hoursEn: f.hours.en,
    phone: phoneDisplay(f.phone),
    email: f.email,
    url: f.url,
    address: f.address,
    audience: f.audience,
    highlight: f.highlight,
  };
}

/** A stored number as people read it (+32 2 676 23 88), and as a `tel:` link wants it (+3226762388). */
export function phoneDisplay(stored: string): string {
  const parsed = stored ? parsePhoneNumberFromString(stored, 'FR') : undefined;
  return parsed?.isValid() ? parsed.formatInternational() : stored;
}

export function phoneHref(stored: string): string | null {
  const parsed = stored ? parsePhoneNumberFromString(stored, 'FR') : undefined;
  return parsed?.isValid() ? `tel:${parsed.number}` : null;
}
