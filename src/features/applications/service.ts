import type { Db } from '../../platform/db';
import type { Actor } from '../../core/administrators/repository';
import { applicationSections, recordApplicationView, type ApplicationSections } from '../../core/application/details';
import { findApplicationPageRecord, type ApplicationPageRecord } from '../../core/application/details-repository';
import type { Language } from '../../platform/i18n';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { recordApplicationAudit, type AuditContext } from '../../core/audit/audit';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { failedEmails } from '../../core/outbox/delivery';
import { createInvitedApplications, invitationKeyEmail, invitationLinkEmail, type CreatedApplication } from '../../core/application/create';
import { keyUsability } from '../../core/application/key-state';
import {
  findApplicationInScope,
  findKeyInScope,
  findOpenApplicationOnKey,
  historyOf,
  holdKey,
  type ApplicationView,
  type HistoryEntry,
  type KeyForApplications,
} from '../../core/application/repository';
import type { InitiateInput } from './schema';
import { NOT_SUBMITTED } from '../../core/application/status';
import { informationRequestsOf, type InformationRequestRecord } from '../../core/information-requests/information-requests';

/** The application's requests for information, newest first (the caller has found the application in the actor's BCs). */
export async function applicationInformationRequests(db: Db, applicationId: number): Promise<InformationRequestRecord[]> {
  return informationRequestsOf(db, applicationId);
}
import { isOwnApplication } from '../../core/application/separation';
import { reissueLink } from '../../core/application/reissue';
import { invitationUndeliverable } from '../../core/application/reissue-repository';

/** The key cannot start new applications (deleted or expired); the page explains which. */
export class KeyUnavailableError extends ConflictError {
  constructor(readonly reason: 'deleted' | 'expired') {
    super(`applications:keyUnavailable.${reason}`);
  }
}

/** The same e-mail already has an open application on this key. */
export class DuplicateOpenApplicationError extends ConflictError {
  constructor() {
    super('applications:initiate.fields.email.errors.duplicate');
  }
}

/** Who acted and from where, for the audit log (from the route: auditRequestContext(req)). */

/** The key an administrator initiates on: theirs (404 otherwise), neither deleted nor expired. */
export async function keyForInitiation(
  db: Db,
  actor: Pick<Actor, 'id' | 'accountIds'>,
  keyId: number,
  timeZone: string,
  now: Date,
): Promise<KeyForApplications> {
  const key = await findKeyInScope(db, keyId, actor.accountIds);
  if (!key) throw new NotFoundError('access key');
  const usability = keyUsability(key, timeZone, now);
  if (usability !== 'usable') throw new KeyUnavailableError(usability);
  return key;
}

/** Controlled send: creates one application for one employee and queues e-mails 1 and 2, in one transaction. */
export async function initiateControlled(
  db: Db,
  actor: Pick<Actor, 'id' | 'accountIds'>,
  keyId: number,
  input: InitiateInput,
  timeZone: string,
  now: Date,
  audit: AuditContext,
): Promise<CreatedApplication> {
  return db.transaction(async (trx) => {
    // A double submit (or another administrator) on the same key waits here, then finds this application open.
    await holdKey(trx, keyId);
    const key = await keyForInitiation(trx, actor, keyId, timeZone, now);
    if (await findOpenApplicationOnKey(trx, key.id, input.email)) throw new DuplicateOpenApplicationError();
    const [created] = await createInvitedApplications(
      trx,
      [
        {
          accessKey: { id: key.id, accountId: key.accountId, number: key.number },
          origin: 'controlled',
          initiatedBy: actor.id,
          priority: input.priority,
          title: input.title,
          firstName: input.firstName,
          lastName: input.lastName,
          email: input.email,
          language: input.language,
        },
      ],
      now,
    );
    const application = created as CreatedApplication;
    await recordApplicationAudit(trx, audit, {
      at: now,
      action: 'application.initiate',
      applicationId: application.id,
      details: { accessKeyId: key.id, priority: input.priority },
    });
    return application;
  });
}

/**
 * The application within the actor's BCs (404 otherwise) with its history and what its page offers; `record` is what
 * the page's sections show of it (its form record, its key and BC), read in the same statement.
 */
