import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import { deleteCounter, deleteCountersBefore, findCounter, holdCounterRow, saveCounter } from './attempt-counter-repository';

type CounterKind = 'entry_reference' | 'entry_key' | 'apply_email' | 'lost_link_email' | 'verify_ip';

interface CounterRule {
  /** Counting restarts when the first counted event is older than this. */
  windowMs: number;
  /** At this count the subject is locked (and counting restarts), when lockMs is set. */
  max: number;
  lockMs?: number;
}

const MINUTE = 60_000;

/** SECURITY.md: lock a reference after 5 failures for 15 minutes. */
export const REFERENCE_RULE: CounterRule = { windowMs: 60 * MINUTE, max: 5, lockMs: 15 * MINUTE };
/** Failures per access key, counted per day, for the administrators' digest alert; never locks (the key is shared). */
export const KEY_RULE: CounterRule = { windowMs: 24 * 60 * MINUTE, max: Number.MAX_SAFE_INTEGER };
/** Self-service: at most 5 requests per e-mail per hour; beyond that nothing is sent (the answer stays neutral). */
export const APPLY_EMAIL_RULE: CounterRule = { windowMs: 60 * MINUTE, max: 5 };

/** Lost link: at most 3 new links per e-mail per hour; beyond that nothing is sent (the answer stays the same). */
export const LOST_LINK_EMAIL_RULE: CounterRule = { windowMs: 60 * MINUTE, max: 3 };

/** The public verify page: at most 20 PDFs checked per IP address per hour. */
export const VERIFY_IP_RULE: CounterRule = { windowMs: 60 * MINUTE, max: 20 };

/** The counter subject for an IP address: a hash, so the table holds no address. */
export function ipSubject(ip: string): string {
  return crypto.createHash('sha256').update(`ip:${ip}`).digest('hex');
}

/** The counter subject for an e-mail: a hash, so the table holds no address. */
export function emailSubject(email: string): string {
  return crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

export async function isLocked(db: Db, kind: CounterKind, subject: string, now: Date): Promise<boolean> {
  const row = await findCounter(db, kind, subject);
  return Boolean(row?.locked_until && row.locked_until > now.toISOString());
}

/**
 * Takes the subject's counter row for the rest of the transaction, creating it empty when missing. On PostgreSQL two
 * attempts at once would otherwise both read the same count and both write count + 1, so parallel guesses would
 * never reach the lock; with the row held, the second waits for the first to commit and counts after it.
 */
export async function holdCounter(trx: Db, kind: CounterKind, subject: string, now: Date): Promise<void> {
  await holdCounterRow(trx, kind, subject, now.toISOString());
}

/**
 * Counts one event. Returns the count in the window after this event; when a lock rule is reached the subject is
 * locked until now + lockMs and counting starts again (so 5 more failures after the lock lock it again).
 * Call it inside a transaction so the read and the write go together.
 */
export async function countEvent(db: Db, kind: CounterKind, subject: string, rule: CounterRule, now: Date): Promise<number> {
  const ts = now.toISOString();
  await holdCounter(db, kind, subject, now);
  const row = await findCounter(db, kind, subject);
  const inWindow = row && now.getTime() - Date.parse(row.window_started_at) < rule.windowMs;
  let count = inWindow ? Number(row.count) + 1 : 1;
  let windowStartedAt = inWindow ? row.window_started_at : ts;
  let lockedUntil = row?.locked_until && row.locked_until > ts ? row.locked_until : null;
  const reached = count;
  if (rule.lockMs && count >= rule.max) {
    lockedUntil = new Date(now.getTime() + rule.lockMs).toISOString();
    count = 0;
    windowStartedAt = ts;
  }
  await saveCounter(db, { kind, subject, count, windowStartedAt, lockedUntil, at: ts });
  return reached;
}

export async function clearCounter(db: Db, kind: CounterKind, subject: string): Promise<void> {
  await deleteCounter(db, kind, subject);
}

/** Drops counters that no longer matter (window passed long ago, no lock); for a periodic job. */
export async function purgeOldCounters(db: Db, now: Date, olderThanMs = 48 * 60 * MINUTE): Promise<number> {
  const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
  return deleteCountersBefore(db, cutoff, now.toISOString());
}
