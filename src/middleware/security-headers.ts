import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** Strict CSP: everything from this origin, no inline script or style, no framing; HSTS only behind TLS. */
export function securityHeaders(onTls: boolean): RequestHandler {
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

/** Pages may show personal data: never cache them. Static assets set their own caching. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
