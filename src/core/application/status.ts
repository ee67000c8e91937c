import type { Knex } from 'knex';
import { currentStatus, currentStatuses, insertStatusHistory, updateStatusesIfIn, updateStatusIfUnchanged } from './status-repository';

export const STATUSES = [
  'invited',
  'in_progress',
  'awaiting_additional_approval',
  'pending_approval',
  'approved',
  'transmitted',
  'card_issued',
  'card_delivered',
  'returned',
  'cancelled',
  'expired',
  'declined_by_issuer',
] as const;
export type Status = (typeof STATUSES)[number];

/** Signed and submitted (or gone further): the statuses an application reaches by its signature. */
export const SUBMITTED: Status[] = STATUSES.filter((s) => !['invited', 'in_progress', 'returned', 'cancelled', 'expired'].includes(s));

/** Not yet submitted: the employee may still fill the form; reminders and expiry apply. */
export const NOT_SUBMITTED: Status[] = ['invited', 'in_progress', 'returned'];
/** Open = neither finished nor abandoned: a second application for the same e-mail and key is a duplicate. */
export const OPEN_STATUSES: Status[] = [
  'invited',
  'in_progress',
  'returned',
  'awaiting_additional_approval',
  'pending_approval',
  'approved',
  'transmitted',
  'card_issued',
];

/** The statuses of the approval queue: signed, waiting for the company's approval or for the additional approver. */
export const QUEUE_STATUSES: Status[] = ['pending_approval', 'awaiting_additional_approval'];

/**
 * The moves the issuer's status file makes (SPEC §5): transmitted → card_issued → card_delivered, and a decline from
 * transmitted or card_issued. Target → the statuses it may come from; any other move is refused per row.
 */
export const ISSUER_MOVES = {
  card_issued: ['transmitted'],
  card_delivered: ['card_issued'],
  declined_by_issuer: ['transmitted', 'card_issued'],
} as const satisfies Record<string, readonly Status[]>;
export type IssuerTarget = keyof typeof ISSUER_MOVES;

/** Finished for good (retention counts from here); `cancelled` only once it can no longer be reactivated. */
export const FINAL_STATUSES: Status[] = ['card_delivered', 'declined_by_issuer', 'cancelled', 'expired'];

/** A cancelled application may be reactivated until this many days after its initiation. */
const REACTIVATION_DAYS = 90;

/** The last instant a cancelled application initiated at `createdAt` may be reactivated (exclusive). */
export function reactivationDeadline(createdAt: string): Date {
  return new Date(new Date(createdAt).getTime() + REACTIVATION_DAYS * 86_400_000);
}

export function canReactivate(app: { status: Status; createdAt: string }, now: Date): boolean {
  return app.status === 'cancelled' && now.getTime() < reactivationDeadline(app.createdAt).getTime();
}

export type ActorType = 'admin' | 'employee' | 'approver' | 'system';

export interface Actor {
  type: ActorType;
  id?: number | null;
}

export class StaleStateError extends Error {
  constructor(readonly applicationId: number) {
    super(`application ${applicationId} changed meanwhile`);
  }
}

/**
 * The one place statuses change. Conditional update (`WHERE status IN from`), so a double submit or two
 * administrators acting at once change the application once; the loser gets StaleStateError and its
 * transaction rolls back. Writes the history row in the same transaction (pass `trx`).
 */
export async function transition(
  trx: Knex.Transaction,
  input: {
    applicationId: number;
    from: Status[];
    to: Status;
    actor: Actor;
    comment?: string | null;
    commentForEmployee?: boolean;
    now: Date;
    extra?: Record<string, unknown>;
    /** What the history row records besides the status (e.g. `priority_urgent`); see applications:history.events. */
    event?: string;
    /** The absent administrator on whose behalf an administrator acts (their delegate: out of office). */
    onBehalfOf?: number | null;
  },
): Promise<Status> {
  const current = await currentStatus(trx, input.applicationId);
  if (!current || !(input.from as string[]).includes(current.status)) throw new StaleStateError(input.applicationId);
  const ts = input.now.toISOString();
  const updated = await updateStatusIfUnchanged(trx, input.applicationId, current, { to: input.to, at: ts, extra: input.extra });
  if (updated !== 1) throw new StaleStateError(input.applicationId);
  await insertStatusHistory(trx, [
    {
      application_id: input.applicationId,
      at: ts,
      actor_type: input.actor.type,
      actor_id: input.actor.id ?? null,
      from_status: current.status,
      to_status: input.to,
      comment: input.comment ?? null,
      comment_for_employee: input.commentForEmployee ?? false,
      ...(input.event ? { event: input.event } : {}),
      ...(input.onBehalfOf ? { on_behalf_of: input.onBehalfOf } : {}),
    },
  ]);
  return current.status as Status;
}

/**
 * When an application in a final status became final: the time of its last status change, or for a cancelled one the
 * end of its reactivation period when that is later. Undefined while it is not final.
 */
export function finalSince(app: { status: Status; statusChangedAt: string; createdAt: string }): Date | undefined {
  if (!FINAL_STATUSES.includes(app.status)) return undefined;
  const changed = new Date(app.statusChangedAt);
  if (app.status !== 'cancelled') return changed;
  const deadline = reactivationDeadline(app.createdAt);
  return deadline.getTime() > changed.getTime() ? deadline : changed;
}

/**
 * `transition` for many applications at once (the transmission of thousands of approved applications): one
 * conditional UPDATE per chunk (`WHERE id IN … AND status IN from`) and one multi-row history insert. All or nothing:
 * when any application of a chunk is no longer in a `from` status, StaleStateError and the caller's transaction rolls
 * back. Same columns as `transition` (status, status_changed_at, version + 1, history row).
 */
export async function transitionMany(
  trx: Knex.Transaction,
  input: { applicationIds: number[]; from: Status[]; to: Status; actor: Actor; comment?: string | null; now: Date },
): Promise<void> {
  const ts = input.now.toISOString();
  const CHUNK = 500;
  for (let i = 0; i < input.applicationIds.length; i += CHUNK) {
    const ids = input.applicationIds.slice(i, i + CHUNK);
    const current = await currentStatuses(trx, ids);
    const stale = ids.find((id) => !current.some((c) => c.id === id && input.from.includes(c.status as Status)));
    if (stale !== undefined) throw new StaleStateError(stale);
    const updated = await updateStatusesIfIn(trx, ids, input.from, { to: input.to, at: ts });
    if (updated !== ids.length) throw new StaleStateError(ids[0] as number);
    const byId = new Map(current.map((c) => [c.id, c.status]));
    await insertStatusHistory(
      trx,
      ids.map((id) => ({
        application_id: id,
        at: ts,
        actor_type: input.actor.type,
        actor_id: input.actor.id ?? null,
        from_status: byId.get(id) ?? null,
        to_status: input.to,
        comment: input.comment ?? null,
        comment_for_employee: false,
      })),
    );
  }
}
