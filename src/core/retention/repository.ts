import type { Knex } from 'knex';
import type { Db } from '../../platform/db';
import { reactivationDeadline } from '../application/status';

/**
 * The applications whose retention period is over: final (delivered, declined by the issuer, expired, or cancelled
 * and past its reactivation period) at or before `cutoff`. A cancelled application is final from the later of its
 * cancellation and the end of its reactivation period (90 days after initiation), so both must be before the cutoff.
 */
function finalBefore(qb: Knex.QueryBuilder, cutoff: Date, column = 'ap'): Knex.QueryBuilder {
  const c = cutoff.toISOString();
  // Its reactivation deadline (created_at + the reactivation period) at or before the cutoff.
  const reactivationPeriod = reactivationDeadline(c).getTime() - cutoff.getTime();
  const createdBy = new Date(cutoff.getTime() - reactivationPeriod).toISOString();
  return qb.where((w) =>
    w
      .where((a) => a.whereIn(`${column}.status`, ['card_delivered', 'declined_by_issuer', 'expired']).where(`${column}.status_changed_at`, '<=', c))
      .orWhere((b) => b.where(`${column}.status`, 'cancelled').where(`${column}.status_changed_at`, '<=', c).where(`${column}.created_at`, '<=', createdBy)),
  );
}

/** One page (by id) of the applications whose personal data is due for erasure and not yet erased. */
export async function applicationsToErase(db: Db, page: { cutoff: Date; afterId: number; limit: number }): Promise<number[]> {
  const rows: Array<{ id: number }> = await finalBefore(db('application as ap'), page.cutoff)
    .whereNull('ap.personal_data_erased_at')
    .where('ap.id', '>', page.afterId)
    .orderBy('ap.id')
    .limit(page.limit)
    .select('ap.id');
  return rows.map((r) => Number(r.id));
}

export async function countApplicationsToErase(db: Db, cutoff: Date): Promise<number> {
  const [row] = await finalBefore(db('application as ap'), cutoff).whereNull('ap.personal_data_erased_at').count({ n: '*' });
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}

/**
 * Erases the personal data of these applications (in the caller's transaction): the person and the form (cardholder
 * fields, IBAN, phones, e-mail, pre-fills), the card's last digits, the comments of its history, the addresses and
 * bodies of its e-mails, the signing codes' and the approver's addresses, its threads' messages, its complaints'
 * contact addresses, and the rows of its uploaded documents
 * (returned: the caller deletes the files once committed). Kept: the reference, key, BC, origin, priority, statuses and
 * dates. The PIN is erased by the caller (core/application/pin-repository erasePin).
 */
export async function erasePersonalData(trx: Knex.Transaction, ids: number[], now: Date): Promise<{ documents: string[] }> {
  const ts = now.toISOString();
  await trx('application').whereIn('id', ids).update({
    title: null,
    first_name: null,
    last_name: null,
    email: '',
    prefill: '{}',
    form_data: '{}',
    card_last4: null,
    personal_data_erased_at: ts,
    updated_at: ts,
  });
  const documents: Array<{ stored_name: string }> = await trx('application_document').whereIn('application_id', ids).select('stored_name');
  await trx('application_document').whereIn('application_id', ids).delete();
  await trx('application_status_history').whereIn('application_id', ids).whereNotNull('comment').update({ comment: null });
  await trx('outbox')
    .whereIn('application_id', ids)
    .whereIn('status', ['sent', 'dead'])
    .update({ recipient: '', data: '{}', subject: null, html: null, text: null });
  await trx('signature_attempt').whereIn('application_id', ids).update({ sent_to: '' });
  await trx('approval_request').whereIn('application_id', ids).update({ approver_name: '', approver_email: '', comment: null });
  // The messages of requests for information and complaints, and the names of their documents (the files themselves
  // are archived: deleted after ARCHIVE_RETENTION_YEARS); a complaint keeps its reference, reason, dates and deadlines
  // (the register), not its contact address or the reason given for an extension.
  const threads = trx('thread').whereIn('application_id', ids).select('id');
  await trx('thread_message').whereIn('thread_id', threads).update({ body: '' });
  await trx('thread_attachment').whereIn('thread_id', threads.clone()).update({ original_name: '' });
  await trx('complaint').whereIn('application_id', ids).update({ contact_email: '', extension_reason: null, updated_at: ts });
  return { documents: documents.map((d) => d.stored_name) };
}

/** One page of archived files due for deletion (not yet purged), with their application. */
export async function archiveEntriesToPurge(
  db: Db,
  page: { cutoff: Date; afterId: number; limit: number },
): Promise<Array<{ id: number; applicationId: number; path: string }>> {
  const rows: Array<{ id: number; application_id: number; path: string }> = await finalBefore(
    db('archive_entry as e').join('application as ap', 'ap.id', 'e.application_id'),
    page.cutoff,
  )
    .whereNull('e.purged_at')
    .where('e.id', '>', page.afterId)
    .orderBy('e.id')
    .limit(page.limit)
    .select('e.id', 'e.application_id', 'e.path');
  return rows.map((r) => ({ id: Number(r.id), applicationId: Number(r.application_id), path: r.path }));
}

/**
 * Records the archived files as purged (the ledger keeps their path and hash, marked purged) and erases what the
 * signature rows of these applications still hold about the signer (address, IP, browser): the signed PDF that was
 * their evidence is gone.
 */
export async function markArchivePurged(trx: Knex.Transaction, entryIds: number[], applicationIds: number[], now: Date): Promise<void> {
  await trx('archive_entry').whereIn('id', entryIds).update({ purged_at: now.toISOString() });
  await trx('signature').whereIn('application_id', applicationIds).update({ signer_email: '', ip: '', user_agent: '' });
}

export async function countArchiveEntriesToPurge(db: Db, cutoff: Date): Promise<number> {
  const [row] = await finalBefore(db('archive_entry as e').join('application as ap', 'ap.id', 'e.application_id'), cutoff)
    .whereNull('e.purged_at')
    .count({ n: '*' });
  return Number((row as { n: number | string } | undefined)?.n ?? 0);
}
