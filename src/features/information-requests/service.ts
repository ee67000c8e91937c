import type { Db } from '../../platform/db';
import type { Config } from '../../platform/config';
import type { Language } from '../../platform/i18n';
import type { Actor } from '../../core/administrators/repository';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { findApplicationById, findApplicationInScope, type ApplicationView } from '../../core/application/repository';
import { openThread, postMessage, readThreadAttachment, threadMessages, threadOf, type ThreadFile, type ThreadMessage } from '../../core/threads/threads';
import {
  canRequestInformation,
  countRequestsOfApplication,
  findRequest,
  informationRequestAnsweredEmail,
  informationRequestEmail,
  insertRequest,
  requestReference,
  requesterContact,
  updateRequest,
  type InformationRequestRecord,
} from '../../core/information-requests/information-requests';

/**
 * Requests for information (issue 14 part 3): the administrator asks from an application page, the employee answers in
 * the request's thread with a message and documents, the administrator closes the request or asks again. Every action
 * is audited; every e-mail is queued in the transaction of its change.
 */

interface Ctx {
  now: Date;
  timeZone: string;
  audit: AuditContext;
}

interface RequestInput {
  message: string;
  documents: string[];
  answerBy: string;
}

type ScopedActor = Pick<Actor, 'id' | 'accountIds'>;

/** What an administrator's asking carries, the first time or again: who asks, what, and when. */
interface Asking {
  actor: ScopedActor;
  input: RequestInput;
  ctx: Ctx;
}

type AskDeps = { config: Pick<Config, 'dataDir' | 'documentMaxBytes'> };

/**
 * An administrator asks (the first time or again): their message on the request's thread (opened on its first
 * message; text only, so it cannot be refused), and the e-mail that tells the employee, in the same transaction.
 */
async function askEmployee(
  deps: Parameters<typeof postMessage>[0],
  trx: Parameters<typeof postMessage>[1],
  request: Pick<InformationRequestRecord, 'id' | 'reference' | 'applicationId' | 'documents' | 'answerBy'>,
  application: ApplicationView,
  { actor, input, ctx }: Asking,
): Promise<void> {
  const threadId = await openThread(trx, { type: 'information_request', id: request.id }, application.id, ctx.now);
  const posted = await postMessage(deps, trx, {
    threadId,
    applicationId: application.id,
    author: { type: 'administrator', id: actor.id },
    body: input.message,
    now: ctx.now,
  });
  if (!posted.ok) throw new Error('an administrator message without files cannot be refused');
  await enqueueEmails(
    trx,
    [informationRequestEmail(request, employeeOf(application), { messageId: posted.messageId, message: input.message, timeZone: ctx.timeZone })],
    ctx.now,
  );
}

/** The audit entry of an action on a request. */
async function auditRequest(
  db: Db,
  ctx: Pick<Ctx, 'now' | 'audit'>,
  action: string,
  request: { id: number; applicationId: number },
  details?: Record<string, unknown>,
): Promise<void> {
  await recordAudit(db, {
    ...ctx.audit,
    at: ctx.now,
    action,
    applicationId: request.applicationId,
    object: { type: 'information_request', id: request.id },
    ...(details ? { details } : {}),
  });
}

/** The application an administrator asks about: in their BCs (404 otherwise), in a status that allows it (409). */
export async function applicationToAsk(db: Db, actor: ScopedActor, applicationId: number): Promise<ApplicationView> {
  const application = await findApplicationInScope(db, applicationId, actor.accountIds);
  if (!application) throw new NotFoundError('application');
  if (!canRequestInformation(application.status)) throw new ConflictError('information-requests:errors.notRequestable');
  return application;
}

function employeeOf(application: ApplicationView) {
  return {
    email: application.email,
    language: application.language as Language,
    firstName: application.firstName,
    lastName: application.lastName,
    applicationReference: application.reference,
  };
}

