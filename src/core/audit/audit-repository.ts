import type { Knex } from 'knex';
import { insertRow, type Db } from '../../platform/db';

/** A row of `audit_log` as stored. */
export interface AuditRow {
  id: number;
  at: string;
  actor_type: string;
  actor_id: number | null;
  actor_email: string | null;
  action: string;
  application_id: number | null;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Arbitrary constant naming the audit chain's advisory lock on PostgreSQL. */
const PG_LOCK_KEY = 74_201_101;

/**
 * Serialises appends to the chain until the transaction ends: PostgreSQL takes a transaction-level advisory lock;
 * SQLite takes the database write lock (one writer at a time, across processes too).
 */
export async function lockAuditChain(trx: Knex.Transaction): Promise<void> {
  if (trx.client.config.client === 'pg') {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [PG_LOCK_KEY]);
  }
  // SQLite: every transaction begins with BEGIN IMMEDIATE (platform/db.ts), so it already holds the database's write
  // lock before it reads the last hash.
}

/** The hash of the chain's last entry; undefined when the log is empty. */
export async function lastAuditHash(trx: Knex.Transaction): Promise<string | undefined> {
  const last: { hash: string } | undefined = await trx('audit_log').orderBy('id', 'desc').first('hash');
  return last?.hash;
}

/** Appends a row (its hash already computed); its id. */
export async function insertAuditRow(trx: Knex.Transaction, row: Omit<AuditRow, 'id'>): Promise<number> {
  return insertRow(trx, 'audit_log', { ...row });
}

/** Up to `limit` rows after `afterId`, in id order (to walk the chain a page at a time). */
export async function auditRowsAfter(db: Db, afterId: number, limit: number): Promise<AuditRow[]> {
  return db('audit_log').where('id', '>', afterId).orderBy('id').limit(limit);
}
