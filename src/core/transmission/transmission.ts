import type { Knex } from 'knex';
import type { Deps } from '../../platform/deps';
import { decryptField, FieldCryptoError, type Keyring } from '../../lib/field-crypto';
import { recordAudit, type AuditContext } from '../audit/audit';
import { transitionMany } from '../application/status';
import { erasePins } from '../application/pin-repository';
import { ibanAad, type CardholderValues } from '../application/form-data';
import { PIN_FILE, TransmissionFilesBuilder, transmissionFolderName, type TransmissionFile, type TransmissionRecord } from './files';
import { destinationFor, type Destination } from './delivery';
import {
  approvedApplications,
  claimDelivery,
  dueDeliveries,
  eraseFileContent,
  fileContents,
  findTransmission,
  holdTransmissionLock,
  insertTransmission,
  insertTransmissionApplications,
  insertTransmissionFiles,
  markDelivered,
  markDeliveryFailed,
  nextTransmissionNumber,
  storedPins,
  transmissionApplicationIds,
  type ApprovedRow,
} from './repository';

/**
 * Transmission of approved applications to the issuer (issue 13, SPEC §5 and §6), shared by the nightly job, the
 * `npm run issuer:transmit` command and the Transmissions page. The protocol (docs/issuer-files.md):
 *
 * 1. One transaction, under a lock that serialises transmissions across instances, takes every approved application,
 *    builds the files, records the transmission (its number, files and applications, each application in one
 *    transmission only) and moves the applications to `transmitted` with history. Nothing is written outside yet.
 * 2. The recorded files are then delivered: written under a temporary name, renamed into place; a delivery that fails
 *    is retried with backoff from the same recorded bytes (same number, same files), never rebuilt.
 * 3. Once a delivery is confirmed (written, or found already there with the same manifest), the delivery is recorded
 *    and, in the same transaction, the PINs of its applications are erased and the copy of pins.jsonl emptied.
 */

export type TransmissionDeps = Pick<Deps, 'db' | 'config' | 'secrets' | 'logger' | 'faults'>;

/** A delivery holds its transmission this long before another attempt (another instance) may take it over. */
const DELIVERY_LEASE_MS = 10 * 60 * 1000;
const FIRST_RETRY_MINUTES = 5;
const MAX_RETRY_MINUTES = 6 * 60;

/** The wait before the next attempt after `attempts` failed ones: 5 min, 10, 20, 40… at most 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MINUTES * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MINUTES) * 60000;
}

function parseForm(text: string): { cardholder: CardholderValues; payment: Record<string, string> } {
  try {
    const v = JSON.parse(text) as { cardholder?: CardholderValues; payment?: Record<string, string> };
    return { cardholder: v.cardholder ?? {}, payment: v.payment ?? {} };
  } catch {
    return { cardholder: {}, payment: {} };
  }
}

function decryptedIban(keyring: () => Keyring, applicationId: number, stored: string | undefined): string {
  if (!stored) return '';
  try {
    return decryptField(keyring(), stored, ibanAad(applicationId)).replace(/\s+/g, '').toUpperCase();
  } catch (err) {
    if (err instanceof FieldCryptoError) return '';
    throw err;
  }
}

/** The issuer's record of one approved application (the form as signed; the initiated name when the form has none). */
export function recordOf(row: ApprovedRow, keyring: () => Keyring): TransmissionRecord {
  const form = parseForm(row.form_data);
  const cardholder: CardholderValues = {
    title: row.title ?? '',
    firstName: row.first_name ?? '',
    lastName: row.last_name ?? '',
    businessEmail: row.email,
    correspondenceLanguage: row.language,
    ...form.cardholder,
  };
  const p = form.payment;
  return {
    reference: row.reference,
    accountNumber: row.account_number,
    companyName: row.company_name,
    keyNumber: row.key_number,
    cardProduct: row.card_product,
    plasticType: row.plastic_type,
    liabilityType: row.liability_type,
    statementOption: row.statement_option,
    paymentType: row.payment_type,
    priority: row.priority,
    approvedAt: row.status_changed_at,
    cardholder,
    payment: { directDebit: p.directDebit ?? '', iban: decryptedIban(keyring, row.id, p.iban), bic: p.bic ?? '', accountHolder: p.accountHolder ?? '' },
  };
}

