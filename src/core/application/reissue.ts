import type { Knex } from 'knex';
import { generateReference } from '../../lib/luhn';
import type { Language } from '../../platform/i18n';
import { enqueueEmails, type EmailToQueue } from '../outbox/enqueue';
import { invitationKeyEmail, invitationLinkEmail } from './create';
import { takenReferences } from './create-repository';
import { findApplicationById } from './repository';
import { replaceReference } from './reissue-repository';
import { insertStatusHistory } from './status-repository';
import type { Actor } from './status';

/**
 * A new link for an application (issue 16 items 4 and 6). The e-mailed link is the entry page with the reference
 * (`/access?ref=<reference>`) and the access key travels separately: the reference is the secret half of the pair, so
 * a new link is a new reference. The old reference stops working at once (the entry page no longer knows it; it stays
 * in `former_references`, for the administrators' search only). The history records the change (old → new, and the old
 * and new addresses when the address was corrected); e-mail 1 goes to the (new) address, and e-mail 2 too when the
 * address was corrected (the key may never have reached the employee either). All in the caller's transaction.
 */
export async function reissueLink(
  trx: Knex.Transaction,
  applicationId: number,
  opts: { actor: Actor; now: Date; newEmail?: string; randomReference?: () => string },
): Promise<{ oldReference: string; newReference: string; oldEmail: string; email: string } | undefined> {
  const app = await findApplicationById(trx, applicationId);
  if (!app) return undefined;
  const random = opts.randomReference ?? generateReference;
  let newReference = random();
  while (newReference === app.reference || (await takenReferences(trx, [newReference])).size) newReference = random();
  const email = opts.newEmail ?? app.email;
  const corrected = email !== app.email;
  await replaceReference(trx, app.id, { oldReference: app.reference, newReference, ...(corrected ? { email } : {}), now: opts.now });
  await insertStatusHistory(trx, [
    {
      application_id: app.id,
      at: opts.now.toISOString(),
      actor_type: opts.actor.type,
      actor_id: opts.actor.id ?? null,
      from_status: app.status,
      to_status: app.status,
      comment: corrected ? `${app.email} → ${email}; ${app.reference} → ${newReference}` : `${app.reference} → ${newReference}`,
      comment_for_employee: false,
      event: corrected ? 'email_corrected' : 'link_reissued',
    },
  ]);
  const recipient = { email, language: app.language as Language, title: app.title, firstName: app.firstName, lastName: app.lastName };
  const ref = { id: app.id, reference: newReference };
  const emails: EmailToQueue[] = [invitationLinkEmail(ref, recipient, `reissue:${newReference}`)];
  if (corrected)
    emails.push(
      invitationKeyEmail(ref, { ...recipient, accessKey: { id: app.key.id, accountId: app.accountId, number: app.key.number } }, `reissue:${newReference}`),
    );
  await enqueueEmails(trx, emails, opts.now);
  return { oldReference: app.reference, newReference, oldEmail: app.email, email };
}
