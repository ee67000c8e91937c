import type { Db } from '../../platform/db';
import type { ApplicationPerson } from './repository';
import { NOT_SUBMITTED, type Status } from './status';
import type { Origin, Priority } from './create';
import { deriveEmbossName } from '../../lib/validators';
import type { Account } from '../accounts/repository';

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

export interface FormContext {
  application: ApplicationPerson & {
    id: number;
    reference: string;
    origin: Origin;
    priority: Priority;
    status: Status;
    createdAt: string;
    version: number;
  };
  key: {
    id: number;
    number: string;
    name: string;
    plasticType: string;
    costCentreRule: 'required' | 'optional';
    employeeNumberRule: 'required' | 'optional';
    directDebitRule: 'required' | 'optional' | 'none';
    additionalApproverRequired: boolean;
  };
  /** The BC as the form needs it (src/core/accounts). */
  account: Pick<
    Account,
    | 'id'
    | 'number'
    | 'companyName'
    | 'addressBuilding'
    | 'addressStreet'
    | 'addressCity'
    | 'addressPostalCode'
    | 'addressCountry'
    | 'phone'
    | 'cardProduct'
    | 'liabilityType'
    | 'statementOption'
    | 'paymentType'
  >;
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

/** The application, its key and BC, and its stored form; undefined when the application does not exist. */
export async function loadFormContext(db: Db, applicationId: number): Promise<FormContext | undefined> {
  const row = await db('application as ap')
    .join('access_key as k', 'k.id', 'ap.access_key_id')
    .join('account as a', 'a.id', 'ap.account_id')
    .where('ap.id', applicationId)
    .first(
      'ap.*',
      'k.number as key_number',
      'k.name as key_name',
      'k.plastic_type as key_plastic_type',
      'k.cost_centre_rule',
      'k.employee_number_rule',
      'k.direct_debit_rule',
      'k.additional_approver_required',
      'a.number as account_number',
      'a.company_name',
      'a.address_building',
      'a.address_street',
      'a.address_city',
      'a.address_postal_code',
      'a.address_country',
      'a.phone as account_phone',
      'a.card_product',
      'a.liability_type',
      'a.statement_option',
      'a.payment_type',
    );
  if (!row) return undefined;
  const stored = parseJson(row.form_data);
  const form: FormData = {
    ...(stored.priority ? { priority: stringsOnly(stored.priority) } : {}),
    ...(stored.cardholder ? { cardholder: stringsOnly(stored.cardholder) as CardholderValues } : {}),
    ...(stored.payment ? { payment: stringsOnly(stored.payment) as PaymentData } : {}),
    ...(stored.approver ? { approver: stringsOnly(stored.approver) } : {}),
    ...(typeof stored.firstSavedAt === 'string' ? { firstSavedAt: stored.firstSavedAt } : {}),
  };
  return {
    application: {
      id: Number(row.id),
      reference: row.reference,
      origin: row.origin,
      priority: row.priority,
      status: row.status,
      title: row.title ?? null,
      firstName: row.first_name ?? null,
      lastName: row.last_name ?? null,
      email: row.email,
      language: row.language,
      createdAt: row.created_at,
      version: Number(row.version),
    },
    key: {
      id: Number(row.access_key_id),
      number: row.key_number,
      name: row.key_name,
      plasticType: row.key_plastic_type,
      costCentreRule: row.cost_centre_rule,
      employeeNumberRule: row.employee_number_rule,
      directDebitRule: row.direct_debit_rule,
      additionalApproverRequired: Boolean(row.additional_approver_required),
    },
    account: {
      id: Number(row.account_id),
      number: row.account_number,
      companyName: row.company_name,
      addressBuilding: row.address_building ?? '',
      addressStreet: row.address_street,
      addressCity: row.address_city,
      addressPostalCode: row.address_postal_code,
      addressCountry: row.address_country,
      phone: row.account_phone ?? '',
      cardProduct: row.card_product,
      liabilityType: row.liability_type,
      statementOption: row.statement_option,
      paymentType: row.payment_type,
    },
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
