import type { Knex } from 'knex';
import { generateReference } from '../../lib/luhn';
import type { Language } from '../../platform/i18n';
import { enqueueEmails, type EmailToQueue } from '../outbox/enqueue';

export type Origin = 'controlled' | 'bulk' | 'self_service';
export type Priority = 'normal' | 'urgent';

export interface NewApplication {
  accessKey: { id: number; accountId: number; number: string };
  origin: Origin;
  batchId?: number | null;
  initiatedBy?: number | null;
  priority: Priority;
  title?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email: string;
  language: Language;
  prefill?: Record<string, unknown>;
}

export interface CreatedApplication {
  id: number;
  reference: string;
}

/**
 * Inserts applications in status `invited` with their first history row, and queues their e-mails, all in the
 * caller's transaction. E-mail 1 (link + reference) always; e-mail 2 (access key) for controlled and bulk only
 * (self-service employees typed the key themselves).
 */
export async function createInvitedApplications(
  trx: Knex.Transaction,
  items: NewApplication[],
  now: Date,
  randomReference: () => string = generateReference,
): Promise<CreatedApplication[]> {
  const ts = now.toISOString();
  const references = await uniqueReferences(trx, items.length, randomReference);
  const rows = items.map((a, i) => ({
    reference: references[i] as string,
    access_key_id: a.accessKey.id,
    account_id: a.accessKey.accountId,
    origin: a.origin,
    batch_id: a.batchId ?? null,
    initiated_by: a.initiatedBy ?? null,
    priority: a.priority,
    status: 'invited',
    title: a.title ?? null,
    first_name: a.firstName ?? null,
    last_name: a.lastName ?? null,
    email: a.email.trim().toLowerCase(),
    language: a.language,
    prefill: JSON.stringify(a.prefill ?? {}),
    form_data: '{}',
    version: 0,
    status_changed_at: ts,
    created_at: ts,
    updated_at: ts,
  }));
  const created: CreatedApplication[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const ids = await trx('application').insert(chunk).returning('id');
    ids.forEach((r: unknown, j: number) =>
      created.push({ id: typeof r === 'object' ? (r as { id: number }).id : (r as number), reference: chunk[j]!.reference }),
    );
  }
  const history = created.map((c, i) => ({
    application_id: c.id,
    at: ts,
    actor_type: items[i]!.initiatedBy ? 'admin' : 'employee',
    actor_id: items[i]!.initiatedBy ?? null,
    from_status: null,
    to_status: 'invited',
    comment: null,
    comment_for_employee: false,
  }));
  for (let i = 0; i < history.length; i += 200) await trx('application_status_history').insert(history.slice(i, i + 200));
  const emails: EmailToQueue[] = [];
  created.forEach((c, i) => {
    const a = items[i]!;
    emails.push(invitationLinkEmail(c, a, 'initial'));
    if (a.origin !== 'self_service') emails.push(invitationKeyEmail(c, a, 'initial'));
  });
  await enqueueEmails(trx, emails, now);
  return created;
}

/** E-mail 1. `occasion` distinguishes the first sending from later resends in the idempotency key. */
export function invitationLinkEmail(
  app: CreatedApplication,
  a: Pick<NewApplication, 'email' | 'language' | 'title' | 'firstName' | 'lastName'>,
  occasion: string,
): EmailToQueue {
  return {
    idempotencyKey: `invitation-link:${app.id}:${occasion}`,
    template: 'invitation-link',
    to: a.email,
    language: a.language,
    data: { reference: app.reference, firstName: a.firstName ?? '', lastName: a.lastName ?? '', title: a.title ?? '' },
    applicationId: app.id,
  };
}

/** E-mail 2, separate from e-mail 1 so the link and the key never travel together. */
export function invitationKeyEmail(
  app: CreatedApplication,
  a: Pick<NewApplication, 'email' | 'language' | 'title' | 'firstName' | 'lastName' | 'accessKey'>,
  occasion: string,
): EmailToQueue {
  return {
    idempotencyKey: `invitation-key:${app.id}:${occasion}`,
    template: 'invitation-key',
    to: a.email,
    language: a.language,
    data: { accessKey: a.accessKey.number, firstName: a.firstName ?? '', lastName: a.lastName ?? '', title: a.title ?? '' },
    applicationId: app.id,
  };
}

async function uniqueReferences(trx: Knex.Transaction, count: number, random: () => string): Promise<string[]> {
  const chosen = new Set<string>();
  while (chosen.size < count) {
    const fresh = new Set<string>();
    while (fresh.size + chosen.size < count) {
      const r = random();
      if (!chosen.has(r)) fresh.add(r);
    }
    const batch = [...fresh];
    const taken = new Set<string>();
    for (let i = 0; i < batch.length; i += 500) {
      (
        await trx('application')
          .whereIn('reference', batch.slice(i, i + 500))
          .select('reference')
      ).forEach((r: { reference: string }) => taken.add(r.reference));
    }
    batch.filter((r) => !taken.has(r)).forEach((r) => chosen.add(r));
  }
  return [...chosen];
}