/** Applications read (and their files built) this many at a time. */
const PAGE_SIZE = 1000;

/**
 * Reads the approved applications page by page (each held until the transaction ends) and builds the files as it
 * goes: only one page of rows and records is in memory at a time (10,000 applications: the files alone are ~20 MB).
 */
async function buildFromApproved(
  trx: Knex.Transaction,
  keyring: () => Keyring,
  number: number,
  now: Date,
): Promise<{ ids: number[]; files: TransmissionFile[]; pinCount: number } | null> {
  const builder = new TransmissionFilesBuilder();
  const ids: number[] = [];
  for (;;) {
    const rows = await approvedApplications(trx, { afterId: ids[ids.length - 1] ?? 0, limit: PAGE_SIZE });
    if (!rows.length) break;
    const pins = await storedPins(
      trx,
      rows.map((r) => r.id),
    );
    builder.add(
      rows.map((r) => recordOf(r, keyring)),
      rows.flatMap((r) => {
        const pin = pins.get(r.id);
        return pin ? [{ reference: r.reference, keyId: pin.keyId, encrypted: pin.encrypted }] : [];
      }),
    );
    for (const r of rows) ids.push(r.id);
    if (rows.length < PAGE_SIZE) break;
  }
  if (!ids.length) return null;
  return { ids, files: builder.finish(number, now), pinCount: builder.pinCount };
}

export interface CreatedTransmission {
  id: number;
  number: number;
  applicationCount: number;
}

/**
 * Step 1: records one transmission of every approved application (none: nothing is recorded, null). Who: the audit
 * context's actor (an administrator from the page, `system` from the job and the command line).
 */
export async function createTransmission(
  deps: TransmissionDeps,
  input: { audit: AuditContext; now: Date; destination?: Destination },
): Promise<CreatedTransmission | null> {
  const created = await recordTransmission(deps, input);
  return created ? { id: created.id, number: created.number, applicationCount: created.applicationCount } : null;
}

/** createTransmission, also handing back the files just recorded (delivered at once without reading them again). */
async function recordTransmission(
  deps: TransmissionDeps,
  input: { audit: AuditContext; now: Date; destination?: Destination },
): Promise<(CreatedTransmission & { files: TransmissionFile[] }) | null> {
  const { db, secrets, faults } = deps;
  const destination = input.destination ?? destinationFor(deps.config);
  const { now, audit } = input;
  return db.transaction(async (trx) => {
    await holdTransmissionLock(trx);
    const number = await nextTransmissionNumber(trx);
    const built = await buildFromApproved(trx, () => secrets.dataKeyring(), number, now);
    if (!built) return null;
    const { ids, files, pinCount } = built;
    const actor = audit.actor.type === 'admin' ? { type: 'admin' as const, id: audit.actor.id ?? null } : { type: 'system' as const };
    const id = await insertTransmission(trx, {
      number,
      createdAt: now.toISOString(),
      createdByType: actor.type,
      createdBy: actor.type === 'admin' ? (actor.id ?? null) : null,
      applicationCount: ids.length,
      destination: destination.label,
    });
    await insertTransmissionFiles(trx, id, files);
    await insertTransmissionApplications(trx, id, ids);
    await transitionMany(trx, { applicationIds: ids, from: ['approved'], to: 'transmitted', actor, now, comment: transmissionFolderName(number) });
    await recordAudit(trx, {
      ...audit,
      at: now,
      action: 'transmission.create',
      object: { type: 'transmission', id: number },
      details: { applications: ids.length, pins: pinCount, files: files.map((f) => ({ name: f.name, rows: f.rows, sha256: f.sha256 })) },
    });
    await faults.beforeTransmissionCommit?.(number);
    return { id, number, applicationCount: ids.length, files };
  });
}

