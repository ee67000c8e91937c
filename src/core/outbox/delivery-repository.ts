import type { Knex } from 'knex';
import { whereIdIn, type Db } from '../../platform/db';

/** The SQL of delivery.ts: what the E-mail delivery page, the failure notices, /readyz and /metrics read of the outbox. */

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'dead', 'expired'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** How many rows are in each state (every state present, 0 when none). */
export async function countByState(db: Db): Promise<Record<OutboxState, number>> {
  const rows = (await db('outbox').select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: string; n: number | string }>;
  const out = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
  for (const r of rows) if ((OUTBOX_STATES as readonly string[]).includes(r.status)) out[r.status as OutboxState] = Number(r.n);
  return out;
}

/** When the oldest e-mail still waiting (pending or being sent) was queued, or null when none waits. */
export async function oldestWaitingQueuedAt(db: Db): Promise<string | null> {
  const row = (await db('outbox').whereIn('status', ['pending', 'sending']).min({ at: 'created_at' }).first()) as { at: string | null } | undefined;
  return row?.at ?? null;
}

/** The failing e-mails: waiting again after a failed attempt (pending, attempts > 0, an error), or given up (dead). */
function failing(q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.where((w) => w.where('o.status', 'dead').orWhere((p) => p.where('o.status', 'pending').andWhere('o.attempts', '>', 0).whereNotNull('o.last_error')));
}

/** Which failures: all of them (platform), or those of one application / one batch within the administrator's BCs. */
export type FailureScope = { all: true } | { applicationId: number; accountIds: number[] } | { batchId: number; accountIds: number[] };

function scoped(db: Db, scope: FailureScope): Knex.QueryBuilder {
  const q = failing(db('outbox as o').leftJoin('application as a', 'a.id', 'o.application_id'));
  if ('applicationId' in scope) return whereIdIn(q.where('o.application_id', scope.applicationId), 'a.account_id', scope.accountIds, { notFromIndex: true });
  if ('batchId' in scope) return whereIdIn(q.where('a.batch_id', scope.batchId), 'a.account_id', scope.accountIds, { notFromIndex: true });
  return q;
}

export interface FailedEmailRow {
  id: number;
  template: string;
  language: string;
  recipient: string;
  status: 'pending' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  expiresAt: string | null;
  /** Whether its data was erased (a finished e-mail that carried a secret). */
  dataErased: boolean;
  applicationId: number | null;
  reference: string | null;
}

export async function countFailures(db: Db, scope: FailureScope): Promise<number> {
  const row = (await scoped(db, scope).count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

const COLUMNS = [
  'o.id',
  'o.template',
  'o.language',
  'o.recipient',
  'o.status',
  'o.attempts',
  'o.last_error',
  'o.created_at',
  'o.next_attempt_at',
  'o.expires_at',
  'o.data',
  'o.application_id',
  'a.reference',
];

function toFailure(r: Record<string, unknown>): FailedEmailRow {
  return {
    id: Number(r.id),
    template: String(r.template),
    language: String(r.language),
    recipient: String(r.recipient),
    status: r.status as 'pending' | 'dead',
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: String(r.created_at),
    nextAttemptAt: String(r.next_attempt_at),
    expiresAt: (r.expires_at as string | null) ?? null,
    dataErased: r.data === '{}',
    applicationId: r.application_id === null || r.application_id === undefined ? null : Number(r.application_id),
    reference: (r.reference as string | null) ?? null,
  };
}

/**
 * A page of the scope's failures, newest first, and their total, in one statement (a window count beside the rows);
 * the total is undefined when the page is empty (past the end, or no failure): the caller counts if it must.
 */
export async function listFailuresCounted(
  db: Db,
  scope: FailureScope,
  page: { limit: number; offset: number },
): Promise<{ rows: FailedEmailRow[]; total: number | undefined }> {
  const rows = (await scoped(db, scope)
    .select([...COLUMNS, db.raw('count(*) over () as failures_total')])
    .orderBy('o.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)) as Array<Record<string, unknown>>;
  return { rows: rows.map(toFailure), total: rows.length ? Number(rows[0]?.failures_total) : undefined };
}

/** Every failure, or the one of that id (the resend's candidates; the rule decides which may go again). */
export async function failuresFor(db: Db, id?: number): Promise<FailedEmailRow[]> {
  const q = scoped(db, { all: true }).select(COLUMNS).orderBy('o.id');
  if (id !== undefined) q.where('o.id', id);
  return ((await q) as Array<Record<string, unknown>>).map(toFailure);
}

/**
 * Queues failed e-mails again (after a fix): due now, no attempt counted, the last error kept until the next attempt.
 * Only rows still failing as they were read (dead, or pending after a failed attempt) change.
 */
export async function requeueFailures(db: Db, ids: number[], now: Date): Promise<number> {
  let changed = 0;
  for (let i = 0; i < ids.length; i += 400) {
    changed += await db('outbox')
      .whereIn('id', ids.slice(i, i + 400))
      .where((w) => w.where('status', 'dead').orWhere((p) => p.where('status', 'pending').andWhere('attempts', '>', 0)))
      .update({ status: 'pending', attempts: 0, next_attempt_at: now.toISOString(), lease_owner: null, lease_until: null });
  }
  return changed;
}

/** When the oldest e-mail waiting again after a failed attempt was queued, and how many there are. */
export async function waitingAfterFailure(db: Db): Promise<{ count: number; oldestQueuedAt: string | null }> {
  const row = (await db('outbox')
    .where('status', 'pending')
    .andWhere('attempts', '>', 0)
    .whereNotNull('last_error')
    .count({ n: '*' })
    .min({ at: 'created_at' })
    .first()) as { n: number | string; at: string | null } | undefined;
  return { count: Number(row?.n ?? 0), oldestQueuedAt: row?.at ?? null };
}

/** Whether some e-mail was delivered at or after `since`. */
export async function sentSince(db: Db, since: Date): Promise<boolean> {
  const row = (await db('outbox').where('status', 'sent').andWhere('sent_at', '>=', since.toISOString()).first('id')) as { id: number } | undefined;
  return row !== undefined;
}