export async function applicationForAdmin(
  db: Db,
  actor: Pick<Actor, 'id' | 'accountIds' | 'email'>,
  id: number,
): Promise<{
  application: ApplicationView;
  history: HistoryEntry[];
  canResend: boolean;
  ownApplication: boolean;
  undeliverable: boolean;
  record: ApplicationPageRecord;
}> {
  const record = await findApplicationPageRecord(db, id, actor.accountIds);
  if (!record) throw new NotFoundError('application');
  const { application } = record;
  const history = await historyOf(db, id);
  // An invitation refused for good, not yet submitted: the page offers to correct the address and resend.
  const undeliverable = NOT_SUBMITTED.includes(application.status) && (await invitationUndeliverable(db, id));
  // Separation of duties: the page says why the approval actions are not offered on one's own application.
  return {
    application,
    history,
    canResend: NOT_SUBMITTED.includes(application.status),
    ownApplication: isOwnApplication(actor, application),
    undeliverable,
    record,
  };
}

/**
 * Queues e-mails 1 and 2 again. `occasion` (a one-time value carried by the form) is part of the idempotency keys,
 * so the same form submitted twice queues one pair. Returns how many e-mails were queued (0 for a repeat).
 */
export async function resendInvitation(
  db: Db,
  actor: Pick<Actor, 'id' | 'accountIds'>,
  id: number,
  occasion: string,
  now: Date,
  audit: AuditContext,
): Promise<number> {
  return db.transaction(async (trx) => {
    const app = await findApplicationInScope(trx, id, actor.accountIds);
    if (!app) throw new NotFoundError('application');
    if (!NOT_SUBMITTED.includes(app.status)) throw new ConflictError('applications:resend.errors.submitted');
    const recipient = { email: app.email, language: app.language as Language, title: app.title, firstName: app.firstName, lastName: app.lastName };
    const ref = { id: app.id, reference: app.reference };
    const queued = await enqueueEmails(
      trx,
      [
        invitationLinkEmail(ref, recipient, `resend:${occasion}`),
        invitationKeyEmail(ref, { ...recipient, accessKey: { id: app.key.id, accountId: app.accountId, number: app.key.number } }, `resend:${occasion}`),
      ],
      now,
    );
    if (queued) {
      await recordApplicationAudit(trx, audit, {
        at: now,
        action: 'application.resend_invitation',
        applicationId: app.id,
        details: { queued },
      });
    }
    return queued;
  });
}

/**
 * The sections of the administrator's application page beside the application itself (the e-mails, the key, the form
 * read-only, the documents, the signed versions), from the record applicationForAdmin read. Opening the page is an
 * access to personal data: recorded first.
 */
export async function applicationPageSections(
  deps: { db: Db; logger: { warn: (obj: object, msg: string) => void } },
  record: ApplicationPageRecord,
  access: AuditContext,
  opts: { lang: Language; timeZone: string; now: Date },
): Promise<ApplicationSections> {
  await recordApplicationView(deps.db, access, record.application.id, opts.now);
  return applicationSections(deps, record, opts);
}

/** The application's failed e-mails (failing or given up), for the notice on its page; within the actor's BCs. */
export function applicationFailedEmails(db: Db, actor: Pick<Actor, 'accountIds'>, applicationId: number, now: Date) {
  return failedEmails(db, { applicationId, accountIds: actor.accountIds }, now, { limit: 10, offset: 0 });
}

/** Why a corrected address is refused: the translation key shown beside the field. */
export class AddressNotAcceptedError extends ConflictError {}

/**
 * Fix and resend (issue 16 item 6): the invitation could not be delivered (outbox `dead`), the administrator gives the
 * right address. A new reference (the old link stops working), the address replaced, e-mails 1 and 2 queued to it,
 * the history showing both addresses and both references, audited; one transaction.
 */
export async function fixAddressAndResend(
  db: Db,
  actor: Pick<Actor, 'id' | 'accountIds'>,
  id: number,
  email: string,
  now: Date,
  audit: AuditContext,
): Promise<{ reference: string }> {
  return db.transaction(async (trx) => {
    const app = await findApplicationInScope(trx, id, actor.accountIds);
    if (!app) throw new NotFoundError('application');
    if (!NOT_SUBMITTED.includes(app.status)) throw new ConflictError('applications:resend.errors.submitted');
    if (!(await invitationUndeliverable(trx, id))) throw new ConflictError('applications:fixAddress.errors.delivered');
    await holdKey(trx, app.key.id);
    if (email === app.email) throw new AddressNotAcceptedError('applications:fixAddress.errors.same');
    if (await findOpenApplicationOnKey(trx, app.key.id, email)) throw new AddressNotAcceptedError('applications:initiate.fields.email.errors.duplicate');
    const done = await reissueLink(trx, id, { actor: { type: 'admin', id: actor.id }, now, newEmail: email });
    if (!done) throw new NotFoundError('application');
    await recordApplicationAudit(trx, audit, {
      at: now,
      action: 'application.email_corrected',
      applicationId: id,
      details: { oldReference: done.oldReference, newReference: done.newReference },
    });
    return { reference: done.newReference };
  });
}
