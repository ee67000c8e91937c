import { joinedApplications } from '../application/repository';
import { ACCOUNT_CARD_COLUMNS } from '../accounts/repository';
import type { Knex } from 'knex';
import { isSqlite, lockingRead, type Db } from '../../platform/db';

/** The SQL of transmissions to the issuer (tables transmission, transmission_file, transmission_application). */

/** Arbitrary constant naming the transmissions' advisory lock on PostgreSQL. */
const PG_LOCK_KEY = 74_201_313;
/** Rows per statement when a list of ids goes into IN (…) or a multi-row insert. */
const CHUNK = 500;

export type DeliveryState = 'pending' | 'delivered';

/**
 * One transmission at a time across every instance: PostgreSQL takes a transaction-level advisory lock; SQLite takes
 * the database write lock first. A second instance waits here, then finds the applications already transmitted.
 */
export async function holdTransmissionLock(trx: Knex.Transaction): Promise<void> {
  if (isSqlite(trx)) await trx.raw('UPDATE transmission SET id = id WHERE 0');
  else await trx.raw('SELECT pg_advisory_xact_lock(?)', [PG_LOCK_KEY]);
}

export async function nextTransmissionNumber(trx: Db): Promise<number> {
  const row = (await trx('transmission').max({ n: 'number' }).first()) as { n: number | string | null } | undefined;
  return Number(row?.n ?? 0) + 1;
}

/** An approved application with what the issuer's files need (its key, its BC, its stored form). */
export interface ApprovedRow {
  id: number;
  reference: string;
  priority: string;
  status_changed_at: string;
  form_data: string;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string;
  language: string;
  key_number: string;
  plastic_type: string;
  account_number: string;
  company_name: string;
  card_product: string;
  liability_type: string;
  statement_option: string;
  payment_type: string;
}

/**
 * A page of approved applications after `afterId`, in id order, rows held until the transaction ends (PostgreSQL:
 * FOR UPDATE): the transmission reads them page by page.
 */