/** A new request: its reference, its thread with the administrator's message, the e-mail to the employee, the audit. */
export async function createRequest(db: Db, deps: AskDeps, applicationId: number, asking: Asking) {
  const { actor, input, ctx } = asking;
  return db.transaction(async (trx) => {
    const application = await applicationToAsk(trx, actor, applicationId);
    const n = (await countRequestsOfApplication(trx, application.id)) + 1;
    const reference = requestReference(application.reference, n);
    const at = ctx.now.toISOString();
    const id = await insertRequest(trx, {
      reference,
      applicationId: application.id,
      requestedBy: actor.id,
      documents: input.documents,
      answerBy: input.answerBy,
      now: at,
    });
    const request = { id, reference, applicationId: application.id, documents: input.documents, answerBy: input.answerBy };
    await askEmployee(deps, trx, request, application, asking);
    await auditRequest(trx, ctx, 'information_request.create', request, { reference, documents: input.documents, answerBy: input.answerBy });
    return { id, reference };
  });
}

async function requestInScope(db: Db, actor: ScopedActor, id: number, forUpdate = false): Promise<InformationRequestRecord> {
  const request = await findRequest(db, id, { accountIds: actor.accountIds, forUpdate });
  if (!request) throw new NotFoundError('information request');
  return request;
}

async function messagesOf(db: Db, request: InformationRequestRecord): Promise<ThreadMessage[]> {
  const thread = await threadOf(db, { type: 'information_request', id: request.id });
  return thread ? threadMessages(db, thread.id) : [];
}

/** The administrator's page of a request: the request, its application, its thread. Viewing it is audited. */
export async function requestForAdministrator(db: Db, actor: ScopedActor, id: number, ctx: Pick<Ctx, 'now' | 'audit'>) {
  const request = await requestInScope(db, actor, id);
  const application = await findApplicationInScope(db, request.applicationId, actor.accountIds);
  if (!application) throw new NotFoundError('application');
  const messages = await messagesOf(db, request);
  await auditRequest(db, ctx, 'information_request.view', request);
  return { request, application, messages };
}

/** Closes a request (open or answered). A closed request stays closed: 409. */
export async function closeRequest(db: Db, actor: ScopedActor, id: number, ctx: Pick<Ctx, 'now' | 'audit'>): Promise<InformationRequestRecord> {
  return db.transaction(async (trx) => {
    const request = await requestInScope(trx, actor, id, true);
    if (request.status === 'closed') throw new ConflictError('information-requests:errors.alreadyClosed');
    const at = ctx.now.toISOString();
    if (!(await updateRequest(trx, request.id, { status: 'closed', closedAt: at, closedBy: actor.id }, at, ['open', 'answered'])))
      throw new ConflictError('information-requests:errors.alreadyClosed');
    await auditRequest(trx, ctx, 'information_request.close', request, { from: request.status });
    return request;
  });
}

/** Asks again in the same thread: a new message, documents and answer date; the request is open again; e-mailed. */
export async function askAgain(db: Db, deps: AskDeps, id: number, asking: Asking) {
  const { actor, input, ctx } = asking;
  return db.transaction(async (trx) => {
    const request = await requestInScope(trx, actor, id, true);
    if (request.status === 'closed') throw new ConflictError('information-requests:errors.alreadyClosed');
    const application = await findApplicationInScope(trx, request.applicationId, actor.accountIds);
    if (!application) throw new NotFoundError('application');
    const at = ctx.now.toISOString();
    await updateRequest(trx, request.id, { status: 'open', documents: input.documents, answerBy: input.answerBy, askedAt: at }, at);
    await askEmployee(deps, trx, { ...request, documents: input.documents, answerBy: input.answerBy }, application, asking);
    await auditRequest(trx, ctx, 'information_request.ask_again', request, { documents: input.documents, answerBy: input.answerBy });
  });
}

