import type { RequestHandler, Request } from 'express';

/** One-shot banner after a redirect (PRG). */
export function setFlash(req: Request, key: string, params?: Record<string, string | number>, kind: 'success' | 'info' = 'success'): void {
  req.session.flash = { kind, key, ...(params ? { params } : {}) };
}

export const flashLocal: RequestHandler = (req, res, next) => {
  res.locals.flash = req.session?.flash ?? null;
  if (req.session?.flash) delete req.session.flash;
  next();
};
