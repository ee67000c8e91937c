import type { Knex } from 'knex';
import type { Db } from '../../platform/db';

type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead';

/** An outbox row as stored (snake_case columns, ISO timestamps). */
export interface OutboxRow {
  id: number;
  idempotency_key: string;
  template: string;
  language: string;
  recipient: string;
  data: string;
  application_id: number | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  lease_owner: string | null;
  last_error: string | null;
  message_id: string | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  created_at: string;
  sent_at: string | null;
}

function isPostgres(db: Db): boolean {
  return ['pg', 'postgres', 'postgresql'].includes(String(db.client.config.client));
}

/** Rows a dispatcher may take now: due pending rows, and rows whose sender's lease ran out (it crashed or hung). */
function due(q: Knex.QueryBuilder, ts: string, maxAttempts: number): Knex.QueryBuilder {
  return q.where((w) =>
    w
      .where((p) => p.where('status', 'pending').andWhere('next_attempt_at', '<=', ts))
      .orWhere((s) => s.where('status', 'sending').andWhere('lease_until', '<=', ts).andWhere('attempts', '<', maxAttempts)),
  );
}

/**
 * Claims up to `limit` due rows for `owner` in one conditional UPDATE: status `sending`, a lease until `leaseUntil`, and
 * one more attempt counted. The WHERE clause is repeated on the UPDATE itself, so a row another dispatcher claimed in the
 * meantime no longer matches. On PostgreSQL the candidates are picked with FOR UPDATE SKIP LOCKED in a MATERIALIZED CTE
 * (run once: as a plain `IN (subquery)` the planner may rescan it per row and, skipping the rows it just locked, claim
 * far more than `limit`), so concurrent instances take disjoint rows instead of queueing. SQLite serialises writers.
 */
export async function claimDueRows(db: Db, opts: { owner: string; now: Date; leaseUntil: Date; limit: number; maxAttempts: number }): Promise<OutboxRow[]> {
  const ts = opts.now.toISOString();
  const candidates = due(db('outbox').select('id'), ts, opts.maxAttempts).orderBy('next_attempt_at').orderBy('id').limit(opts.limit);
  const query = isPostgres(db) ? db.withMaterialized('candidate', candidates.forUpdate().skipLocked()) : db.with('candidate', candidates);
  const rows = (await due(query.table('outbox').whereIn('id', db('candidate').select('id')), ts, opts.maxAttempts).update(
    { status: 'sending', lease_owner: opts.owner, lease_until: opts.leaseUntil.toISOString(), attempts: db.raw('attempts + 1') },
    '*',
  )) as unknown as OutboxRow[];
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * A row still `sending` after its lease, with every attempt used: its sender died mid-way and we cannot know whether
 * the server got it. It is not retried again; it goes dead with an explicit reason.
 */
export async function buryAbandonedRows(db: Db, now: Date, maxAttempts: number): Promise<number> {
  return db('outbox')
    .where('status', 'sending')
    .andWhere('lease_until', '<=', now.toISOString())
    .andWhere('attempts', '>=', maxAttempts)
    .update({ status: 'dead', lease_owner: null, lease_until: null, last_error: 'lease expired after the last attempt (outcome unknown)' });
}

/** The conditional mark: only the lease holder can finish a row. Returns false when the lease was lost. */
async function finish(db: Db, row: Pick<OutboxRow, 'id'>, owner: string, changes: Record<string, unknown>): Promise<boolean> {
  const n = await db('outbox')
    .where({ id: row.id, status: 'sending', lease_owner: owner })
    .update({ ...changes, lease_owner: null, lease_until: null });
  return n === 1;
}

export function markSent(
  db: Db,
  row: Pick<OutboxRow, 'id'>,
  owner: string,
  sent: { at: Date; messageId: string; subject: string; html: string | null; text: string | null; data?: string },
): Promise<boolean> {
  return finish(db, row, owner, {
    status: 'sent',
    sent_at: sent.at.toISOString(),
    message_id: sent.messageId,
    subject: sent.subject,
    html: sent.html,
    text: sent.text,
    last_error: null,
    ...(sent.data !== undefined ? { data: sent.data } : {}),
  });
}

export function markRetry(db: Db, row: Pick<OutboxRow, 'id'>, owner: string, nextAttemptAt: Date, error: string): Promise<boolean> {
  return finish(db, row, owner, { status: 'pending', next_attempt_at: nextAttemptAt.toISOString(), last_error: error });
}

export function markDead(db: Db, row: Pick<OutboxRow, 'id'>, owner: string, error: string, data?: string): Promise<boolean> {
  return finish(db, row, owner, { status: 'dead', last_error: error, ...(data !== undefined ? { data } : {}) });
}

/** Gives a claimed row back untouched (shutdown before its turn): pending again, the attempt not counted. */
export function releaseRow(db: Db, row: Pick<OutboxRow, 'id'>, owner: string): Promise<boolean> {
  return finish(db, row, owner, { status: 'pending', attempts: db.raw('attempts - 1') });
}

/** Development mailbox: the newest e-mails first. */
export async function listMailbox(db: Db, opts: { limit: number; offset: number }): Promise<{ rows: OutboxRow[]; total: number }> {
  const [countRow] = await db('outbox').count<{ n: number | string }[]>({ n: '*' });
  const rows = (await db('outbox')
    .select('id', 'template', 'language', 'recipient', 'status', 'attempts', 'subject', 'created_at', 'sent_at', 'next_attempt_at', 'last_error')
    .orderBy('id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset)) as OutboxRow[];
  return { rows, total: Number(countRow?.n ?? 0) };
}

export async function findOutboxRow(db: Db, id: number): Promise<OutboxRow | undefined> {
  return (await db('outbox').where({ id }).first()) as OutboxRow | undefined;
}

/** Forgets a finished e-mail's secret: its data and rendered bodies (the development mailbox, once a code is spent). */
export async function wipeOutboxSecret(db: Db, id: number): Promise<void> {
  await db('outbox').where({ id }).whereIn('status', ['sent', 'dead']).update({ data: '{}', html: null, text: null });
}
