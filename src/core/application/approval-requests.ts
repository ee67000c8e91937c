import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { formatDate, type Language } from '../../platform/i18n';
import type { Keyring } from '../../lib/field-crypto';
import { enqueueEmails } from '../outbox/enqueue';
import { sealEmailData } from '../outbox/sealed';
import type { FormContext } from './form-data';
import { employeeName } from './notifications';

/** Additional approval requests (table approval_request). Tokens are looked up by their SHA-256, never stored. */
export interface ApprovalRequest {
  id: number;
  applicationId: number;
  approverName: string;
  approverEmail: string;
  language: 'fr' | 'en';
  expiresAt: string;
  usedAt: string | null;
  supersededAt: string | null;
  decision: 'approved' | 'declined' | null;
  comment: string | null;
  createdAt: string;
}

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

function toRequest(r: Record<string, unknown>): ApprovalRequest {
  return {
    id: Number(r.id),
    applicationId: Number(r.application_id),
    approverName: r.approver_name as string,
    approverEmail: r.approver_email as string,
    language: r.language as 'fr' | 'en',
    expiresAt: r.expires_at as string,
    usedAt: (r.used_at as string | null) ?? null,
    supersededAt: (r.superseded_at as string | null) ?? null,
    decision: (r.decision as 'approved' | 'declined' | null) ?? null,
    comment: (r.comment as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}

/** The request in force: the newest one not superseded by a later request. */
export async function latestRequest(db: Knex, applicationId: number): Promise<ApprovalRequest | undefined> {
  const row = await db('approval_request').where({ application_id: applicationId }).whereNull('superseded_at').orderBy('id', 'desc').first();
  return row ? toRequest(row) : undefined;
}

export async function findRequestByToken(db: Knex, token: string): Promise<ApprovalRequest | undefined> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await db('approval_request').where({ token_hash: tokenHash(token) }).first();
  return row ? toRequest(row) : undefined;
}

export function stateOf(request: ApprovalRequest | undefined, now: Date): ApprovalState {
  if (!request) return { kind: 'none' };
  if (request.decision === 'approved') return { kind: 'approved', request };
  if (request.decision === 'declined') return { kind: 'declined', request };
  if (request.expiresAt <= now.toISOString()) return { kind: 'expired', request };
  return { kind: 'pending', request };
}

export async function approvalState(db: Knex, applicationId: number, now: Date): Promise<ApprovalState> {
  return stateOf(await latestRequest(db, applicationId), now);
}

/** Requests sent for an application since a time (the employee may not flood an address). */
export async function countRequestsSince(db: Knex, applicationId: number, since: Date): Promise<number> {
  const [row] = await db('approval_request').where({ application_id: applicationId }).where('created_at', '>=', since.toISOString()).count<{ n: number | string }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

export async function insertRequest(
  trx: Knex,
  input: { applicationId: number; approverName: string; approverEmail: string; language: 'fr' | 'en'; tokenHash: string; expiresAt: Date; now: Date },
): Promise<number> {
  const ts = input.now.toISOString();
  await trx('approval_request').where({ application_id: input.applicationId }).whereNull('superseded_at').whereNull('used_at').update({ superseded_at: ts });
  const [row] = await trx('approval_request')
    .insert({
      application_id: input.applicationId,
      approver_name: input.approverName,
      approver_email: input.approverEmail,
      language: input.language,
      token_hash: input.tokenHash,
      expires_at: input.expiresAt.toISOString(),
      created_at: ts,
    })
    .returning('id');
  return typeof row === 'object' ? (row as { id: number }).id : (row as number);
}

/** Records the decision once: only an unused, unsuperseded, unexpired request changes (conditional update). */
export async function recordDecision(trx: Knex, input: { id: number; decision: 'approved' | 'declined'; comment: string | null; now: Date }): Promise<boolean> {
  const ts = input.now.toISOString();
  const n = await trx('approval_request')
    .where({ id: input.id })
    .whereNull('used_at')
    .whereNull('superseded_at')
    .where('expires_at', '>', ts)
    .update({ used_at: ts, decision: input.decision, comment: input.comment });
  return n === 1;
}

/** The additional approval (SPEC §2, §3.4 (7)): e-mail 3 carries a single-use link valid 7 days. */
export const APPROVAL_LINK_DAYS = 7;
/** At most this many requests per application in 24 hours (each sends an e-mail to an address the employee typed). */
export const MAX_REQUESTS_PER_DAY = 5;
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
export async function additionalApproverApproved(db: Knex, applicationId: number): Promise<boolean> {
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
  if ((await countRequestsSince(trx, ctx.application.id, since)) >= MAX_REQUESTS_PER_DAY) throw new ApprovalRequestRefused('application-form:approval.errors.tooMany');
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
  const data = { approverName: input.approverName, employeeName: employeeName(ctx), companyName: ctx.account.companyName, expiresOn: formatDate(input.approverLanguage, expiresAt, input.timeZone), language: input.approverLanguage, token };
  await enqueueEmails(
    trx,
    // The token is sealed in the outbox row (and the row wiped once sent): the link never rests in clear.
    [{ idempotencyKey, template: 'additional-approval-request', to: input.approverEmail, language: input.approverLanguage, data: sealEmailData(input.keyring, idempotencyKey, data, ['token']), applicationId: ctx.application.id }],
    input.now,
  );
  return id;
}