export async function approvedApplications(trx: Knex.Transaction, page: { afterId: number; limit: number }): Promise<ApprovedRow[]> {
  const query = joinedApplications(trx)
    .where('ap.status', 'approved')
    .where('ap.id', '>', page.afterId)
    .orderBy('ap.id')
    .limit(page.limit)
    .select<ApprovedRow[]>(
      'ap.id',
      'ap.reference',
      'ap.priority',
      'ap.status_changed_at',
      'ap.form_data',
      'ap.title',
      'ap.first_name',
      'ap.last_name',
      'ap.email',
      'ap.language',
      'k.number as key_number',
      'k.plastic_type',
      ...ACCOUNT_CARD_COLUMNS,
    );
  const rows = await lockingRead(query);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The stored (not erased) encrypted PINs of these applications, exactly as stored. */
export async function storedPins(db: Db, applicationIds: number[]): Promise<Map<number, { encrypted: string; keyId: string }>> {
  const out = new Map<number, { encrypted: string; keyId: string }>();
  for (const ids of chunks(applicationIds)) {
    const rows: Array<{ application_id: number; encrypted: string; key_id: string }> = await db('application_pin')
      .whereIn('application_id', ids)
      .whereNotNull('encrypted')
      .select('application_id', 'encrypted', 'key_id');
    for (const r of rows) out.set(Number(r.application_id), { encrypted: r.encrypted, keyId: r.key_id });
  }
  return out;
}

export async function insertTransmission(
  trx: Db,
  row: { number: number; createdAt: string; createdByType: 'admin' | 'system'; createdBy: number | null; applicationCount: number; destination: string },
): Promise<number> {
  const [inserted] = await trx('transmission')
    .insert({
      number: row.number,
      created_at: row.createdAt,
      created_by_type: row.createdByType,
      created_by: row.createdBy,
      application_count: row.applicationCount,
      delivery_state: 'pending',
      destination: row.destination.slice(0, 255),
      delivery_attempts: 0,
      next_delivery_at: row.createdAt,
    })
    .returning('id');
  return typeof inserted === 'object' && inserted !== null ? Number((inserted as { id: number }).id) : Number(inserted);
}

export async function insertTransmissionFiles(trx: Db, transmissionId: number, files: Array<{ name: string; rows: number; sha256: string; content: Buffer }>) {
  for (const f of files) {
    await trx('transmission_file').insert({
      transmission_id: transmissionId,
      name: f.name,
      row_count: f.rows,
      size: f.content.length,
      sha256: f.sha256,
      content: f.content,
    });
  }
}

/** Records which applications went in the transmission; the unique application_id refuses a second transmission. */
export async function insertTransmissionApplications(trx: Db, transmissionId: number, applicationIds: number[]): Promise<void> {
  for (const ids of chunks(applicationIds, 200)) {
    await trx('transmission_application').insert(ids.map((application_id) => ({ transmission_id: transmissionId, application_id })));
  }
}

export async function transmissionApplicationIds(db: Db, transmissionId: number): Promise<number[]> {
  const rows: Array<{ application_id: number }> = await db('transmission_application').where({ transmission_id: transmissionId }).select('application_id');
  return rows.map((r) => Number(r.application_id));
}

/** Pending deliveries due at `now` whose lease (if any) has ended, oldest first. */
export async function dueDeliveries(db: Db, now: Date): Promise<number[]> {
  const ts = now.toISOString();
  const rows: Array<{ id: number }> = await db('transmission')
    .where({ delivery_state: 'pending' })
    .where('next_delivery_at', '<=', ts)
    .where((q) => q.whereNull('delivery_lease_until').orWhere('delivery_lease_until', '<', ts))
    .orderBy('number')
    .select('id');
  return rows.map((r) => Number(r.id));
}

/** Takes the delivery of one transmission until `leaseUntil` (a conditional update: one instance wins). */
export async function claimDelivery(db: Db, id: number, now: Date, leaseUntil: Date): Promise<boolean> {
  const ts = now.toISOString();
  const n = await db('transmission')
    .where({ id, delivery_state: 'pending' })
    .where((q) => q.whereNull('delivery_lease_until').orWhere('delivery_lease_until', '<', ts))
    .update({ delivery_lease_until: leaseUntil.toISOString() });
  return n === 1;
}

export interface TransmissionRow {
  id: number;
  number: number;
  createdAt: string;
  createdByType: 'admin' | 'system';
  createdByName: string | null;
  applicationCount: number;
  deliveryState: DeliveryState;
  destination: string;
  deliveryAttempts: number;
  nextDeliveryAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface RawTransmission {
  id: number;
  number: number;
  created_at: string;
  created_by_type: 'admin' | 'system';
  created_by_name: string | null;
  application_count: number;
  delivery_state: DeliveryState;
  destination: string;
  delivery_attempts: number;
  next_delivery_at: string | null;
  last_error: string | null;
  delivered_at: string | null;
}

export function toTransmission(r: RawTransmission): TransmissionRow {
  return {
    id: Number(r.id),
    number: Number(r.number),
    createdAt: r.created_at,
    createdByType: r.created_by_type,
    createdByName: r.created_by_name,
    applicationCount: Number(r.application_count),
    deliveryState: r.delivery_state,
    destination: r.destination,
    deliveryAttempts: Number(r.delivery_attempts),
    nextDeliveryAt: r.next_delivery_at,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
  };
}

/** The transmission's columns and who created it, for the readers here and the Transmissions page. */
export function transmissionQuery(db: Db) {
  return db('transmission as t')
    .leftJoin('administrator as ad', 'ad.id', 't.created_by')
    .select(
      't.id',
      't.number',
      't.created_at',
      't.created_by_type',
      'ad.display_name as created_by_name',
      't.application_count',
      't.delivery_state',
      't.destination',
      't.delivery_attempts',
      't.next_delivery_at',
      't.last_error',
      't.delivered_at',
    );
}

export async function findTransmission(db: Db, id: number): Promise<TransmissionRow | undefined> {
  const row = (await transmissionQuery(db).where('t.id', id).first()) as RawTransmission | undefined;
  return row ? toTransmission(row) : undefined;
}

/** The files' bytes, as written (null content: erased). */
export async function fileContents(db: Db, transmissionId: number, name?: string): Promise<Array<{ name: string; sha256: string; content: Buffer | null }>> {
  const q = db('transmission_file').where({ transmission_id: transmissionId }).orderBy('id').select('name', 'sha256', 'content');
  if (name) q.where({ name });
  const rows: Array<{ name: string; sha256: string; content: Buffer | null }> = await q;
  return rows.map((r) => ({
    name: r.name,
    sha256: r.sha256,
    content: r.content === null ? null : Buffer.isBuffer(r.content) ? r.content : Buffer.from(r.content),
  }));
}

/** Delivered: the state, the time; the lease released. */
export async function markDelivered(trx: Db, id: number, now: Date): Promise<void> {
  await trx('transmission')
    .where({ id })
    .update({ delivery_state: 'delivered', delivered_at: now.toISOString(), delivery_lease_until: null, next_delivery_at: null, last_error: null });
}

/** Erases one file's content (pins.jsonl once the issuer has it): the row and its SHA-256 stay, the bytes go. */
export async function eraseFileContent(trx: Db, transmissionId: number, name: string, now: Date): Promise<void> {
  await trx('transmission_file')
    .where({ transmission_id: transmissionId, name })
    .whereNotNull('content')
    .update({ content: null, erased_at: now.toISOString() });
}

/** A failed attempt: counted, its error kept (no personal data: a transport message), the next attempt scheduled. */
export async function markDeliveryFailed(db: Db, id: number, input: { attempts: number; nextAt: Date; error: string }): Promise<void> {
  await db('transmission')
    .where({ id })
    .update({
      delivery_attempts: input.attempts,
      next_delivery_at: input.nextAt.toISOString(),
      last_error: input.error.slice(0, 500),
      delivery_lease_until: null,
    });
}
