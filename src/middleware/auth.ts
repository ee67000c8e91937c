import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../platform/config';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors';
import type { Actor } from '../core/administrators/repository';
import { paths } from '../platform/paths';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

class UnknownAdministratorError extends ForbiddenError {
  constructor() {
    super('errors:unknownAdministrator.body');
  }
}

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** How the middleware finds an active administrator with their BCs (injected by app.ts: the administrators' repository). */
type AdministratorLookup = (by: { email: string } | { id: number }) => Promise<Actor | undefined>;

/**
 * Identifies the administrator on every request, reloading their role and BCs from the database.
 * Header mode: the identity header counts only when the request also carries the proxy's shared secret.
 * Dev mode: the session holds the administrator id chosen on the sign-in page.
 */
export function identifyAdministrator(config: Config, findActiveActor: AdministratorLookup): RequestHandler {
  return async function identify(req, res, next) {
    let email: string | undefined;
    if (config.auth.mode === 'header') {
      const secret = req.get(config.auth.proxySecretHeader);
      const identity = req.get(config.auth.header);
      if (identity && secret && config.auth.proxySecret && safeEqual(secret, config.auth.proxySecret)) {
        email = identity;
      }
      if (email) {
        const actor = await findActiveActor({ email });
        if (!actor) {
          res.locals.unknownAdministrator = true;
        } else {
          req.actor = actor;
        }
      }
    } else if (req.session?.adminId) {
      const actor = await findActiveActor({ id: req.session.adminId });
      if (actor) req.actor = actor;
      else delete req.session.adminId;
    }
    res.locals.actor = req.actor ?? null;
    next();
  };
}

/** Administrator pages: unknown identity → 403 page; no identity → sign-in (dev) or 401 (header). */
export function requireAdministrator(config: Config): RequestHandler {
  return (req, res, next) => {
    if (req.actor) return next();
    if (res.locals.unknownAdministrator) return next(new UnknownAdministratorError());
    if (config.auth.mode === 'dev') return res.redirect(303, `${paths.auth.signIn}?returnTo=${encodeURIComponent(req.originalUrl)}`);
    return next(new UnauthenticatedError());
  };
}

export const requirePlatformAdministrator: RequestHandler = (req, _res, next) => {
  if (req.actor?.isPlatform) return next();
  next(new ForbiddenError());
};
