import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import type { Knex } from 'knex';
import { formatDate, type Language } from '../../platform/i18n';
import type { Keyring } from '../../lib/field-crypto';
import { enqueueEmails } from '../outbox/enqueue';
import { sealEmailData } from '../outbox/sealed';
import type { FormContext } from './form-data';
import { employeeName } from './notifications';
import { countRequestsSince, insertRequest, latestRequest, requestByTokenHash, type ApprovalRequest } from './approval-requests-repository';

export type { ApprovalRequest } from './approval-requests-repository';

export type ApprovalState =
  | { kind: 'none' }
  | { kind: 'pending'; request: ApprovalRequest }
  | { kind: 'expired'; request: ApprovalRequest }
  | { kind: 'approved'; request: ApprovalRequest }
  | { kind: 'declined'; request: ApprovalRequest };

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 random bytes, base64url (43 characters): unguessable, safe in a URL. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export async function findRequestByToken(db: Db, token: string): Promise<ApprovalRequest | undefined> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  return requestByTokenHash(db, tokenHash(token));
}

export function stateOf(request: ApprovalRequest | undefined, now: Date): ApprovalState {
  if (!request) return { kind: 'none' };
  if (request.decision === 'approved') return { kind: 'approved', request };
  if (request.decision === 'declined') return { kind: 'declined', request };
  if (request.expiresAt <= now.toISOString()) return { kind: 'expired', request };
  return { kind: 'pending', request };
}

export async function approvalState(db: Db, applicationId: number, now: Date): Promise<ApprovalState> {
  return stateOf(await latestRequest(db, applicationId), now);
}

/** The additional approval (SPEC §2, §3.4 (7)): e-mail 3 carries a single-use link valid 7 days. */
const APPROVAL_LINK_DAYS = 7;
/** At most this many requests per application in 24 hours (each sends an e-mail to an address the employee typed). */
const MAX_REQUESTS_PER_DAY = 5;
export const COMMENT_MAX = 1000;

export class ApprovalRequestRefused extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

/**
 * Whether the approver of the request in force (the newest not superseded) approved. An approval stays valid after
 * its link's expiry, so this does not depend on the time. The signature and the approval queue both ask this.
 */
export async function additionalApproverApproved(db: Db, applicationId: number): Promise<boolean> {
  return (await latestRequest(db, applicationId))?.decision === 'approved';
}

/**
 * Sends (or sends again) the approval request: supersedes any earlier unused link, stores the new token's hash and
 * queues e-mail 3 in the same transaction. The clear token exists only in that e-mail: sealed in the outbox row (data
 * key), which the dispatcher wipes once sent. Returns the new request's id.
 */
export async function sendApprovalRequest(
  trx: Knex.Transaction,
  ctx: FormContext,
  input: { approverName: string; approverEmail: string; approverLanguage: Language; now: Date; timeZone: string; keyring: Keyring },
): Promise<number> {
  const since = new Date(input.now.getTime() - 24 * 3600 * 1000);
  if ((await countRequestsSince(trx, ctx.application.id, since)) >= MAX_REQUESTS_PER_DAY)
    throw new ApprovalRequestRefused('application-form:approval.errors.tooMany');
  const token = newToken();
  const expiresAt = new Date(input.now.getTime() + APPROVAL_LINK_DAYS * 24 * 3600 * 1000);
  const id = await insertRequest(trx, {
    applicationId: ctx.application.id,
    approverName: input.approverName,
    approverEmail: input.approverEmail,
    language: input.approverLanguage,
    tokenHash: tokenHash(token),
    expiresAt,
    now: input.now,
  });
  const idempotencyKey = `additional-approval-request:${ctx.application.id}:${id}`;
  const data = {
    approverName: input.approverName,
    employeeName: employeeName(ctx),
    companyName: ctx.account.companyName,
    expiresOn: formatDate(input.approverLanguage, expiresAt, input.timeZone),
    language: input.approverLanguage,
    token,
  };
  await enqueueEmails(
    trx,
    // The token is sealed in the outbox row (and the row wiped once sent): the link never rests in clear.
    [
      {
        idempotencyKey,
        template: 'additional-approval-request',
        to: input.approverEmail,
        language: input.approverLanguage,
        data: sealEmailData(input.keyring, idempotencyKey, data, ['token']),
        applicationId: ctx.application.id,
      },
    ],
    input.now,
  );
  return id;
}
