import type { Knex } from 'knex';
import type { Db } from '../../platform/db';

/**
 * Gives an application a new reference: the old one is kept in `former_references` (searchable, never accepted at the
 * entry page), and the e-mail address replaced when one is given. Inside the caller's transaction.
 */
export async function replaceReference(
  trx: Knex.Transaction,
  applicationId: number,
  change: { oldReference: string; newReference: string; email?: string; now: Date },
): Promise<void> {
  const row: { former_references: string | null } | undefined = await trx('application').where({ id: applicationId }).first('former_references');
  const former = `${row?.former_references ?? ''} ${change.oldReference}`.trim();
  await trx('application')
    .where({ id: applicationId })
    .update({
      reference: change.newReference,
      former_references: former,
      updated_at: change.now.toISOString(),
      ...(change.email ? { email: change.email } : {}),
    });
}

/** Whether the latest invitation e-mail (link or key) queued for the application was refused for good (`dead`). */
export async function invitationUndeliverable(db: Db, applicationId: number): Promise<boolean> {
  const row: { status: string } | undefined = await db('outbox')
    .where({ application_id: applicationId })
    .whereIn('template', ['invitation-link', 'invitation-key'])
    .orderBy('id', 'desc')
    .first('status');
  return row?.status === 'dead';
}

/** The open applications of an e-mail address (any key), newest first: the lost-link page sends each a new link. */
export async function openApplicationsOf(db: Db, email: string, openStatuses: readonly string[]): Promise<Array<{ id: number }>> {
  const rows: Array<{ id: number | string }> = await db('application')
    .where({ email: email.trim().toLowerCase() })
    .whereIn('status', openStatuses)
    .orderBy('id', 'desc')
    .select('id');
  return rows.map((r) => ({ id: Number(r.id) }));
}
