import session from 'express-session';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../platform/config';
import type { Clock } from '../platform/deps';
import { KnexSessionStore, TOUCH_MIN_INTERVAL_MS } from '../platform/session-store';
import type { Language } from '../platform/i18n';

declare module 'express-session' {
  interface SessionData {
    /** Administrator signed in (dev mode); header mode re-reads the proxy header on every request instead. */
    adminId?: number;
    /** The one application an employee session is bound to. */
    applicationId?: number;
    /** Set when the application was signed in this session: only its status and signed PDF remain reachable. */
    signedOnly?: boolean;
    lang?: Language;
    flash?: { kind: 'success' | 'info'; key: string; params?: Record<string, string | number> };
    /** Who owns the session, so a revoked administrator's sessions can be deleted (session.user_key). */
    userKey?: string;
    /** Epoch ms of sign-in, for the absolute lifetime. */
    startedAt?: number;
    /** Epoch ms the session cookie was last sent again with a new expiry (sessionLifetime). */
    cookieRenewedAt?: number;
  }
}

const SESSION_COOKIE = 'sesame.sid';
const SECURE_SESSION_COOKIE = '__Host-sesame.sid';

export function sessionMiddleware(config: Config, store: KnexSessionStore): RequestHandler {
  return session({
    name: config.cookieSecure ? SECURE_SESSION_COOKIE : SESSION_COOKIE,
    secret: config.sessionSecrets,
    store,
    resave: false,
    saveUninitialized: false,
    // The cookie's expiry moves with activity, but is sent again only once a minute (sessionLifetime), not on every
    // answer: re-signing and re-sending it on each request cost ~7 % of a page.
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      path: '/',
      maxAge: config.adminIdleMinutes * 60 * 1000,
    },
  });
}

/** express-session's callbacks as promises: a handler awaits them, and a failure goes to the error page like any other. */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err: unknown) => (err ? reject(err) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(err) : resolve())));
}

/**
 * Ends sessions older than the absolute lifetime, whatever their activity; employee sessions get the shorter idle
 * timeout. A session in use has its cookie sent again, with an expiry one idle timeout ahead, once at least
 * TOUCH_MIN_INTERVAL_MS has passed since it was last sent — as the store moves the stored expiry (so cookie and store
 * both end the session at most that much before the idle timeout, never after).
 */
export function sessionLifetime(config: Config, clock: Clock): RequestHandler {
  return async function sessionLifetimeCheck(req, _res, next) {
    const s = req.session;
    if (!s) return next();
    if (s.startedAt && clock.now().getTime() - s.startedAt > config.sessionAbsoluteHours * 3600 * 1000) {
      const lang = s.lang;
      await regenerateSession(req);
      if (lang) req.session.lang = lang;
      return next();
    }
    if (s.applicationId && !s.adminId) s.cookie.maxAge = config.employeeIdleMinutes * 60 * 1000;
    const now = clock.now().getTime();
    const renewedAt = s.cookieRenewedAt ?? 0;
    // A change of the session makes express-session save it and send the cookie (with rolling off, only then).
    if (now - renewedAt >= TOUCH_MIN_INTERVAL_MS || renewedAt > now) s.cookieRenewedAt = now;
    next();
  };
}
