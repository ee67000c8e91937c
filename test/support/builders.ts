import type { Db } from '../../src/platform/db';
import type { Config } from '../../src/platform/config';
import type { Deps } from '../../src/platform/deps';
import { generateAccessKeyNumber } from '../../src/lib/access-key-number';
import { createInvitedApplications, type NewApplication } from '../../src/core/application/create';
import type { Status } from '../../src/core/application/status';
import { saveDocument } from '../../src/core/application/documents';
import { savePin } from '../../src/core/application/pin-storage';
import { newToken, tokenHash } from '../../src/core/application/approval-requests';
import { currentTerms, recordAcceptance, seedTerms } from '../../src/core/terms/repository';
import { VALID_CARDHOLDER } from './employee';

/**
 * The shared `given*` builders: the rows a test needs (BC, administrator, key, applications in a given state), for
 * every feature's tests. Timestamps default to the test clock's start, 24 November 2026 09:00 UTC.
 */

const ts = '2026-11-24T09:00:00.000Z';
let seq = 0;

function idOf(row: unknown): number {
  return typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number);
}

export async function givenAccount(db: Db, overrides: Record<string, unknown> = {}): Promise<number> {
  seq++;
  const [row] = await db('account')
    .insert({
      number: String(90000000000 + seq)
        .padStart(11, '0')
        .slice(-11),
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

export async function givenAdministrator(db: Db, overrides: Record<string, unknown> = {}, accountIds: number[] = []): Promise<{ id: number; email: string }> {
  seq++;
  const email = (overrides.email as string) ?? `admin${seq}@test.example`;
  const [row] = await db('administrator')
    .insert({ email, display_name: `Admin ${seq}`, role: 'admin', language: 'fr', active: true, created_at: ts, updated_at: ts, ...overrides })
    .returning('id');
  const id = idOf(row);
  if (accountIds.length) await db('administrator_account').insert(accountIds.map((account_id) => ({ administrator_id: id, account_id })));
  return { id, email };
}

export async function givenAccessKey(
  db: Db,
  accountId: number,
  createdBy: number,
  overrides: Record<string, unknown> = {},
): Promise<{ id: number; number: string }> {
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

/** A key as the application builders need it. */
export type Key = { id: number; number: string; accountId: number };

/** A key with its BC and the administrator who manages the BC (and created the key). */
export interface GivenKey {
  id: number;
  number: string;
  accountId: number;
  adminId: number;
  adminEmail: string;
}

/** A new BC, an administrator of it and a key on it; each row's columns may be overridden. */
export async function givenKey(
  db: Db,
  overrides: { account?: Record<string, unknown>; admin?: Record<string, unknown>; key?: Record<string, unknown> } = {},
): Promise<GivenKey> {
  const accountId = await givenAccount(db, overrides.account);
  const admin = await givenAdministrator(db, overrides.admin, [accountId]);
  const key = await givenAccessKey(db, accountId, admin.id, overrides.key);
  return { ...key, accountId, adminId: admin.id, adminEmail: admin.email };
}

/** The rules of a key for the employee's form. */
export interface KeyOptions {
  paymentType?: 'central' | 'individual';
  liabilityType?: 'company' | 'joint' | 'individual';
  directDebitRule?: 'required' | 'optional' | 'none';
  approver?: boolean;
  employeeNumberRule?: 'required' | 'optional';
  costCentreRule?: 'required' | 'optional';
  cardProduct?: string;
}

/** A BC and its key with the rules a form scenario needs; the sample terms are published once. */
export async function givenFormKey(db: Db, opts: KeyOptions = {}): Promise<GivenKey> {
  await seedTerms(db);
  return givenKey(db, {
    account: {
      company_name: 'ACME Formulaire SA',
      payment_type: opts.paymentType ?? 'central',
      liability_type: opts.liabilityType ?? 'company',
      card_product: opts.cardProduct ?? 'corporate',
    },
    key: {
      direct_debit_rule: opts.directDebitRule ?? 'none',
      additional_approver_required: opts.approver ?? false,
      employee_number_rule: opts.employeeNumberRule ?? 'optional',
      cost_centre_rule: opts.costCentreRule ?? 'optional',
    },
  });
}

/**
 * An application stored through the real creation path (history row, e-mails 1 and 2), then forced into the status
 * asked for. The e-mail address is a new one unless given.
 */
export async function givenApplication(
  db: Db,
  key: Key,
  overrides: Partial<NewApplication> & { status?: Status } = {},
  now = new Date(ts),
): Promise<{ id: number; reference: string }> {
  const { status, ...rest } = overrides;
  seq++;
  const created = await db.transaction(async (trx) => {
    const [c] = await createInvitedApplications(
      trx,
      [
        {
          accessKey: { id: key.id, accountId: key.accountId, number: key.number },
          origin: 'controlled',
          priority: 'normal',
          title: 'mrs',
          firstName: 'Élodie',
          lastName: 'Dupré',
          email: `employee${seq}@acme.example`,
          language: 'fr',
          ...rest,
        },
      ],
      now,
    );
    return c!;
  });
  if (status && status !== 'invited') await db('application').where({ id: created.id }).update({ status });
  return created;
}

/**
 * An application row inserted directly (no history, no e-mail), in progress unless told otherwise, on the key given
 * or on a new one: for tests about what reads applications, not about how they start. Columns may be overridden.
 */
export async function givenApplicationRow(
  db: Db,
  columns: Record<string, unknown> = {},
  key?: { id: number; accountId: number },
): Promise<{ id: number; accountId: number; reference: string }> {
  const { id: keyId, accountId } = key ?? (await givenKey(db));
  seq++;
  const reference = (columns.reference as string | undefined) ?? String(4000000000 + seq * 1000 + Math.floor(Math.random() * 1000));
  const [row] = await db('application')
    .insert({
      reference,
      access_key_id: keyId,
      account_id: accountId,
      origin: 'controlled',
      priority: 'normal',
      status: 'in_progress',
      first_name: 'Zoé',
      last_name: 'Martin',
      email: `employee${seq}@test.example`,
      language: 'fr',
      status_changed_at: ts,
      created_at: ts,
      updated_at: ts,
      ...columns,
    })
    .returning('id');
  return { id: idOf(row), accountId, reference };
}

/**
 * A signed application waiting in the approval queue: status pending_approval (or the one given), and for normal
 * priority a PIN on file (an opaque value: what matters is that one is stored), as the employee's signature leaves it.
 */
export async function givenPending(
  db: Db,
  key: Key,
  overrides: Partial<NewApplication> & { status?: Status; createdAt?: string; withPin?: boolean } = {},
): Promise<{ id: number; reference: string }> {
  const { status = 'pending_approval', createdAt, withPin, ...rest } = overrides;
  const created = await givenApplication(db, key, { ...rest, status });
  if (createdAt) await db('application').where({ id: created.id }).update({ created_at: createdAt });
  if (withPin ?? (rest.priority ?? 'normal') === 'normal') {
    await db('application_pin').insert({ application_id: created.id, encrypted: 'v1.test.opaque', key_id: 'test', stored_at: ts });
  }
  return created;
}

/** A controlled application initiated at `at` on a new key (reminders on unless told otherwise). */
export async function givenInvitedApplication(
  db: Db,
  at: Date,
  opts: { reminderEnabled?: boolean; language?: 'fr' | 'en' } = {},
): Promise<{ id: number; reference: string; keyId: number }> {
  const key = await givenKey(db, { key: { reminder_enabled: opts.reminderEnabled ?? true } });
  const created = await givenApplication(
    db,
    key,
    { initiatedBy: key.adminId, title: null, firstName: 'Zoé', lastName: 'Martin', email: 'zoe.martin@test.example', language: opts.language ?? 'fr' },
    at,
  );
  return { ...created, keyId: key.id };
}

/** A valid cardholder section, with accents and a typographic apostrophe (the PDF must keep them). */
export const CARDHOLDER: Record<string, string> = {
  ...VALID_CARDHOLDER,
  dobMonth: '3',
  dobYear: '1985',
  birthPlace: 'Besançon',
  homeAddressLine1: '12 rue de l’Église',
  homePostalCode: '75011',
  homeCity: 'Paris',
  jobTitle: 'Chargée d’études à Noël',
  employeeNumber: '',
  costCentre: '',
  embossName: 'ELODIE DUPRE',
};

/** The PIN the employee chose: it must never appear in a PDF or a page. */
export const PIN = '7391';

export const PDF_FILE = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

export interface Signable {
  id: number;
  reference: string;
  keyNumber: string;
  keyId: number;
  accountId: number;
  adminEmail: string;
  adminId: number;
}

/**
 * An application whose every section is complete (cardholder, PIN, identity document, cardholder terms accepted),
 * in progress and ready for the signature. Options: urgent priority, additional approver required, notification
 * recipients, self-service origin.
 */
export async function givenSignableApplication(
  ctx: { deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'secrets' | 'config'>; config: Config },
  opts: {
    priority?: 'normal' | 'urgent';
    additionalApprover?: boolean;
    notificationRecipients?: string[];
    origin?: 'controlled' | 'self_service';
    email?: string;
  } = {},
): Promise<Signable> {
  const { db } = ctx.deps;
  await seedTerms(db);
  const key = await givenKey(db, {
    key: { additional_approver_required: Boolean(opts.additionalApprover), notification_recipients: JSON.stringify(opts.notificationRecipients ?? []) },
  });
  const created = await givenApplication(db, key, {
    priority: opts.priority ?? 'normal',
    status: 'in_progress',
    email: opts.email ?? 'elodie.dupre@acme.example',
    ...(opts.origin === 'self_service' ? { origin: 'self_service', initiatedBy: null } : { initiatedBy: key.adminId }),
  } as never);
  const now = ctx.deps.clock.now();
  const priority = opts.origin === 'self_service' ? { priority: { priority: opts.priority ?? 'normal', urgentTermsAccepted: 'yes' } } : {};
  await db('application')
    .where({ id: created.id })
    .update({ form_data: JSON.stringify({ ...priority, cardholder: CARDHOLDER, firstSavedAt: now.toISOString() }) });
  if ((opts.priority ?? 'normal') === 'normal') {
    const saved = await db.transaction((trx) => savePin(ctx.deps, trx, { applicationId: created.id, pin: PIN, confirmation: PIN, now }));
    if (!saved.ok) throw new Error(saved.key);
  }
  await db.transaction((trx) =>
    saveDocument({ config: ctx.config, logger: ctx.deps.logger }, trx, {
      applicationId: created.id,
      kind: 'identity',
      file: { buffer: PDF_FILE, originalName: 'carte-identité.pdf' },
      now,
    }),
  );
  const terms = await currentTerms(db, 'cardholder', 'corporate', 'fr', now);
  if (!terms) throw new Error('no cardholder terms');
  await db.transaction((trx) => recordAcceptance(trx, { applicationId: created.id, termsId: terms.id, now }));
  return {
    id: created.id,
    reference: created.reference,
    keyNumber: key.number,
    keyId: key.id,
    accountId: key.accountId,
    adminEmail: key.adminEmail,
    adminId: key.adminId,
  };
}

/**
 * The approver named in the form and a request sent to them (e-mail 3's link, valid 7 days from `now`), already
 * approved when `decided`. Returns the link's token.
 */
export async function givenApprovalRequest(ctx: { deps: Pick<Deps, 'db'> }, applicationId: number, opts: { now: Date; decided?: boolean }): Promise<string> {
  const db = ctx.deps.db;
  const row = await db('application').where({ id: applicationId }).first('form_data');
  const form = JSON.parse(row.form_data);
  form.approver = { approverName: 'Marc Lefèvre', approverEmail: 'marc.lefevre@acme.example', approverLanguage: 'fr' };
  await db('application')
    .where({ id: applicationId })
    .update({ form_data: JSON.stringify(form) });
  const token = newToken();
  await db('approval_request').insert({
    application_id: applicationId,
    approver_name: 'Marc Lefèvre',
    approver_email: 'marc.lefevre@acme.example',
    language: 'fr',
    token_hash: tokenHash(token),
    expires_at: new Date(opts.now.getTime() + 7 * 86_400_000).toISOString(),
    created_at: opts.now.toISOString(),
    ...(opts.decided ? { used_at: opts.now.toISOString(), decision: 'approved' } : {}),
  });
  return token;
}
