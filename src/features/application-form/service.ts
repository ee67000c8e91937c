import type { Knex } from 'knex';
import type { Db } from '../../platform/db';
import type { Deps } from '../../platform/deps';
import { encryptField, decryptField, FieldCryptoError, type Keyring } from '../../lib/field-crypto';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { invitationLinkEmail } from '../../core/application/create';
import { historyOf, holdApplication, type HistoryEntry } from '../../core/application/repository';
import { erasePin } from '../../core/application/pin-repository';
import { savePin } from '../../core/application/pin-storage';
import type { PinCheck } from '../../core/application/pin';
import { readDocument, removeDocument, saveDocument, type SaveResult } from '../../core/application/documents';
import { currentTerms, recordAcceptance, termsParagraphs, type Terms } from '../../core/terms/repository';
import { sendApprovalRequest } from '../../core/application/approval-requests';
import type { Language } from '../../platform/i18n';
import { ibanAad, isEditable, loadFormContext, type FormContext, type FormData, type PaymentData } from '../../core/application/form-data';
import { checkIban } from '../../lib/validators';
import { validateCardholder } from '../../core/application/form-schema';
import { loadFormState, type FormState, type StateOptions } from '../../core/application/form-state';
import { todayIn } from '../../lib/validators';
import { findCardholderTerms, storeFormIfUnchanged } from './repository';

/**
 * Changes to the employee's form. Every write re-reads the application in its transaction and refuses when it is no
 * longer editable (submitted meanwhile): the UPDATE is conditional on the status and version read. The first write of
 * a self-service application queues e-mail 1 again (once: idempotency key `invitation-link:<id>:first-save`), so the
 * employee has their reference number to come back.
 */
export class NotEditableError extends Error {
  constructor() {
    super('application not editable');
  }
}

type FormDeps = Pick<Deps, 'db' | 'config' | 'logger' | 'secrets'>;

/** The employee's application as every page of the form needs it (its context, sections, documents, terms…). */
export async function employeeForm(db: Db, applicationId: number, opts: StateOptions): Promise<FormState | undefined> {
  return loadFormState(db, applicationId, opts);
}

/** The task list's comment: the last return or cancellation that came with one (shown on a returned application). */
export async function lastReturnComment(db: Db, applicationId: number): Promise<HistoryEntry | undefined> {
  const history = await historyOf(db, applicationId);
  return [...history].reverse().find((h) => h.comment && ['returned', 'cancelled'].includes(h.toStatus));
}

/** One of the application's own supporting documents, to download (a document of another application is a 404). */
export async function ownDocument(deps: Pick<Deps, 'config'>, db: Db, applicationId: number, documentId: number): ReturnType<typeof readDocument> {
  return readDocument(deps, db, { applicationId, documentId });
}

/** The terms in force as the terms page shows them, in paragraphs; null when none is published. */
export function termsForPage(current: Terms | undefined): { id: number; title: string; version: string; paragraphs: string[] } | null {
  return current ? { id: current.id, title: current.title, version: current.version, paragraphs: termsParagraphs(current) } : null;
}

export async function writeForm(
  db: Db,
  applicationId: number,
  now: Date,
  change: (form: FormData, ctx: FormContext) => { form: FormData; columns?: Record<string, unknown> },
  after?: (trx: Knex.Transaction, ctx: FormContext) => Promise<void>,
): Promise<FormContext> {
  return db.transaction(async (trx) => {
    const ctx = await loadHeldForm(trx, applicationId);
    if (!ctx || !isEditable(ctx)) throw new NotEditableError();
    await touchForm(trx, ctx, now, change);
    if (after) await after(trx, ctx);
    return ctx;
  });
}

/**
 * The form, with the application row held until the transaction ends. form_data is one JSON document: two sections
 * saved at the same moment (two tabs, on PostgreSQL) would otherwise both start from the form as it was, and the
 * second write would drop the first section. Held, the second waits, then starts from the first one's result.
 */
async function loadHeldForm(trx: Knex.Transaction, applicationId: number): Promise<FormContext | undefined> {
  await holdApplication(trx, applicationId);
  return loadFormContext(trx, applicationId);
}

/** The conditional write itself (inside the caller's transaction). */
async function touchForm(
  trx: Knex.Transaction,
  ctx: FormContext,
  now: Date,
  change: (form: FormData, ctx: FormContext) => { form: FormData; columns?: Record<string, unknown> },
): Promise<void> {
  const { form, columns } = change(structuredClone(ctx.form), ctx);
  const first = !ctx.form.firstSavedAt;
  if (first) form.firstSavedAt = now.toISOString();
  const n = await storeFormIfUnchanged(trx, ctx.application, { form_data: JSON.stringify(form), updated_at: now.toISOString(), ...(columns ?? {}) });
  if (n !== 1) throw new NotEditableError();
  if (first && ctx.application.origin === 'self_service') {
    const a = ctx.application;
    await enqueueEmails(
      trx,
      [
        invitationLinkEmail(
          { id: a.id, reference: a.reference },
          { email: a.email, language: a.language, title: a.title, firstName: a.firstName, lastName: a.lastName },
          'first-save',
        ),
      ],
      now,
    );
  }
}

/** Marks the form as saved (first-save e-mail) when a section stores nothing in form_data itself (PIN, documents, terms). */
async function markSaved(trx: Knex.Transaction, applicationId: number, now: Date): Promise<FormContext> {
  const ctx = await loadHeldForm(trx, applicationId);
  if (!ctx || !isEditable(ctx)) throw new NotEditableError();
  await touchForm(trx, ctx, now, (form) => ({ form }));
  return ctx;
}

