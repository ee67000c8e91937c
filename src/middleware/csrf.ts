import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';

/**
 * Synchronizer-token CSRF protection (csrf-sync), token read from the `_csrf` body field only, never the query string.
 * Multipart bodies are not parsed yet when this runs: they are refused here unless their path is one of the upload
 * routes, which mount `multer → verifyCsrf` themselves (see the upload features).
 */
const { csrfSynchronisedProtection, generateToken, isRequestValid } = csrfSync({
  getTokenFromRequest: (req: Request) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
  errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
});

class CsrfError extends Error {
  readonly status = 403;
  readonly code = 'EBADCSRFTOKEN';
}

export function csrfProtection(multipartPaths: RegExp[]): RequestHandler {
  return (req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    if (req.is('multipart/form-data')) {
      if (multipartPaths.some((re) => re.test(req.path))) return next();
      return next(new CsrfError('multipart not accepted here'));
    }
    csrfSynchronisedProtection(req, res, (err?: unknown) => next(err ? new CsrfError('invalid csrf token') : undefined));
  };
}

/** For upload routes, after multer has parsed the body. */
export const verifyCsrf: RequestHandler = (req, _res, next) => {
  next(isRequestValid(req) ? undefined : new CsrfError('invalid csrf token'));
};

/** Exposes the token to views; only middleware writes res.locals. */
export const csrfTokenLocal: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = req.session ? generateToken(req) : '';
  next();
};

/** Refuses cross-site state-changing requests before any body is parsed (Fetch Metadata, Origin as fallback). */
export function rejectCrossSite(publicBaseUrl: string): RequestHandler {
  const allowedOrigin = new URL(publicBaseUrl).origin;
  return (req, _res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const site = req.get('sec-fetch-site');
    if (site === 'cross-site') return next(new CsrfError('cross-site request'));
    const origin = req.get('origin');
    if (!site && origin && origin !== 'null') {
      const host = req.get('host');
      const sameHost = host && (origin === `http://${host}` || origin === `https://${host}`);
      if (!sameHost && origin !== allowedOrigin) return next(new CsrfError('foreign origin'));
    }
    next();
  };
}

export function isCsrfError(err: unknown): boolean {
  return err instanceof CsrfError;
}
