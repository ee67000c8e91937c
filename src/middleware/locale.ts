import type { Request, RequestHandler, Response } from 'express';
import { formatFileSize } from '../lib/file-size';
import { DEFAULT_LANGUAGE, formatDate, formatNumber, isLanguage, languageFromAcceptHeader, tFor, type Language } from '../platform/i18n';

declare module 'express-serve-static-core' {
  interface Request {
    lang: Language;
  }
}

/**
 * Page language: `?lang=` (the switch link; remembered in the session when there is one), then the session, then
 * Accept-Language, then French. Exposes `t`, `lang`, formatters and the switch link to the views.
 */
export function locale(timeZone: string): RequestHandler {
  return (req, res, next) => {
    const requested = req.query.lang;
    let lang: Language;
    if (isLanguage(requested)) {
      lang = requested;
      if (req.session) req.session.lang = lang;
    } else if (req.session?.lang) {
      lang = req.session.lang;
    } else {
      lang = languageFromAcceptHeader(req.get('accept-language')) ?? DEFAULT_LANGUAGE;
    }
    usePageLanguage(req, res, lang, timeZone);
    next();
  };
}

/**
 * The language of a page rendered for an error raised before the locale middleware ran (a body over the limit, a
 * cross-site POST): `?lang=`, then the session if it was already read, then Accept-Language, then French.
 */
export function ensurePageLanguage(req: Request, res: Response, timeZone: string): void {
  if (res.locals.t) return;
  const requested = req.query?.lang;
  const lang: Language = isLanguage(requested) ? requested : (req.session?.lang ?? languageFromAcceptHeader(req.get('accept-language')) ?? DEFAULT_LANGUAGE);
  usePageLanguage(req, res, lang, timeZone);
}

/** The page language and what the views need of it: `t`, `lang`, formatters and the language switch link. */
function usePageLanguage(req: Request, res: Response, lang: Language, timeZone: string): void {
  req.lang = lang;
  const other: Language = lang === 'fr' ? 'en' : 'fr';
  const params = new URLSearchParams((req.query ?? {}) as Record<string, string>);
  params.set('lang', other);
  res.locals.lang = lang;
  res.locals.t = tFor(lang);
  res.locals.switchLanguage = { lang: other, href: `${req.path}?${params.toString()}` };
  res.locals.formatDate = (v: string | Date | null | undefined) => formatDate(lang, v, timeZone);
  res.locals.formatDateTime = (v: string | Date | null | undefined) => formatDate(lang, v, timeZone, true);
  res.locals.formatNumber = (v: number) => formatNumber(lang, v);
  res.locals.formatFileSize = (bytes: number) => formatFileSize(bytes, lang);
  res.setHeader('Content-Language', lang);
}
