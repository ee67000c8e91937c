import type { Db } from '../../platform/db';
import { KEY_RULE_COLUMNS } from './repository';
import { ACCOUNT_CARD_COLUMNS } from '../accounts/repository';

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

/** The key an application was made with and its BC's options (deleted keys too), within the BCs. */
export async function keyInformation(db: Db, keyId: number, accountIds: number[]): Promise<KeyInformation | undefined> {
  const r = await db('access_key as k')
    .join('account as a', 'a.id', 'k.account_id')
    .where('k.id', keyId)
    .whereIn('k.account_id', accountIds)
    .first('k.id', 'k.name', 'k.number', 'k.deleted_at', 'k.expires_on', ...KEY_RULE_COLUMNS, ...ACCOUNT_CARD_COLUMNS, 'a.plastic_types');
  if (!r) return undefined;
  return {
    id: Number(r.id),
    name: r.name,
    number: r.number,
    deletedAt: r.deleted_at ?? null,
    expiresOn: r.expires_on,
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
