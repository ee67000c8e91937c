import type { Db } from '../platform/db';
import { generateAccessKeyNumber } from '../lib/access-key-number';
import { seedTerms } from '../core/terms/repository';
import { generateReference } from '../lib/luhn';
import { deriveEmbossName } from '../lib/validators';
import { toIssuerCharset } from '../lib/issuer-charset';
import { STATUSES, SUBMITTED, type Status } from '../core/application/status';
import { encryptPin } from '../core/application/pin';
import type { PinIssuerKey } from '../platform/secrets';

export interface DemoOptions {
  /** The issuer's key, to store the demo's PINs encrypted as the form does (none: the demo has no PIN). */
  pinIssuer?: () => PinIssuerKey;
  /**
   * Scheduled job slots to mark as done: the nightly transmission's current slot, so that the first start does not
   * transmit the demo's approved applications at once (the newcomer sees them waiting, and "Transmit now").
   */
  doneJobSlots?: Array<{ job: string; slot: string }>;
}

/**
 * Demo data for a fresh installation (npm start on an empty database): fictitious companies and people only.
 * A platform administrator, two program administrators, five BCs with their options, a few keys, and applications in
 * every status (three approved, ready to transmit to the issuer).
 */
export async function seedDemo(db: Db, now: Date, opts: DemoOptions = {}): Promise<boolean> {
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
    const keyRows = await trx('access_key')
      .insert([
        key(acme1, 'Direction financière', 'gold', claireId, {
          cost_centre_rule: 'required',
          notification_recipients: JSON.stringify(['finance.approbation@acme.example']),
        }),
        key(acme2, 'Ventes-Lyon', 'corporate', claireId, {
          direct_debit_rule: 'required',
          employee_number_rule: 'required',
          additional_approver_required: true,
        }),
        key(globex1, 'Benelux_Sales', 'green', marcId, { reminder_enabled: false }),
        key(globex2, 'LU/Finance', 'corporate', marcId, { direct_debit_rule: 'optional' }),
      ])
      .returning(['id', 'account_id']);
    const keys = keyRows.map((r: { id: number; account_id: number }) => ({ id: Number(r.id), accountId: Number(r.account_id) }));
    const admins = [claireId, claireId, marcId, marcId];
    await seedApplications(trx, now, keys, admins, opts);
    for (const s of opts.doneJobSlots ?? []) {
      await trx('job_run')
        .insert({ ...s, owner: 'demo-seed', started_at: ts, lease_until: ts, finished_at: ts, result: JSON.stringify({ skipped: 'demo seed' }) })
        .onConflict(['job', 'slot'])
        .ignore();
    }
  });
  return true;
}

const PEOPLE: Array<[string, string, string, 'fr' | 'en']> = [
  ['mrs', 'Élodie', 'Hervé-Müller', 'fr'],
  ['mr', 'Łukasz', 'Wałęsa', 'en'],
  ['ms', 'Nguyễn Thị', 'Minh Khai', 'fr'],
  ['mr', 'Jürgen', 'Strauß', 'en'],
  ['mrs', 'Zoé', 'Œuvray', 'fr'],
  ['mr', 'Søren', 'Ærø', 'en'],
  ['ms', 'Aoife', 'O’Brien', 'en'],
  ['mr', 'François', 'Dupré', 'fr'],
  ['mrs', 'Inès', 'Benali', 'fr'],
  ['mr', 'Marc-Antoine', 'Lefèvre', 'fr'],
];

/** One application per status, three approved (ready to transmit), spread over the demo keys. */
const DEMO_STATUSES: Status[] = [...STATUSES, 'approved', 'approved'];

async function seedApplications(trx: Db, now: Date, keys: Array<{ id: number; accountId: number }>, admins: number[], opts: DemoOptions): Promise<void> {
  const day = 86_400_000;
  for (const [i, status] of DEMO_STATUSES.entries()) {
    const k = i % keys.length;
    const key = keys[k] as { id: number; accountId: number };
    const [title, firstName, lastName, language] = PEOPLE[i % PEOPLE.length] as [string, string, string, 'fr' | 'en'];
    const createdAt = new Date(now.getTime() - (20 - i) * day).toISOString();
    const changedAt = new Date(now.getTime() - (10 - (i % 10)) * day).toISOString();
    const submitted = SUBMITTED.includes(status);
    const urgent = i === DEMO_STATUSES.length - 1;
    const email = [firstName, lastName]
      .map((n) =>
        toIssuerCharset(n)
          .toLowerCase()
          .replace(/[^a-z]/g, ''),
      )
      .join('.');
    const cardholder = {
      title,
      firstName,
      lastName,
      dobDay: String(1 + i),
      dobMonth: String(1 + (i % 12)),
      dobYear: String(1970 + i),
      birthPlace: 'Lyon',
      birthCountry: 'FR',
      nationality: 'FR',
      homeAddressLine1: `${10 + i} rue de l’Église`,
      homePostalCode: '75011',
      homeCity: 'Paris',
      homeCountry: 'FR',
      mobilePhone: `+33 6 12 34 56 ${String(10 + i)}`,
      businessEmail: `${email}@acme.example`,
      businessAddressLine1: '12 rue de la Paix',
      businessPostalCode: '75002',
      businessCity: 'Paris',
      businessCountry: 'FR',
      jobTitle: 'Chargée d’études',
      costCentre: `CC-${100 + i}`,
      embossName: deriveEmbossName(firstName, lastName),
      correspondenceLanguage: language,
    };
    const [row] = await trx('application')
      .insert({
        reference: generateReference(),
        access_key_id: key.id,
        account_id: key.accountId,
        origin: 'controlled',
        initiated_by: admins[k] ?? null,
        priority: urgent ? 'urgent' : 'normal',
        status,
        title,
        first_name: firstName,
        last_name: lastName,
        email: `${email}@acme.example`,
        language,
        form_data: submitted || status === 'in_progress' || status === 'returned' ? JSON.stringify({ cardholder, firstSavedAt: createdAt }) : '{}',
        first_opened_at: status === 'invited' ? null : createdAt,
        submitted_at: submitted ? changedAt : null,
        status_changed_at: status === 'invited' ? createdAt : changedAt,
        created_at: createdAt,
        updated_at: changedAt,
      })
      .returning('id');
    const id = Number(typeof row === 'object' ? (row as { id: number }).id : row);
    const history: Array<Record<string, string | number | null>> = [
      { application_id: id, at: createdAt, actor_type: 'admin', actor_id: admins[k] ?? null, from_status: null, to_status: 'invited' },
    ];
    if (status !== 'invited')
      history.push({ application_id: id, at: changedAt, actor_type: 'system', actor_id: null, from_status: 'invited', to_status: status });
    await trx('application_status_history').insert(history.map((h) => ({ ...h, comment: null, comment_for_employee: false })));
    // A PIN chosen (encrypted to the issuer) for the signed applications not yet transmitted, normal priority only.
    if (opts.pinIssuer && !urgent && ['awaiting_additional_approval', 'pending_approval', 'approved'].includes(status)) {
      const issuer = opts.pinIssuer();
      const pin = String(2469 + i * 1111).slice(-4);
      await trx('application_pin').insert({
        application_id: id,
        encrypted: encryptPin(issuer, pin, id),
        key_id: issuer.keyId,
        stored_at: changedAt,
        erased_at: null,
      });
    }
  }
}
