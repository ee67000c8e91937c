import session from 'express-session';
import { HotRead, type Db } from './db';
import type { Logger } from './logger';

/**
 * A session's expiry is written again only once it would move by at least this much: with rolling sessions every
 * request "touches" its session, and a write per page (an fsync with synchronous=FULL) would cost more than the page.
 * The session may therefore end up to this much before the cookie's idle timeout, never after it.
 */
export const TOUCH_MIN_INTERVAL_MS = 60_000;
/** Expiries last read or written per session, so touch() knows what is stored; bounded (cleared when full). */
const KNOWN_EXPIRIES_MAX = 10_000;

/** The session of a request: on every request, so a hot read (no query building). */
const sessionById = new HotRead<{ sess: string; expires_at: number | string }>('select sess, expires_at from session where sid = ?');

/**
 * express-session store over Knex. Written here rather than taken from connect-session-knex, whose callbacks
 * re-throw after calling back (a database hiccup becomes an unhandled rejection). Every method reports errors
 * through its callback only.
 */
export class KnexSessionStore extends session.Store {
  private readonly knownExpiries = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {
    super();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    sessionById
      .rows(this.db, [sid])
      .then(([row]) => {
        if (!row || Number(row.expires_at) <= this.now().getTime()) return cb(null, null);
        this.remember(sid, Number(row.expires_at));
        cb(null, JSON.parse(row.sess) as session.SessionData);
      })
      .catch((err: unknown) => this.fail('get', err, cb));
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    this.knownExpiries.delete(sid);
    const expiresAt = this.expiry(sess);
    const userKey = (sess as { userKey?: string }).userKey ?? null;
    this.db('session')
      .insert({ sid, sess: JSON.stringify(sess), expires_at: expiresAt, user_key: userKey, created_at: this.now().toISOString() })
      .onConflict('sid')
      .merge(['sess', 'expires_at', 'user_key'])
      .then(() => {
        this.remember(sid, expiresAt);
        cb?.();
      })
      .catch((err: unknown) => this.fail('set', err, cb));
  }

  override touch(sid: string, sess: session.SessionData, cb?: () => void): void {
    const expiresAt = this.expiry(sess);
    const known = this.knownExpiries.get(sid);
    if (known !== undefined && expiresAt >= known && expiresAt - known < TOUCH_MIN_INTERVAL_MS) {
      cb?.();
      return;
    }
    // Concurrent requests of one session: the first past the interval writes, the others see it done.
    this.remember(sid, expiresAt);
    this.db('session')
      .where({ sid })
      .update({ expires_at: expiresAt })
      .then(() => cb?.())
      .catch((err: unknown) => this.fail('touch', err, cb as (e?: unknown) => void));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.knownExpiries.delete(sid);
    this.db('session')
      .where({ sid })
      .delete()
      .then(() => cb?.())
      .catch((err: unknown) => this.fail('destroy', err, cb));
  }

  /** Removes expired sessions; called by a periodic job. */
  async purgeExpired(): Promise<number> {
    return this.db('session').where('expires_at', '<=', this.now().getTime()).delete();
  }

  /** Ends every session of one user (e.g. a deactivated administrator). */
  async destroyForUser(userKey: string): Promise<number> {
    return this.db('session').where({ user_key: userKey }).delete();
  }

  /**
   * When the session ends if left idle: one idle timeout (the cookie's max-age) from now by the app's clock, which also
   * decides expiry on reading; the cookie's own date (express-session's, by the system time) only when it has no max-age.
   */
  private expiry(sess: session.SessionData): number {
    const maxAge = sess.cookie?.originalMaxAge;
    if (typeof maxAge === 'number' && maxAge > 0) return this.now().getTime() + maxAge;
    const expires = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
    return Number.isFinite(expires) ? expires : this.now().getTime() + 24 * 3600 * 1000;
  }

  /** The expiry stored for a session, as last read or written by this process. */
  private remember(sid: string, expiresAt: number): void {
    if (this.knownExpiries.size >= KNOWN_EXPIRIES_MAX) this.knownExpiries.clear();
    this.knownExpiries.set(sid, expiresAt);
  }

  private fail(op: string, err: unknown, cb?: (err?: unknown) => void): void {
    this.logger.error({ err, op }, 'session store error');
    cb?.(err);
  }
}
