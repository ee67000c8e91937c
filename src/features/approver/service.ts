import type { Db } from '../../platform/db';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { applicationStatus, holdApplication } from '../../core/application/repository';
import { transition, type Status } from '../../core/application/status';
import { loadFormContext, type FormContext } from '../../core/application/form-data';
import { latestSignature } from '../../core/application/signatures-repository';
import { urgentAlertEmails } from '../../core/application/notifications';
import { findRequestByToken, stateOf, type ApprovalRequest } from '../../core/application/approval-requests';
import { recordDecision } from '../../core/application/approval-requests-repository';
import { applicationStatusAndPriority } from './repository';

/**
 * Additional approval (SPEC §2, §3.4 (7), §3.6): the employee sends a request to the approver their company requires;
 * e-mail 3 carries a single-use link valid 7 days. The approver sees a summary (never the PIN, the IBAN or the
 * documents) and approves, or declines with a comment that returns the application to the employee.
 */

/** Statuses in which the approver's decision still matters. */
const DECIDABLE: Status[] = ['in_progress', 'returned', 'awaiting_additional_approval'];

export type LinkState =
  | { kind: 'invalid' }
  | { kind: 'expired'; request: ApprovalRequest }
  | { kind: 'used'; request: ApprovalRequest }
  | { kind: 'closed'; request: ApprovalRequest }
  | { kind: 'open'; request: ApprovalRequest };

/** What the approver's link leads to. Unknown and superseded links look the same (nothing to learn from them). */
export async function linkState(db: Db, token: unknown, now: Date): Promise<LinkState> {
  const request = typeof token === 'string' ? await findRequestByToken(db, token) : undefined;
  if (!request || request.supersededAt) return { kind: 'invalid' };
  if (request.usedAt) return { kind: 'used', request };
  const state = stateOf(request, now);
  if (state.kind === 'expired') return { kind: 'expired', request };
  const status = await applicationStatus(db, request.applicationId);
  if (!status || !DECIDABLE.includes(status)) return { kind: 'closed', request };
  return { kind: 'open', request };
}

/** The application the approver's page summarises (its key, BC and form); undefined when it no longer exists. */
export async function applicationToDecide(db: Db, applicationId: number): Promise<FormContext | undefined> {
  return loadFormContext(db, applicationId);
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
  db: Db,
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
    const app = await applicationStatusAndPriority(trx, request.applicationId);
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