export type DeliveryResult = { number: number; delivered: true; outcome: 'written' | 'already-there' } | { number: number; delivered: false; error: string };

/**
 * Steps 2 and 3 for one transmission, if it is still pending and nobody else is delivering it (null otherwise).
 * A failure is recorded with the next attempt's time; it never builds or records another transmission.
 */
export async function deliverTransmission(
  deps: TransmissionDeps,
  transmissionId: number,
  now: Date,
  destination: Destination = destinationFor(deps.config),
  /** The files as just recorded (same bytes as stored), to save reading them back. */
  recorded?: TransmissionFile[],
): Promise<DeliveryResult | null> {
  const { db, logger, faults } = deps;
  if (!(await claimDelivery(db, transmissionId, now, new Date(now.getTime() + DELIVERY_LEASE_MS)))) return null;
  const transmission = await findTransmission(db, transmissionId);
  if (!transmission) return null;
  const { number } = transmission;
  try {
    const files = recorded ?? (await fileContents(db, transmissionId));
    if (files.some((f) => f.content === null)) throw new Error(`transmission ${number}: a file was erased before delivery`);
    const outcome = await destination.deliver(
      transmissionFolderName(number),
      files.map((f) => ({ name: f.name, content: f.content as Buffer })),
    );
    files.length = 0;
    await faults.afterTransmissionWritten?.(number);
    await db.transaction(async (trx) => {
      await markDelivered(trx, transmissionId, now);
      await erasePins(trx, await transmissionApplicationIds(trx, transmissionId), now);
      await eraseFileContent(trx, transmissionId, PIN_FILE, now);
      await recordAudit(trx, {
        actor: { type: 'system' },
        at: now,
        action: 'transmission.delivered',
        object: { type: 'transmission', id: number },
        details: { destination: destination.label, attempts: transmission.deliveryAttempts + 1, outcome },
      });
    });
    logger.info({ transmission: number, destination: destination.label, outcome }, 'transmission delivered');
    return { number, delivered: true, outcome };
  } catch (err) {
    const attempts = transmission.deliveryAttempts + 1;
    const error = err instanceof Error ? err.message : String(err);
    const nextAt = new Date(now.getTime() + retryDelayMs(attempts));
    await markDeliveryFailed(db, transmissionId, { attempts, nextAt, error });
    logger.warn({ transmission: number, destination: destination.label, attempts, nextAt, err: error }, 'transmission delivery failed; will retry');
    return { number, delivered: false, error };
  }
}

/** Delivers every pending transmission whose next attempt is due, oldest first. */
export async function deliverPending(deps: TransmissionDeps, now: Date, destination?: Destination): Promise<DeliveryResult[]> {
  const target = destination ?? destinationFor(deps.config);
  const results: DeliveryResult[] = [];
  for (const id of await dueDeliveries(deps.db, now)) {
    const result = await deliverTransmission(deps, id, now, target);
    if (result) results.push(result);
  }
  return results;
}

/** What the job, the command and the page do: record a transmission of what is approved, then deliver what is due. */
export async function transmitApproved(
  deps: TransmissionDeps,
  input: { audit: AuditContext; now: Date; destination?: Destination },
): Promise<{ created: CreatedTransmission | null; deliveries: DeliveryResult[] }> {
  const destination = input.destination ?? destinationFor(deps.config);
  const recorded = await recordTransmission(deps, { ...input, destination });
  const deliveries: DeliveryResult[] = [];
  let created: CreatedTransmission | null = null;
  if (recorded) {
    created = { id: recorded.id, number: recorded.number, applicationCount: recorded.applicationCount };
    const result = await deliverTransmission(deps, recorded.id, input.now, destination, recorded.files);
    if (result) deliveries.push(result);
  }
  // Earlier transmissions whose delivery is due again (the one just attempted is not due: delivered, or backing off).
  deliveries.push(...(await deliverPending(deps, input.now, destination)));
  return { created, deliveries };
}
