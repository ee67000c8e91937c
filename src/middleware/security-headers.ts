import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** Strict CSP: everything from this origin, no inline script or style, no framing; HSTS only behind TLS. */
export function securityHeaders(onTls: boolean): RequestHandler {
  return precomputed(helmetFor(onTls));
}

/** The same headers through helmet on each request (the reference the precomputed middleware is tested against). */
export function helmetFor(onTls: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        ...(onTls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: onTls ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Helmet with this configuration sets the same headers on every response: run it once against a recording response
 * and set the recorded headers thereafter (helmet's chain of a dozen middlewares costs more per page than the page's
 * own header work). Helmet stays the source of the values; a configuration that varied per request would not do.
 */
function precomputed(middleware: RequestHandler): RequestHandler {
  const headers: Array<[string, string | number | readonly string[]]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let called = false;
  middleware({} as never, recorder as never, () => (called = true));
  if (!called) throw new Error('security headers: helmet did not complete synchronously');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** Pages may show personal data: never cache them. Static assets set their own caching. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
