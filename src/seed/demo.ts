import type { Db } from '../platform/db';
import { generateAccessKeyNumber } from '../lib/access-key-number';
import { seedTerms } from '../core/terms/repository';

/**
 * Demo data for a fresh installation (npm start on an empty database): fictitious companies and people only.
 * A platform administrator, two program administrators, five BCs with their options, a few keys.
 */
export async function seedDemo(db: Db, now: Date): Promise<boolean> {
  // Sample terms (marked as such) first and idempotently, so a database seeded before they existed gets them too.
  await seedTerms(db);
  const existing = await db('administrator').count<{ n: number }[]>({ n: '*' });
  if (Number(existing[0]?.n ?? 0) > 0) return false;
  const ts = now.toISOString();
  const in20Years = new Date(now);
  in20Years.setUTCFullYear(in20Years.getUTCFullYear() + 20);
  in20Years.setUTCDate(in20Years.getUTCDate() - 1);
  const expiresOn = in20Years.toISOString().slice(0, 10);

  await db.transaction(async (trx) => {
    const [platform, claire, marc] = await trx('administrator')
      .insert([
        {
          email: 'plateforme@sesame.example',
          display_name: 'Paula Plateforme',
          role: 'platform',
          language: 'fr',
          active: true,
          created_at: ts,
          updated_at: ts,
        },
        { email: 'claire.martin@acme.example', display_name: 'Claire Martin', role: 'admin', language: 'fr', active: true, created_at: ts, updated_at: ts },
        { email: 'marc.dupont@globex.example', display_name: 'Marc Dupont', role: 'admin', language: 'en', active: true, created_at: ts, updated_at: ts },
      ])
      .returning('id');
    const ids = [platform, claire, marc].map((r) => (typeof r === 'object' ? (r as { id: number }).id : (r as number)));
    const accounts = [
      {
        number: '00820400012',
        company_name: 'ACME Industries SA',
        address_building: 'Bâtiment A',
        address_street: '12 rue de la Paix',
        address_city: 'Paris',
        address_postal_code: '75002',
        address_country: 'FR',
        phone: '+33 1 40 00 00 01',
        card_product: 'corporate',
        plastic_types: JSON.stringify(['corporate', 'gold', 'platinum']),
        liability_type: 'company',
        statement_option: 'centralised',
        payment_type: 'central',
      },
      {
        number: '00820400044',
        company_name: 'ACME Industries SA – Ventes',
        address_building: '',
        address_street: '8 avenue Jean Jaurès',
        address_city: 'Lyon',
        address_postal_code: '69007',
        address_country: 'FR',
        phone: '+33 4 72 00 00 02',
        card_product: 'corporate',
        plastic_types: JSON.stringify(['corporate', 'gold']),
        liability_type: 'joint',
        statement_option: 'individual',
        payment_type: 'individual',
      },
      {
        number: '00820400061',
        company_name: 'ACME Voyages SAS',
        address_building: '3e étage',
        address_street: '45 boulevard Haussmann',
        address_city: 'Paris',
        address_postal_code: '75009',
        address_country: 'FR',
        phone: '+33 1 40 00 00 03',
        card_product: 'corporate_air_france',
        plastic_types: JSON.stringify(['corporate', 'platinum']),
        liability_type: 'individual',
        statement_option: 'individual',
        payment_type: 'individual',
      },
      {
        number: '00000500036',
        company_name: 'Globex Benelux SA',
        address_building: '',
        address_street: 'Rue de la Loi 200',
        address_city: 'Bruxelles',
        address_postal_code: '1040',
        address_country: 'BE',
        phone: '+32 2 000 00 04',
        card_product: 'corporate',
        plastic_types: JSON.stringify(['corporate', 'gold', 'green']),
        liability_type: 'joint',
        statement_option: 'centralised',
        payment_type: 'central',
      },
      {
        number: '00000500183',
        company_name: 'Globex Luxembourg SARL',
        address_building: 'Tour B',
        address_street: '2 boulevard Royal',
        address_city: 'Luxembourg',
        address_postal_code: '2449',
        address_country: 'LU',
        phone: '+352 20 00 00 05',
        card_product: 'corporate',
        plastic_types: JSON.stringify(['corporate']),
        liability_type: 'company',
        statement_option: 'centralised',
        payment_type: 'individual',
      },
    ].map((a) => ({ ...a, created_at: ts, updated_at: ts }));
    const accountIds = (await trx('account').insert(accounts).returning('id')).map((r) => (typeof r === 'object' ? (r as { id: number }).id : (r as number)));
    const [acme1, acme2, acme3, globex1, globex2] = accountIds as [number, number, number, number, number];
    const [, claireId, marcId] = ids as [number, number, number];
    await trx('administrator_account').insert([
      { administrator_id: claireId, account_id: acme1 },
      { administrator_id: claireId, account_id: acme2 },
      { administrator_id: claireId, account_id: acme3 },
      { administrator_id: marcId, account_id: globex1 },
      { administrator_id: marcId, account_id: globex2 },
    ]);
    const key = (account_id: number, name: string, plastic_type: string, created_by: number, extra: Record<string, unknown> = {}) => ({
      number: generateAccessKeyNumber(),
      name,
      account_id,
      plastic_type,
      cost_centre_rule: 'optional',
      employee_number_rule: 'optional',
      direct_debit_rule: 'none',
      reminder_enabled: true,
      additional_approver_required: false,
      notification_recipients: '[]',
      expires_on: expiresOn,
      created_by,
      created_at: ts,
      updated_at: ts,
      ...extra,
    });
    await trx('access_key').insert([
      key(acme1, 'Direction financière', 'gold', claireId, {
        cost_centre_rule: 'required',
        notification_recipients: JSON.stringify(['finance.approbation@acme.example']),
      }),
      key(acme2, 'Ventes-Lyon', 'corporate', claireId, { direct_debit_rule: 'required', employee_number_rule: 'required', additional_approver_required: true }),
      key(globex1, 'Benelux_Sales', 'green', marcId, { reminder_enabled: false }),
      key(globex2, 'LU/Finance', 'corporate', marcId, { direct_debit_rule: 'optional' }),
    ]);
  });
  return true;
}
