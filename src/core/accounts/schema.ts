import { z } from 'zod';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { CARD_PRODUCTS, LIABILITY_TYPES, PAYMENT_TYPES, PLASTIC_TYPES, STATEMENT_OPTIONS, type PlasticType } from './options';

/** Countries offered for a BC's address (ISO 3166-1 alpha-2); labels come from Intl.DisplayNames in the page language. */
export const COUNTRIES = ['FR', 'BE', 'LU', 'CH', 'DE', 'GB', 'ES', 'IT', 'NL', 'AT', 'IE', 'PT', 'MC'] as const;

/** The form's fields, in page order; the CSV columns are the same fields under their database names. */
export const ACCOUNT_FIELDS = [
  'number',
  'companyName',
  'addressBuilding',
  'addressStreet',
  'addressCity',
  'addressPostalCode',
  'addressCountry',
  'phone',
  'cardProduct',
  'plasticTypes',
  'liabilityType',
  'statementOption',
  'paymentType',
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

const e = (field: AccountField, error: string) => `accounts:form.${field}.errors.${error}`;

const requiredText = (field: AccountField, max: number) => z.string().min(1, e(field, 'required')).max(max, e(field, 'tooLong'));

const isPlasticType = (v: string): v is PlasticType => (PLASTIC_TYPES as readonly string[]).includes(v);

export const accountSchema = z
  .object({
    number: z
      .string()
      .min(1, e('number', 'required'))
      .regex(/^\d{11}$/, e('number', 'format')),
    companyName: requiredText('companyName', 100),
    addressBuilding: z.string().max(100, e('addressBuilding', 'tooLong')),
    addressStreet: requiredText('addressStreet', 100),
    addressCity: requiredText('addressCity', 60),
    addressPostalCode: requiredText('addressPostalCode', 12).regex(/^[A-Z0-9][A-Z0-9 -]*$/, e('addressPostalCode', 'format')),
    addressCountry: z.enum(COUNTRIES, { error: e('addressCountry', 'required') }),
    phone: z.string().max(30, e('phone', 'format')),
    cardProduct: z.enum(CARD_PRODUCTS, { error: e('cardProduct', 'required') }),
    plasticTypes: z
      .array(z.string())
      .min(1, e('plasticTypes', 'required'))
      .refine((list) => list.every(isPlasticType), e('plasticTypes', 'invalid'))
      .transform((list) => PLASTIC_TYPES.filter((p) => list.includes(p))),
    liabilityType: z.enum(LIABILITY_TYPES, { error: e('liabilityType', 'required') }),
    statementOption: z.enum(STATEMENT_OPTIONS, { error: e('statementOption', 'required') }),
    paymentType: z.enum(PAYMENT_TYPES, { error: e('paymentType', 'required') }),
  })
  .superRefine((v, ctx) => {
    // Zod runs this even when other fields failed: check the phone only against a known country.
    if (v.phone && (COUNTRIES as readonly string[]).includes(v.addressCountry) && !parsePhone(v.phone, v.addressCountry))
      ctx.addIssue({ code: 'custom', path: ['phone'], message: e('phone', 'format') });
  })
  .transform((v) => ({ ...v, phone: v.phone ? (parsePhone(v.phone, v.addressCountry) as string) : '' }));

export type AccountInput = z.output<typeof accountSchema>;

/** Issues in page order (refinements run last), so the error summary lists fields as they appear. */
export function inFieldOrder(error: z.ZodError): z.ZodError {
  const rank = (i: z.core.$ZodIssue) => {
    const r = ACCOUNT_FIELDS.indexOf(String(i.path[0]) as AccountField);
    return r < 0 ? ACCOUNT_FIELDS.length : r;
  };
  return new z.ZodError([...error.issues].sort((a, b) => rank(a) - rank(b)));
}

/** A valid number for the address country (national format accepted), returned in international format. */
function parsePhone(value: string, country: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(value, country);
  return parsed?.isValid() ? parsed.formatInternational() : undefined;
}

/**
 * Shapes raw values (form body or CSV row) for the schema: every field a string (missing → ''), number and phone
 * without spaces where people put them, codes as typed, plastic types as a list (checkboxes or `a|b` in a CSV cell).
 */
export function toAccountCandidate(raw: Record<string, unknown>): Record<AccountField, unknown> {
  const text = (k: string) => {
    const v = raw[k];
    return typeof v === 'string' ? v.normalize('NFC').trim() : '';
  };
  const plastic = raw.plasticTypes;
  const plasticTypes = Array.isArray(plastic)
    ? plastic
        .filter((p): p is string => typeof p === 'string')
        .map((p) => p.trim())
        .filter(Boolean)
    : typeof plastic === 'string'
      ? plastic
          .split(/[|,\s]+/)
          .map((p) => p.trim().toLowerCase())
          .filter(Boolean)
      : [];
  return {
    number: text('number').replace(/[\s.]/g, ''),
    companyName: text('companyName'),
    addressBuilding: text('addressBuilding'),
    addressStreet: text('addressStreet'),
    addressCity: text('addressCity'),
    addressPostalCode: text('addressPostalCode').toUpperCase(),
    addressCountry: text('addressCountry').toUpperCase(),
    phone: text('phone'),
    cardProduct: text('cardProduct'),
    plasticTypes,
    liabilityType: text('liabilityType'),
    statementOption: text('statementOption'),
    paymentType: text('paymentType'),
  };
}
