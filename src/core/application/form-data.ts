import type { Db } from '../../platform/db';
import { NOT_SUBMITTED } from './status';
import { deriveEmbossName } from '../../lib/validators';
import { findFormRecord, type FormRecord } from './form-data-repository';

/**
 * The employee's form: what is stored (application.form_data, JSON, as typed by the employee section by section),
 * and the context every rule needs (the application, its key's custom-field rules, its BC). Nothing here validates
 * formats: see schema.ts.
 */

const SECTION_IDS = ['company', 'priority', 'cardholder', 'payment', 'pin', 'documents', 'approval', 'terms'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** Cardholder fields and their storage limits (what Save checks, with the type: strings only). */
export const CARDHOLDER_LIMITS = {
  title: 4,
  firstName: 60,
  lastName: 60,
  birthName: 60,
  dobDay: 2,
  dobMonth: 2,
  dobYear: 4,
  birthPlace: 60,
  birthCountry: 2,
  nationality: 2,
  homeAddressLine1: 60,
  homeAddressLine2: 60,
  homePostalCode: 12,
  homeCity: 60,
  homeCountry: 2,
  mobilePhone: 30,
  businessPhone: 30,
  businessEmail: 254,
  businessAddressLine1: 60,
  businessAddressLine2: 60,
  businessPostalCode: 12,
  businessCity: 60,
  businessCountry: 2,
  jobTitle: 60,
  employeeNumber: 30,
  costCentre: 30,
  embossName: 26,
  correspondenceLanguage: 2,
} as const;
export type CardholderField = keyof typeof CARDHOLDER_LIMITS;
export const CARDHOLDER_FIELDS = Object.keys(CARDHOLDER_LIMITS) as CardholderField[];
export type CardholderValues = Partial<Record<CardholderField, string>>;

export const PAYMENT_LIMITS = { directDebit: 3, iban: 50, bic: 11, accountHolder: 70 } as const;
export const APPROVER_LIMITS = { approverName: 100, approverEmail: 254, approverLanguage: 2 } as const;
export const PRIORITY_LIMITS = { priority: 6, urgentTermsAccepted: 3 } as const;

export interface PaymentData {
  /** 'yes' | 'no', only asked when the key makes direct debit optional. */
  directDebit?: string;
  /** The IBAN as typed, encrypted at rest (field-crypto, AAD below); never stored or logged in clear. */
  iban?: string;
  /** Result of the IBAN check on what was typed: 'ok' or an error key (so completeness needs no decryption). */
  ibanCheck?: string;
  /** Last four characters and country of a valid IBAN, for the masked display and the BIC country check. */
  ibanLast4?: string;
  ibanCountry?: string;
  bic?: string;
  accountHolder?: string;
}

export interface FormData {
  priority?: { priority?: string; urgentTermsAccepted?: string };
  cardholder?: CardholderValues;
  payment?: PaymentData;
  approver?: { approverName?: string; approverEmail?: string; approverLanguage?: string };
  /** First time anything was saved (the "Before you start" instructions are shown until then). */
  firstSavedAt?: string;
}

export function ibanAad(applicationId: number): string {
  return `application:form_data.payment.iban:${applicationId}`;
}

export interface FormContext extends Omit<FormRecord, 'formData' | 'prefill'> {
  form: FormData;
  prefill: Record<string, string>;
}

function parseJson(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || !text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function stringsOnly(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x === 'string') out[k] = x;
  return out;
}

/**
 * The application, its key and BC, and its stored form; undefined when the application does not exist. `record`: the
 * application's form record when the caller has just read it (the administrator's page), not read again.
 */
export async function loadFormContext(db: Db, applicationId: number, record?: FormRecord): Promise<FormContext | undefined> {
  const row = record ?? (await findFormRecord(db, applicationId));
  if (!row) return undefined;
  const stored = parseJson(row.formData);
  const form: FormData = {
    ...(stored.priority ? { priority: stringsOnly(stored.priority) } : {}),
    ...(stored.cardholder ? { cardholder: stringsOnly(stored.cardholder) as CardholderValues } : {}),
    ...(stored.payment ? { payment: stringsOnly(stored.payment) as PaymentData } : {}),
    ...(stored.approver ? { approver: stringsOnly(stored.approver) } : {}),
    ...(typeof stored.firstSavedAt === 'string' ? { firstSavedAt: stored.firstSavedAt } : {}),
  };
  return {
    application: row.application,
    key: row.key,
    account: row.account,
    form,
    prefill: stringsOnly(parseJson(row.prefill)),
  };
}

/** The employee may change the form only before submission (or after it was returned for correction). */
export function isEditable(ctx: Pick<FormContext, 'application'>): boolean {
  return NOT_SUBMITTED.includes(ctx.application.status);
}

/** Which sections this application has (SPEC §3.4): conditional ones only when they apply. */
export function applicableSections(ctx: FormContext): SectionId[] {
  return SECTION_IDS.filter((id) => {
    if (id === 'payment') return hasPaymentSection(ctx);
    if (id === 'pin') return ctx.application.priority === 'normal';
    if (id === 'approval') return ctx.key.additionalApproverRequired;
    return true;
  });
}

/** Individual payment only for a BC paid individually, and only when the key offers direct debit. */
export function hasPaymentSection(ctx: FormContext): boolean {
  return ctx.account.paymentType === 'individual' && ctx.key.directDebitRule !== 'none';
}

/** The employee chooses the priority only in self-service; otherwise the administrator did. */
export function canChoosePriority(ctx: FormContext): boolean {
  return ctx.application.origin === 'self_service';
}

/**
 * What the cardholder section shows before the employee saved it: the administrator's pre-fills (bulk columns),
 * the name and e-mail the application was initiated with, the company's address as the business address, the
 * name to emboss derived from the name. Once saved, the saved values are used as they are.
 */
export function cardholderValues(ctx: FormContext): CardholderValues {
  if (ctx.form.cardholder) return ctx.form.cardholder;
  const p = ctx.prefill;
  const a = ctx.application;
  const [dobYear, dobMonth, dobDay] = /^\d{4}-\d{2}-\d{2}$/.test(p.dateOfBirth ?? '') ? (p.dateOfBirth as string).split('-') : [];
  const usePrefilledBusinessAddress = Boolean(p.businessAddressLine1 || p.businessCity || p.businessPostalCode);
  const street = [ctx.account.addressBuilding, ctx.account.addressStreet].filter(Boolean).join(', ');
  const values: CardholderValues = {
    title: a.title ?? '',
    firstName: a.firstName ?? '',
    lastName: a.lastName ?? '',
    birthName: p.birthName ?? '',
    dobDay: dobDay ? String(Number(dobDay)) : '',
    dobMonth: dobMonth ? String(Number(dobMonth)) : '',
    dobYear: dobYear ?? '',
    mobilePhone: p.mobilePhone ?? '',
    businessPhone: p.businessPhone ?? '',
    businessEmail: a.email,
    businessAddressLine1: usePrefilledBusinessAddress ? (p.businessAddressLine1 ?? '') : street.slice(0, CARDHOLDER_LIMITS.businessAddressLine1),
    businessAddressLine2: usePrefilledBusinessAddress ? (p.businessAddressLine2 ?? '') : '',
    businessPostalCode: usePrefilledBusinessAddress ? (p.businessPostalCode ?? '') : ctx.account.addressPostalCode,
    businessCity: usePrefilledBusinessAddress ? (p.businessCity ?? '') : ctx.account.addressCity,
    businessCountry: usePrefilledBusinessAddress ? (p.businessCountry ?? ctx.account.addressCountry) : ctx.account.addressCountry,
    jobTitle: p.jobTitle ?? '',
    employeeNumber: p.employeeNumber ?? '',
    costCentre: p.costCentre ?? '',
    embossName: p.embossName ?? deriveEmbossName(a.firstName, a.lastName),
    correspondenceLanguage: a.language,
  };
  return values;
}

/** The approver section before it is saved: the approver's e-mail from the bulk pre-fill, the employee's language. */
export function approverValues(ctx: FormContext): { approverName: string; approverEmail: string; approverLanguage: string } {
  const saved = ctx.form.approver;
  return {
    approverName: saved?.approverName ?? '',
    approverEmail: saved?.approverEmail ?? ctx.prefill.additionalApproverEmail ?? '',
    approverLanguage: saved?.approverLanguage ?? ctx.application.language,
  };
}
