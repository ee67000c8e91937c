import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError } from '../lib/errors';
import { isCsrfError } from './csrf';
import { ensurePageLanguage } from './locale';

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).render('errors/not-found.njk');
};

/**
 * Maps errors to bilingual pages: domain errors to their status and message, CSRF failures to 403 (nothing changed),
 * anything else to 500 with no stack trace in production. Logged with the request id, never with the body.
 */
export function errorHandler(opts: { showStack: boolean; timeZone: string }): ErrorRequestHandler {
  const { showStack } = opts;
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    // Raised before the locale middleware (body parser, cross-site check): the page still speaks the visitor's language.
    ensurePageLanguage(req, res, opts.timeZone);
    if (isCsrfError(err)) {
      req.log?.warn({ reason: (err as Error).message }, 'csrf check failed');
      return res.status(403).render('errors/csrf.njk');
    }
    if (err instanceof DomainError) {
      if (err.status === 404) return res.status(404).render('errors/not-found.njk');
      return res.status(err.status).render('errors/forbidden.njk', { messageKey: err.messageKey });
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 413) return res.status(413).render('errors/too-large.njk');
    if (status === 415) return res.status(415).render('errors/unsupported.njk');
    if (status < 500) return res.status(status).render('errors/bad-request.njk');
    req.log?.error({ err }, 'unhandled error');
    res.status(500).render('errors/server-error.njk', { stack: showStack && err instanceof Error ? err.stack : null });
  };
}
