import type { Knex } from 'knex';
import type { Db } from '../../platform/db';

/** pending → sending → sent; `dead`: refused for good or given up after OUTBOX_MAX_AGE; `expired`: not sent before its expires_at. */
type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'expired';

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
  /** After this the e-mail is useless (the signing code's expiry): dropped as `expired` if not sent by then. */
  expires_at: string | null;
}

/** A row to insert (enqueue.ts builds them). */
export type NewOutboxRow = Pick<OutboxRow, 'idempotency_key' | 'template' | 'language' | 'recipient' | 'data' | 'application_id' | 'expires_at'>;

/** Inserts new pending rows, due now; a row whose idempotency key exists already is ignored. Returns how many were new. */
export async function insertOutboxRows(db: Db, rows: NewOutboxRow[], now: Date): Promise<number> {
  const ts = now.toISOString();
  const full = rows.map((r) => ({ ...r, status: 'pending', attempts: 0, next_attempt_at: ts, created_at: ts }));
  let inserted = 0;
  // SQLite limits variables per statement; 400 rows x 11 columns stays well under it.
  for (let i = 0; i < full.length; i += 400) {
    const chunk = full.slice(i, i + 400);
    const res = await db('outbox').insert(chunk).onConflict('idempotency_key').ignore().returning('id');
    inserted += res.length;
  }
  return inserted;
}

function isPostgres(db: Db): boolean {
  return ['pg', 'postgres', 'postgresql'].includes(String(db.client.config.client));
}

/** Rows a dispatcher may take now: due pending rows, and rows whose sender's lease ran out (it crashed or hung); never an expired one. */
function due(q: Knex.QueryBuilder, ts: string): Knex.QueryBuilder {
  return q
    .where((w) =>
      w
        .where((p) => p.where('status', 'pending').andWhere('next_attempt_at', '<=', ts))
        .orWhere((s) => s.where('status', 'sending').andWhere('lease_until', '<=', ts)),
    )
    .andWhere((e) => e.whereNull('expires_at').orWhere('expires_at', '>', ts));
}

/**
 * Claims up to `limit` due rows for `owner` in one conditional UPDATE: status `sending`, a lease until `leaseUntil`, and
 * one more attempt counted. The WHERE clause is repeated on the UPDATE itself, so a row another dispatcher claimed in the
 * meantime no longer matches. On PostgreSQL the candidates are picked with FOR UPDATE SKIP LOCKED in a MATERIALIZED CTE
 * (run once: as a plain `IN (subquery)` the planner may rescan it per row and, skipping the rows it just locked, claim
 * far more than `limit`), so concurrent instances take disjoint rows instead of queueing. SQLite serialises writers.
 */
export async function claimDueRows(db: Db, opts: { owner: string; now: Date; leaseUntil: Date; limit: number }): Promise<OutboxRow[]> {
  const ts = opts.now.toISOString();
  const candidates = due(db('outbox').select('id'), ts).orderBy('next_attempt_at').orderBy('id').limit(opts.limit);
  const query = isPostgres(db) ? db.withMaterialized('candidate', candidates.forUpdate().skipLocked()) : db.with('candidate', candidates);
  const rows = (await due(query.table('outbox').whereIn('id', db('candidate').select('id')), ts).update(
    { status: 'sending', lease_owner: opts.owner, lease_until: opts.leaseUntil.toISOString(), attempts: db.raw('attempts + 1') },
    '*',
  )) as unknown as OutboxRow[];
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Finishes the rows that can no longer be sent usefully, before a pass claims: a row past its expires_at (waiting, or
 * abandoned mid-send) becomes `expired`, its data wiped; a row abandoned mid-send (lease run out) more than `maxAgeMs`
 * after it was queued goes `dead` with an explicit reason, since we cannot know whether the server got it.
 */
export async function sweepFinishedRows(db: Db, now: Date, maxAgeMs: number): Promise<{ expired: number; dead: number }> {
  const ts = now.toISOString();
  const expired = await db('outbox')
    .where((w) => w.where('status', 'pending').orWhere((s) => s.where('status', 'sending').andWhere('lease_until', '<=', ts)))
    .andWhere('expires_at', '<=', ts)
    .update({ status: 'expired', data: '{}', lease_owner: null, lease_until: null });
  const dead = await db('outbox')
    .where('status', 'sending')
    .andWhere('lease_until', '<=', ts)
    .andWhere('created_at', '<=', new Date(now.getTime() - maxAgeMs).toISOString())
    .update({ status: 'dead', lease_owner: null, lease_until: null, last_error: 'lease expired after the last attempt (outcome unknown)' });
  return { expired, dead };
}

/** Extends the lease of the rows `owner` still holds (a batch being sent): how many it still holds. */
export async function renewLeases(db: Db, owner: string, ids: number[], leaseUntil: Date): Promise<number> {
  if (!ids.length) return 0;
  return db('outbox').whereIn('id', ids).andWhere({ status: 'sending', lease_owner: owner }).update({ lease_until: leaseUntil.toISOString() });
}

/** Gives claimed rows back untouched (shutdown before their turn): pending again, the attempt not counted. */
export async function releaseRows(db: Db, owner: string, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  return db('outbox')
    .whereIn('id', ids)
    .andWhere({ status: 'sending', lease_owner: owner })
    .update({ status: 'pending', attempts: db.raw('attempts - 1'), lease_owner: null, lease_until: null });
}

/** This database's installation id (a random UUID made once by its migration): part of every Message-ID. */
export async function installationId(db: Db): Promise<string> {
  const row = (await db('installation').where({ id: 1 }).first('installation_id')) as { installation_id: string } | undefined;
  if (!row) throw new Error('installation row missing: run the migrations');
  return row.installation_id;
}

/** Where one e-mail stands (by its idempotency key), or undefined when it was never queued. */
export async function emailStatus(db: Db, idempotencyKey: string): Promise<OutboxStatus | undefined> {
  const row = (await db('outbox').where({ idempotency_key: idempotencyKey }).first('status')) as { status: OutboxStatus } | undefined;
  return row?.status;
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

/** Not sent before its expires_at: dropped (its data wiped when it carries a secret). */
export function markExpired(db: Db, row: Pick<OutboxRow, 'id'>, owner: string, error: string, data?: string): Promise<boolean> {
  return finish(db, row, owner, { status: 'expired', last_error: error, ...(data !== undefined ? { data } : {}) });
}

export function markDead(db: Db, row: Pick<OutboxRow, 'id'>, owner: string, error: string, data?: string): Promise<boolean> {
  return finish(db, row, owner, { status: 'dead', last_error: error, ...(data !== undefined ? { data } : {}) });
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
  await db('outbox').where({ id }).whereIn('status', ['sent', 'dead', 'expired']).update({ data: '{}', html: null, text: null });
}
