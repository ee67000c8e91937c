import type { Db } from '../../src/platform/db';
import { generateAccessKeyNumber } from '../../src/lib/access-key-number';

const ts = '2026-11-24T09:00:00.000Z';
let seq = 0;

function idOf(row: unknown): number {
  return typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number);
}

export async function givenAccount(db: Db, overrides: Record<string, unknown> = {}): Promise<number> {
  seq++;
  const [row] = await db('account')
    .insert({
      number: String(90000000000 + seq).padStart(11, '0').slice(-11),
      company_name: `Test Company ${seq}`,
      address_building: '',
      address_street: '1 rue du Test',
      address_city: 'Paris',
      address_postal_code: '75001',
      address_country: 'FR',
      phone: '+33 1 00 00 00 00',
      card_product: 'corporate',
      plastic_types: JSON.stringify(['corporate', 'gold']),
      liability_type: 'company',
      statement_option: 'centralised',
      payment_type: 'central',
      created_at: ts,
      updated_at: ts,
      ...overrides,
    })
    .returning('id');
  return idOf(row);
}

export async function givenAdministrator(
  db: Db,
  overrides: Record<string, unknown> = {},
  accountIds: number[] = [],
): Promise<{ id: number; email: string }> {
  seq++;
  const email = (overrides.email as string) ?? `admin${seq}@test.example`;
  const [row] = await db('administrator')
    .insert({ email, display_name: `Admin ${seq}`, role: 'admin', language: 'fr', active: true, created_at: ts, updated_at: ts, ...overrides })
    .returning('id');
  const id = idOf(row);
  if (accountIds.length) await db('administrator_account').insert(accountIds.map((account_id) => ({ administrator_id: id, account_id })));
  return { id, email };
}

export async function givenAccessKey(db: Db, accountId: number, createdBy: number, overrides: Record<string, unknown> = {}): Promise<{ id: number; number: string }> {
  seq++;
  const number = (overrides.number as string) ?? generateAccessKeyNumber();
  const [row] = await db('access_key')
    .insert({
      number,
      name: `Key ${seq}`,
      account_id: accountId,
      plastic_type: 'corporate',
      cost_centre_rule: 'optional',
      employee_number_rule: 'optional',
      direct_debit_rule: 'none',
      reminder_enabled: true,
      additional_approver_required: false,
      notification_recipients: '[]',
      expires_on: '2046-11-23',
      created_by: createdBy,
      created_at: ts,
      updated_at: ts,
      ...overrides,
    })
    .returning('id');
  return { id: idOf(row), number };
}
