import type { Db } from '../../platform/db';
import { APPLICATION_VIEW_COLUMNS, applicationsWithInitiator, inScope, KEY_RULE_COLUMNS, toApplicationView, type ApplicationView } from './repository';
import { FORM_RECORD_COLUMNS, toFormRecord, type FormRecord } from './form-data-repository';

/** What the administrator's application page shows beside the application itself: the key's information and the e-mails sent. */

export interface KeyInformation {
  id: number;
  name: string;
  number: string;
  deletedAt: string | null;
  expiresOn: string;
  plasticType: string;
  costCentreRule: string;
  employeeNumberRule: string;
  directDebitRule: string;
  reminderEnabled: boolean;
  additionalApproverRequired: boolean;
  account: {
    number: string;
    companyName: string;
    cardProduct: string;
    liabilityType: string;
    statementOption: string;
    paymentType: string;
    plasticTypes: string[];
  };
}

function parseList(json: unknown): string[] {
  try {
    const v = JSON.parse(String(json ?? '[]')) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The application within the BCs as its administrator's page shows it, in one statement: the application itself, its
 * form record (the form read-only) and its key's information and BC's options (deleted keys too). A key belongs to
 * one BC for good, the application's, so the application's BC scope is the key's. Undefined outside the BCs.
 */
export interface ApplicationPageRecord {
  application: ApplicationView;
  form: FormRecord;
  keyInfo: KeyInformation;
}

const PAGE_COLUMNS = [...new Set<string>([...APPLICATION_VIEW_COLUMNS, ...FORM_RECORD_COLUMNS, ...KEY_RULE_COLUMNS, 'a.plastic_types'])];

export async function findApplicationPageRecord(db: Db, id: number, accountIds: number[]): Promise<ApplicationPageRecord | undefined> {
  // Read by id alone, the BC checked here: an IN list of the administrator's BCs cost more than the row (~70 µs).
  const r = await applicationsWithInitiator(db).where('ap.id', id).first(PAGE_COLUMNS);
  if (!r || !inScope(r.account_id, accountIds)) return undefined;
  const keyInfo: KeyInformation = {
    id: Number(r.access_key_id),
    name: r.key_name,
    number: r.key_number,
    deletedAt: r.key_deleted_at ?? null,
    expiresOn: r.key_expires_on,
    plasticType: r.plastic_type,
    costCentreRule: r.cost_centre_rule,
    employeeNumberRule: r.employee_number_rule,
    directDebitRule: r.direct_debit_rule,
    reminderEnabled: Boolean(r.reminder_enabled),
    additionalApproverRequired: Boolean(r.additional_approver_required),
    account: {
      number: r.account_number,
      companyName: r.company_name,
      cardProduct: r.card_product,
      liabilityType: r.liability_type,
      statementOption: r.statement_option,
      paymentType: r.payment_type,
      plasticTypes: parseList(r.plastic_types),
    },
  };
  return { application: toApplicationView(r), form: toFormRecord(r), keyInfo };
}

export interface EmailFlow {
  id: number;
  template: string;
  language: string;
  recipient: string;
  status: string;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}

/** The e-mails queued or sent for an application (the "flows" of its history), oldest first. */
export async function emailsOf(db: Db, applicationId: number): Promise<EmailFlow[]> {
  const rows: Array<Omit<EmailFlow, 'createdAt' | 'sentAt'> & { created_at: string; sent_at: string | null }> = await db('outbox')
    .where({ application_id: applicationId })
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('id', 'template', 'language', 'recipient', 'status', 'attempts', 'created_at', 'sent_at');
  return rows.map(({ created_at, sent_at, ...r }) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts), createdAt: created_at, sentAt: sent_at }));
}
