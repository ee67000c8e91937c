import { joinedApplications, toApplicationFields } from './repository';
import type { Db } from '../../platform/db';
import { ACCOUNT_CARD_COLUMNS, type Account } from '../accounts/repository';
import type { ApplicationFields } from './repository';

/** The application, its key's rules and its BC, and its stored form and pre-fill (JSON text, as stored). */
export interface FormRecord {
  application: ApplicationFields & { version: number };
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
  formData: unknown;
  prefill: unknown;
}

/** The columns of a FormRecord (toFormRecord), on joinedApplications. */
export const FORM_RECORD_COLUMNS = [
  'ap.*',
  'k.number as key_number',
  'k.name as key_name',
  'k.plastic_type as key_plastic_type',
  'k.cost_centre_rule',
  'k.employee_number_rule',
  'k.direct_debit_rule',
  'k.additional_approver_required',
  'a.address_building',
  'a.address_street',
  'a.address_city',
  'a.address_postal_code',
  'a.address_country',
  'a.phone as account_phone',
  ...ACCOUNT_CARD_COLUMNS,
] as const;

/** The application with its key and BC; undefined when it does not exist. */
export async function findFormRecord(db: Db, applicationId: number): Promise<FormRecord | undefined> {
  const row = await joinedApplications(db)
    .where('ap.id', applicationId)
    .first(...FORM_RECORD_COLUMNS);
  return row ? toFormRecord(row) : undefined;
}

/** A row read with FORM_RECORD_COLUMNS as a FormRecord. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Knex row
export function toFormRecord(row: any): FormRecord {
  return {
    application: { ...toApplicationFields(row), version: Number(row.version) },
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
    formData: row.form_data,
    prefill: row.prefill,
  };
}
