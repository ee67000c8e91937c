import { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import type { Clock, Deps } from '../../platform/deps';
import { ClockedMemoryStore } from '../../middleware/rate-limit-store';
import { paths } from '../../platform/paths';
import { normaliseBody, type FormErrors } from '../../lib/form-errors';
import { destroySession, regenerateSession, saveSession } from '../../middleware/session';
import { parseApply, parseEntry, parseLostLink } from './schema';
import { enterApplication, isSubmitted, sendNewLinks, startSelfService } from './service';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** The one error for a wrong pair, an unknown reference or a locked reference: it says nothing about which. */
const GENERIC_ENTRY_ERROR: FormErrors = {
  fieldErrors: {},
  summary: [{ key: 'employee:entry.errors.generic', href: '#accessKey' }],
};

/** Failed entries (or self-service requests) allowed from one address per 15 minutes. */
const PER_IP_LIMIT = 30;

/**
 * Per-IP limits, a second layer only (a corporate NAT puts many employees behind one address): the real limits are
 * the database counters per reference, per key and per e-mail. Entry counts only failures and never blocks a correct
 * key and reference (everyone behind the company's proxy must still get in): the route answers 429 to a wrong pair once
 * the address is over the limit. Self-service counts every request and blocks at the limit.
 */
function perIpCounter(kind: 'failures' | 'requests', clock: Clock): RequestHandler {
  return rateLimit({
    store: new ClockedMemoryStore(clock),
    windowMs: FIFTEEN_MINUTES,
    limit: kind === 'failures' ? Number.MAX_SAFE_INTEGER : PER_IP_LIMIT,
    skipSuccessfulRequests: kind === 'failures',
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => renderTooMany(req, res, clock),
  });
}

/** What the limiter left on the request. */
const limitInfo = (req: Request): RateLimitInfo | undefined => (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;

/** The 429 page, with the real wait in the page and in Retry-After (the limiter's windows are on the same clock). */
function renderTooMany(req: Request, res: Response, clock: Clock): void {
  const now = clock.now().getTime();
  const resetAt = limitInfo(req)?.resetTime?.getTime() ?? now + FIFTEEN_MINUTES;
  const seconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  res.setHeader('Retry-After', String(seconds));
  res.status(429).render('employee/too-many-requests.njk', { minutes: Math.ceil(seconds / 60) });
}

/** Over the limit of failed entries from this address (the current request counted). */
function overFailureLimit(req: Request): boolean {
  return (limitInfo(req)?.used ?? 0) > PER_IP_LIMIT;
}

/** Employee side without an account: key + reference entry, the application bound to the session, self-service. */
export function employeeAccessRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const entryLimit = perIpCounter('failures', clock);
  const applyLimit = perIpCounter('requests', clock);
  const lostLimit = perIpCounter('requests', clock);

  function renderEntry(res: Response, values: { accessKey: unknown; reference: unknown }, errors: FormErrors | null) {
    res.status(errors ? 400 : 200).render('employee/entry.njk', {
      values: {
        accessKey: typeof values.accessKey === 'string' ? values.accessKey.slice(0, 40) : '',
        reference: typeof values.reference === 'string' ? values.reference.slice(0, 40) : '',
      },
      errors,
    });
  }

  const showEntry: RequestHandler = (req, res) => {
    renderEntry(res, { accessKey: '', reference: req.query.ref }, null);
  };

  const enter: RequestHandler = async (req, res) => {
    const body = normaliseBody(req.body);
    const parsed = parseEntry(body);
    if (!parsed.ok) {
      if (overFailureLimit(req)) return renderTooMany(req, res, clock);
      return renderEntry(res, body as { accessKey: unknown; reference: unknown }, parsed.errors);
    }
    const result = await enterApplication(db, parsed.keyNumber, parsed.reference, clock.now());
    if (!result.ok) {
      req.log?.info('employee entry refused');
      if (overFailureLimit(req)) return renderTooMany(req, res, clock);
      return renderEntry(res, body as { accessKey: unknown; reference: unknown }, GENERIC_ENTRY_ERROR);
    }
    const lang = req.lang;
    // Once signed (or no longer editable) the employee lands on the status page; otherwise on the form.
    const destination = (await isSubmitted(db, result.applicationId)) ? paths.employee.status : paths.employee.application;
    // A fresh session (and so a fresh CSRF token) bound to that one application: no fixation.
    await regenerateSession(req);
    req.session.applicationId = result.applicationId;
    req.session.userKey = `application:${result.applicationId}`;
    req.session.startedAt = clock.now().getTime();
    req.session.lang = lang;
    req.session.cookie.maxAge = config.employeeIdleMinutes * 60 * 1000;
    req.log?.info({ applicationId: result.applicationId }, 'employee entered their application');
    await saveSession(req);
    res.redirect(303, destination);
  };

  const signOut: RequestHandler = async (req, res) => {
    const lang = req.lang;
    await destroySession(req);
    res.redirect(303, `${paths.employee.entry}?lang=${lang}`);
  };

  const showApply: RequestHandler = (_req, res) => {
    res.render('employee/apply.njk', { values: { accessKey: '', email: '' }, errors: null });
  };

  const selfService: RequestHandler = async (req, res) => {
    const body = normaliseBody(req.body);
    const parsed = parseApply(body);
    if (!parsed.ok) {
      return res.status(400).render('employee/apply.njk', {
        values: {
          accessKey: typeof body.accessKey === 'string' ? body.accessKey.slice(0, 40) : '',
          email: typeof body.email === 'string' ? body.email.slice(0, 254) : '',
        },
        errors: parsed.errors,
      });
    }
    const result = await startSelfService(db, { keyNumber: parsed.keyNumber, email: parsed.email, language: req.lang }, config.timeZone, clock.now());
    // Logged without the e-mail address or the key number.
    req.log?.info({ outcome: result.outcome, keyId: result.keyId, applicationId: result.applicationId }, 'self-service request');
    res.redirect(303, paths.employee.applySent);
  };

  const showApplySent: RequestHandler = (_req, res) => {
    res.render('employee/apply-sent.njk');
  };

  const showLost: RequestHandler = (_req, res) => {
    res.render('employee/lost.njk', { values: { email: '' }, errors: null });
  };

  /**
   * Lost link: the same answer at once whatever happens; the work (looking the address up, new references, e-mails in
   * the outbox) runs after the answer, so neither the page nor its timing says whether an application exists.
   */
  const requestNewLink: RequestHandler = (req, res) => {
    const body = normaliseBody(req.body);
    const parsed = parseLostLink(body);
    if (!parsed.ok) {
      return res
        .status(400)
        .render('employee/lost.njk', { values: { email: typeof body.email === 'string' ? body.email.slice(0, 254) : '' }, errors: parsed.errors });
    }
    const now = clock.now();
    const log = req.log;
    res.redirect(303, paths.employee.lostSent);
    setImmediate(() => {
      sendNewLinks(db, parsed.email, now).then(
        (result) => log?.info(result, 'lost link request'),
        (err: unknown) => log?.error({ err }, 'lost link request failed'),
      );
    });
  };

  const showLostSent: RequestHandler = (_req, res) => {
    res.render('employee/lost-sent.njk');
  };

  router.get(paths.employee.entry, showEntry);
  router.route(paths.employee.lost).get(showLost).post(lostLimit, requestNewLink);
  router.get(paths.employee.lostSent, showLostSent);
  router.post(paths.employee.entry, entryLimit, enter);
  router.post(paths.employee.signOut, signOut);
  router.route(paths.employee.apply).get(showApply).post(applyLimit, selfService);
  router.get(paths.employee.applySent, showApplySent);

  return router;
}