// ---------------------------------------------------------------------------------------------------------------
// IBAN: encrypted at rest, with the facts the rest of the form needs (check result, last four, country)

export function paymentWithIban(keyring: Keyring, applicationId: number, previous: PaymentData | undefined, typed: string, keepPrevious: boolean): PaymentData {
  if (keepPrevious && previous?.iban) {
    return {
      iban: previous.iban,
      ...(previous.ibanCheck ? { ibanCheck: previous.ibanCheck } : {}),
      ...(previous.ibanLast4 ? { ibanLast4: previous.ibanLast4 } : {}),
      ...(previous.ibanCountry ? { ibanCountry: previous.ibanCountry } : {}),
    };
  }
  if (!typed) return {};
  const check = checkIban(typed);
  return {
    iban: encryptField(keyring, typed, ibanAad(applicationId)),
    ibanCheck: check.ok ? 'ok' : check.key,
    ...(check.ok ? { ibanLast4: check.value.slice(-4), ibanCountry: check.value.slice(0, 2) } : {}),
  };
}

/** The IBAN as the employee typed it, for the edit page only when it still needs correcting; never logged. */
export function typedIban(keyring: Keyring, applicationId: number, payment: PaymentData | undefined): string {
  if (!payment?.iban) return '';
  try {
    return decryptField(keyring, payment.iban, ibanAad(applicationId));
  } catch (err) {
    if (err instanceof FieldCryptoError) return '';
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sections stored outside form_data

/** PIN typed twice: validated, encrypted to the issuer, stored; the clear PIN goes no further. */
export async function choosePin(deps: FormDeps, ctx: FormContext, pin: unknown, confirmation: unknown, now: Date): Promise<PinCheck> {
  const holder = ctx.form.cardholder;
  const birth = holder ? validateCardholder(holder, ctx, todayIn(deps.config.timeZone, now)) : undefined;
  const birthDate =
    birth && !birth.issues.some((i) => i.field === 'dateOfBirth') && holder?.dobYear
      ? `${holder.dobYear}-${String(Number(holder.dobMonth)).padStart(2, '0')}-${String(Number(holder.dobDay)).padStart(2, '0')}`
      : null;
  return deps.db.transaction(async (trx) => {
    const current = await loadHeldForm(trx, ctx.application.id);
    if (!current || !isEditable(current) || current.application.priority !== 'normal') throw new NotEditableError();
    const result = await savePin(deps, trx, { applicationId: ctx.application.id, pin, confirmation, birthDate, now });
    if (result.ok) await markSaved(trx, ctx.application.id, now);
    return result;
  });
}

export async function uploadDocument(
  deps: FormDeps,
  applicationId: number,
  input: { kind: string; buffer: Buffer; originalName?: string },
  now: Date,
): Promise<SaveResult> {
  return deps.db.transaction(async (trx) => {
    // Held first: two uploads at once must not both find room under the per-application limit.
    await holdApplication(trx, applicationId);
    const result = await saveDocument(deps, trx, { applicationId, kind: input.kind, file: { buffer: input.buffer, originalName: input.originalName }, now });
    if (result.ok) await markSaved(trx, applicationId, now);
    return result;
  });
}

export async function removeOwnDocument(db: Db, applicationId: number, documentId: number, now: Date): Promise<boolean> {
  return db.transaction(async (trx) => {
    await holdApplication(trx, applicationId);
    return removeDocument(trx, { applicationId, documentId, now });
  });
}

/**
 * Records the acceptance of the terms version the employee was shown (`termsId`). Refused (false) when that version
 * is no longer the one in force for the card product and its language: the page then shows the new one.
 */
export async function acceptTerms(db: Db, ctx: FormContext, termsId: number, now: Date): Promise<boolean> {
  return db.transaction(async (trx) => {
    const terms = await findCardholderTerms(trx, termsId);
    if (!terms) return false;
    const current = await currentTerms(trx, 'cardholder', ctx.account.cardProduct, terms.language, now);
    if (!current || current.id !== termsId) return false;
    await markSaved(trx, ctx.application.id, now);
    await recordAcceptance(trx, { applicationId: ctx.application.id, termsId, now });
    return true;
  });
}

/** Stores the approver's details and sends them the request (e-mail 3), in one transaction. */
export async function requestApproval(
  deps: FormDeps,
  applicationId: number,
  approver: { approverName: string; approverEmail: string; approverLanguage: Language },
  now: Date,
): Promise<void> {
  await writeForm(
    deps.db,
    applicationId,
    now,
    (form) => ({ form: { ...form, approver } }),
    async (trx, ctx) => {
      await sendApprovalRequest(trx, ctx, { ...approver, now, timeZone: deps.config.timeZone, keyring: deps.secrets.dataKeyring() });
    },
  );
}

/** Priority chosen in self-service; an urgent application has no chosen PIN, so any PIN stored is erased. */
export async function choosePriority(db: Db, applicationId: number, values: { priority: string; urgentTermsAccepted: string }, now: Date): Promise<void> {
  await writeForm(
    db,
    applicationId,
    now,
    (form) => ({ form: { ...form, priority: values }, columns: { priority: values.priority } }),
    async (trx) => {
      if (values.priority === 'urgent') await erasePin(trx, applicationId, now);
    },
  );
}
