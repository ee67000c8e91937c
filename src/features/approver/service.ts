import type { Knex } from 'knex';
import { formatDate, type Language } from '../../platform/i18n';
import type { Keyring } from '../../lib/field-crypto';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { sealEmailData } from '../../core/outbox/sealed';
import { holdApplication } from '../../core/application/repository';
import { transition, type Status } from '../../core/application/status';
import { cardholderValues, loadFormContext, type FormContext } from '../../core/application/form-data';
import { latestSignature } from '../../core/application/signatures';
import { urgentAlertEmails } from '../signature/service';
import { approvalState, countRequestsSince, findRequestByToken, insertRequest, newToken, recordDecision, stateOf, tokenHash, type ApprovalRequest } from '../../core/application/approval-requests';

/**
 * Additional approval (SPEC §2, §3.4 (7), §3.6): the employee sends a request to the approver their company requires;
 * e-mail 3 carries a single-use link valid 7 days. The approver sees a summary (never the PIN, the IBAN or the
 * documents) and approves, or declines with a comment that returns the application to the employee.
 */
export const APPROVAL_LINK_DAYS = 7;
/** At most this many requests per application in 24 hours (each sends an e-mail to an address the employee typed). */
export const MAX_REQUESTS_PER_DAY = 5;
export const COMMENT_MAX = 1000;

/** Statuses in which the approver's decision still matters. */
const DECIDABLE: Status[] = ['in_progress', 'returned', 'awaiting_additional_approval'];

export class ApprovalRequestRefused extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

/**
 * Whether the additional approval is done (or not needed): true when the key does not require one, or when the
 * approver of the request in force approved. The approval queue refuses to approve an application until this is true.
 */
export async function additionalApprovalDone(db: Knex, applicationId: number, now: Date): Promise<boolean> {
  const row = await db('application as ap').join('access_key as k', 'k.id', 'ap.access_key_id').where('ap.id', applicationId).first('k.additional_approver_required');
  if (!row) return false;
  if (!row.additional_approver_required) return true;
  const state = await approvalState(db, applicationId, now);
  return state.kind === 'approved';
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
  const holder = cardholderValues(ctx);
  const employeeName = [holder.firstName || ctx.application.firstName, holder.lastName || ctx.application.lastName].filter(Boolean).join(' ');
  const idempotencyKey = `additional-approval-request:${ctx.application.id}:${id}`;
  const data = { approverName: input.approverName, employeeName, companyName: ctx.account.companyName, expiresOn: formatDate(input.approverLanguage, expiresAt, input.timeZone), language: input.approverLanguage, token };
  await enqueueEmails(
    trx,
    // The token is sealed in the outbox row (and the row wiped once sent): the link never rests in clear.
    [{ idempotencyKey, template: 'additional-approval-request', to: input.approverEmail, language: input.approverLanguage, data: sealEmailData(input.keyring, idempotencyKey, data, ['token']), applicationId: ctx.application.id }],
    input.now,
  );
  return id;
}

export type LinkState =
  | { kind: 'invalid' }
  | { kind: 'expired'; request: ApprovalRequest }
  | { kind: 'used'; request: ApprovalRequest }
  | { kind: 'closed'; request: ApprovalRequest }
  | { kind: 'open'; request: ApprovalRequest };

/** What the approver's link leads to. Unknown and superseded links look the same (nothing to learn from them). */
export async function linkState(db: Knex, token: unknown, now: Date): Promise<LinkState> {
  const request = typeof token === 'string' ? await findRequestByToken(db, token) : undefined;
  if (!request || request.supersededAt) return { kind: 'invalid' };
  if (request.usedAt) return { kind: 'used', request };
  const state = stateOf(request, now);
  if (state.kind === 'expired') return { kind: 'expired', request };
  const app = await db('application').where({ id: request.applicationId }).first('status');
  if (!app || !DECIDABLE.includes(app.status)) return { kind: 'closed', request };
  return { kind: 'open', request };
}

/**
 * The approver's decision, once. Approve: recorded; if the employee already signed (awaiting_additional_approval)
 * the application moves on to the company's approval queue. Decline: recorded with its comment, and the application
 * is returned to the employee with that comment.
 * The application's row is held first, as the signature holds it: on PostgreSQL a signature reading "not approved
 * yet" while the approval commits would otherwise leave the application waiting for an approval already given (or
 * make the decline fail on the changed status). Held, the one that comes second sees what the first did.
 */
export async function decide(
  db: Knex,
  input: { token: string; decision: 'approved' | 'declined'; comment: string | null; now: Date; timeZone: string },
): Promise<{ ok: true; applicationId: number } | { ok: false; state: LinkState }> {
  return db.transaction(async (trx) => {
    const known = await findRequestByToken(trx, input.token);
    if (known) await holdApplication(trx, known.applicationId);
    const state = await linkState(trx, input.token, input.now);
    if (state.kind !== 'open') return { ok: false as const, state };
    const { request } = state;
    if (!(await recordDecision(trx, { id: request.id, decision: input.decision, comment: input.comment, now: input.now }))) {
      return { ok: false as const, state: { kind: 'used' as const, request } };
    }
    const app = await trx('application').where({ id: request.applicationId }).first('status', 'priority');
    if (input.decision === 'declined') {
      await transition(trx, {
        applicationId: request.applicationId,
        from: DECIDABLE,
        to: 'returned',
        actor: { type: 'approver' },
        comment: input.comment,
        commentForEmployee: true,
        now: input.now,
      });
    } else if (app?.status === 'awaiting_additional_approval') {
      await transition(trx, {
        applicationId: request.applicationId,
        from: ['awaiting_additional_approval'],
        to: 'pending_approval',
        actor: { type: 'approver' },
        comment: input.comment,
        now: input.now,
      });
      // An urgent application becomes approvable only now: e-mail 7 again, saying so.
      if (app.priority === 'urgent') {
        const ctx = await loadFormContext(trx, request.applicationId);
        const signature = await latestSignature(trx, request.applicationId);
        if (ctx && signature) {
          const emails = await urgentAlertEmails(trx, ctx, {
            version: signature.version,
            signedAt: new Date(signature.signedAt),
            timeZone: input.timeZone,
            awaitingAdditionalApproval: false,
            approvedByAdditionalApprover: true,
          });
          await enqueueEmails(trx, emails, input.now);
        }
      }
    }
    return { ok: true as const, applicationId: request.applicationId };
  });
}