/** A document of a request's thread for an administrator of its BC (audited: it is personal data). */
export async function attachmentForAdministrator(
  db: Db,
  deps: { config: Pick<Config, 'dataDir'> },
  actor: ScopedActor,
  id: number,
  attachmentId: number,
  ctx: Pick<Ctx, 'now' | 'audit'>,
) {
  const request = await requestInScope(db, actor, id);
  const thread = await threadOf(db, { type: 'information_request', id: request.id });
  if (!thread) throw new NotFoundError('attachment');
  const file = await readThreadAttachment(deps, db, { threadId: thread.id, attachmentId });
  await auditRequest(db, ctx, 'information_request.attachment_download', request, { attachmentId, sha256: file.attachment.sha256 });
  return file;
}

// ---- The employee's side: the session's application only ------------------------------------------------------

async function requestOfApplication(db: Db, applicationId: number, id: number, forUpdate = false): Promise<InformationRequestRecord> {
  const request = await findRequest(db, id, { applicationId, forUpdate });
  if (!request) throw new NotFoundError('information request');
  return request;
}

/** The employee's page of a request of their application (404 for any other), without the administrators' names. */
export async function requestForEmployee(db: Db, applicationId: number, id: number) {
  const request = await requestOfApplication(db, applicationId, id);
  const application = await findApplicationById(db, applicationId);
  if (!application) throw new NotFoundError('application');
  const messages = (await messagesOf(db, request)).map((m) => ({ ...m, administratorName: null }));
  return { request, application, messages };
}

export type AnswerResult = { ok: true } | { ok: false; field: string; key: string; params?: Record<string, string | number> };

/**
 * The employee's answer: a message and documents into the thread (every file checked first: one refused refuses the
 * answer, nothing stored), the request answered, the administrator who asked notified, audited. A closed request: 409.
 */
export async function answerRequest(
  db: Db,
  deps: { config: Pick<Config, 'dataDir' | 'documentMaxBytes'> },
  applicationId: number,
  id: number,
  input: { message: string; files: Array<ThreadFile & { field: string }> },
  ctx: Ctx,
): Promise<AnswerResult> {
  return db.transaction(async (trx) => {
    const request = await requestOfApplication(trx, applicationId, id, true);
    if (request.status === 'closed') throw new ConflictError('information-requests:errors.closed');
    const application = await findApplicationById(trx, applicationId);
    if (!application) throw new NotFoundError('application');
    const threadId = await openThread(trx, { type: 'information_request', id: request.id }, applicationId, ctx.now);
    const posted = await postMessage(deps, trx, {
      threadId,
      applicationId,
      author: { type: 'employee' },
      body: input.message,
      files: input.files,
      now: ctx.now,
    });
    if (!posted.ok) {
      const field = input.files[posted.index]?.field ?? 'message';
      return { ok: false, field, key: posted.key, ...(posted.params ? { params: posted.params } : {}) };
    }
    const at = ctx.now.toISOString();
    await updateRequest(trx, request.id, { status: 'answered' }, at);
    const to = await requesterContact(trx, request.requestedBy);
    if (to) {
      await enqueueEmails(
        trx,
        [
          informationRequestAnsweredEmail(request, to, {
            messageId: posted.messageId,
            applicationReference: application.reference,
            employeeName: [application.firstName, application.lastName].filter(Boolean).join(' '),
            documentCount: posted.attachments.length,
          }),
        ],
        ctx.now,
      );
    }
    await auditRequest(trx, ctx, 'information_request.answer', request, {
      attachments: posted.attachments.map((a) => ({ id: a.id, kind: a.kind, sha256: a.sha256, size: a.size })),
    });
    return { ok: true };
  });
}

/** A document of a request of the employee's application. */
export async function attachmentForEmployee(db: Db, deps: { config: Pick<Config, 'dataDir'> }, applicationId: number, id: number, attachmentId: number) {
  const request = await requestOfApplication(db, applicationId, id);
  const thread = await threadOf(db, { type: 'information_request', id: request.id });
  if (!thread) throw new NotFoundError('attachment');
  return readThreadAttachment(deps, db, { threadId: thread.id, attachmentId });
}
