import type { Knex } from 'knex';
import { generateReference } from '../../lib/luhn';
import type { Language } from '../../platform/i18n';
import { enqueueEmails, type EmailToQueue } from '../outbox/enqueue';
import { insertApplications, takenReferences } from './create-repository';
import { insertStatusHistory } from './status-repository';

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
  const ids = await insertApplications(trx, rows);
  const created: CreatedApplication[] = ids.map((id, i) => ({ id, reference: rows[i]!.reference }));
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
  await insertStatusHistory(trx, history);
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
    const taken = await takenReferences(trx, batch);
    batch.filter((r) => !taken.has(r)).forEach((r) => chosen.add(r));
  }
  return [...chosen];
}
