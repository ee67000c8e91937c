import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { ActorType } from '../application/status';
import { auditRowsAfter, insertAuditRow, lastAuditHash, lockAuditChain, type AuditRow } from './audit-repository';

export type { AuditRow } from './audit-repository';

/**
 * The audit log: append-only, hash-chained. Each row's hash is SHA-256(previous row's hash ‖ canonical JSON of the
 * row), so editing, deleting or reordering a row breaks the chain from that row on (`npm run audit:verify`).
 * Appends are serialised so two writers never chain onto the same previous row: PostgreSQL takes a transaction-level
 * advisory lock; SQLite takes the database write lock first (one writer at a time, across processes too).
 * Record ids and codes only in `details`, never names, e-mails of employees, IBANs or other personal data.
 */

export const GENESIS_HASH = '0'.repeat(64);
const USER_AGENT_MAX = 200;

interface AuditActor {
  type: ActorType;
  id?: number | null;
  /** Administrators only (staff e-mail, the identity the SSO gives); never an employee's e-mail. */
  email?: string | null;
}

export interface AuditEntry {
  at: Date;
  actor: AuditActor;
  /** Dotted code, e.g. `admin.sign_in`, `application.view`, `application.export`, `access_key.update`. */
  action: string;
  applicationId?: number | null;
  object?: { type: string; id: string | number } | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

/** Who acts and from where: the part of an audit entry that the request (or the job) gives, the rest is the action's. */
export type AuditContext = Pick<AuditEntry, 'actor' | 'ip' | 'userAgent'>;

/** An action on one application: the entry names it as its application and as its object (the audit page filters on both). */
export function recordApplicationAudit(
  db: Db,
  audit: AuditContext,
  entry: { at: Date; action: string; applicationId: number; details?: Record<string, unknown> },
): Promise<{ id: number; hash: string }> {
  return recordAudit(db, { ...audit, ...entry, object: { type: 'application', id: entry.applicationId } });
}

type HashedFields = Omit<AuditRow, 'id' | 'prev_hash' | 'hash'>;

/** JSON with object keys sorted at every level, so the same content always gives the same text. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function hashedFields(row: HashedFields): HashedFields {
  return {
    at: row.at,
    actor_type: row.actor_type,
    actor_id: row.actor_id === null || row.actor_id === undefined ? null : Number(row.actor_id),
    actor_email: row.actor_email ?? null,
    action: row.action,
    application_id: row.application_id === null || row.application_id === undefined ? null : Number(row.application_id),
    object_type: row.object_type ?? null,
    object_id: row.object_id ?? null,
    ip: row.ip ?? null,
    user_agent: row.user_agent ?? null,
    details: row.details,
  };
}

export function auditHash(prevHash: string, row: HashedFields): string {
  return crypto
    .createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(hashedFields(row)))
    .digest('hex');
}

function toFields(entry: AuditEntry): HashedFields {
  return {
    at: entry.at.toISOString(),
    actor_type: entry.actor.type,
    actor_id: entry.actor.id ?? null,
    actor_email: entry.actor.email ? entry.actor.email.trim().toLowerCase() : null,
    action: entry.action,
    application_id: entry.applicationId ?? null,
    object_type: entry.object?.type ?? null,
    object_id: entry.object ? String(entry.object.id) : null,
    ip: entry.ip ? entry.ip.slice(0, 64) : null,
    user_agent: entry.userAgent ? entry.userAgent.slice(0, USER_AGENT_MAX) : null,
    details: canonicalJson(entry.details ?? {}),
  };
}

function isTransaction(db: Db): db is Knex.Transaction {
  return (db as Knex.Transaction).isTransaction === true;
}

/**
 * Appends one entry. Pass the business transaction (`trx`) so the entry exists if and only if the action commits;
 * with `db` it runs in its own transaction.
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<{ id: number; hash: string }> {
  if (!isTransaction(db)) return appendAlone(db, entry);
  const [recorded] = await appendChained(db, [entry]);
  return recorded as { id: number; hash: string };
}

/** Appends entries in order after the chain's last row, within `trx` (the chain locked and its end read once). */
async function appendChained(trx: Knex.Transaction, entries: AuditEntry[]): Promise<Array<{ id: number; hash: string }>> {
  await lockAuditChain(trx);
  let prevHash = (await lastAuditHash(trx)) ?? GENESIS_HASH;
  const out: Array<{ id: number; hash: string }> = [];
  for (const entry of entries) {
    const fields = toFields(entry);
    const hash = auditHash(prevHash, fields);
    out.push({ id: await insertAuditRow(trx, { ...fields, prev_hash: prevHash, hash }), hash });
    prevHash = hash;
  }
  return out;
}

interface Pending {
  entry: AuditEntry;
  resolve: (r: { id: number; hash: string }) => void;
  reject: (err: unknown) => void;
}

/** Entries recorded on their own (no business transaction), waiting for the next commit, per database. */
const waiting = new WeakMap<Knex, { queue: Pending[]; flushing: boolean }>();
const GROUP_MAX = 200;

/**
 * An entry recorded without a business transaction (e.g. an administrator viewing an application) is committed with
 * the others recorded meanwhile, in call order, in one transaction (group commit): one disk sync for many page views
 * instead of one each. Each caller's promise still resolves only once its entry is committed. If a group fails, its
 * entries are retried one by one, so one bad entry fails only its own caller.
 */
function appendAlone(db: Db, entry: AuditEntry): Promise<{ id: number; hash: string }> {
  let state = waiting.get(db);
  if (!state) {
    state = { queue: [], flushing: false };
    waiting.set(db, state);
  }
  const promise = new Promise<{ id: number; hash: string }>((resolve, reject) => state.queue.push({ entry, resolve, reject }));
  if (!state.flushing) {
    // The group starts on the next turn of the event loop, so that the other requests read from the network in this
    // turn (under load, several at once) join it instead of each paying a transaction and a disk sync.
    state.flushing = true;
    const group = state;
    setImmediate(() => void flush(db, group));
  }
  return promise;
}

async function flush(db: Db, state: { queue: Pending[]; flushing: boolean }): Promise<void> {
  state.flushing = true;
  try {
    while (state.queue.length) {
      const group = state.queue.splice(0, GROUP_MAX);
      try {
        const results = await db.transaction((trx) =>
          appendChained(
            trx,
            group.map((p) => p.entry),
          ),
        );
        group.forEach((p, i) => p.resolve(results[i] as { id: number; hash: string }));
      } catch (groupError) {
        if (group.length === 1) {
          (group[0] as Pending).reject(groupError);
          continue;
        }
        for (const p of group) {
          try {
            p.resolve(await db.transaction((trx) => recordAudit(trx, p.entry)));
          } catch (err) {
            p.reject(err);
          }
        }
      }
    }
  } finally {
    state.flushing = false;
  }
}

type ChainVerdict = { ok: true; count: number } | { ok: false; count: number; brokenId: number; reason: 'prev_hash' | 'hash' };

/** Walks the chain in id order; reports the first entry whose link or content does not match. */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let afterId = 0;
  let count = 0;
  for (;;) {
    const rows = await auditRowsAfter(db, afterId, pageSize);
    for (const row of rows) {
      if (row.prev_hash !== prev) return { ok: false, count, brokenId: Number(row.id), reason: 'prev_hash' };
      if (auditHash(prev, row) !== row.hash) return { ok: false, count, brokenId: Number(row.id), reason: 'hash' };
      prev = row.hash;
      count++;
    }
    if (rows.length < pageSize) return { ok: true, count };
    afterId = Number((rows[rows.length - 1] as AuditRow).id);
  }
}

/** Who and from where, for an administrator's request: the actor (reloaded by the auth middleware), IP, user agent. */
export function auditRequestContext(req: Request): AuditContext {
  return {
    actor: req.actor ? { type: 'admin', id: req.actor.id, email: req.actor.email } : { type: 'employee' },
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  };
}
