import { Router, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { normaliseBody, type FormErrors } from '../../lib/form-errors';
import { destroySession, regenerateSession, saveSession } from '../../middleware/session';
import { parseApply, parseEntry } from './schema';
import { enterApplication, isSubmitted, startSelfService } from './service';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** The one error for a wrong pair, an unknown reference or a locked reference: it says nothing about which. */
const GENERIC_ENTRY_ERROR: FormErrors = {
  fieldErrors: {},
  summary: [{ key: 'employee:entry.errors.generic', href: '#accessKey' }],
};

/**
 * Per-IP limits, a second layer only (a corporate NAT puts many employees behind one address): the real limits are
 * the database counters per reference, per key and per e-mail.
 */
function perIpLimit(limit: number, skipSuccessfulRequests: boolean): RequestHandler {
  return rateLimit({
    windowMs: FIFTEEN_MINUTES,
    limit,
    skipSuccessfulRequests,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).render('employee/too-many-requests.njk');
    },
  });
}

/** Employee side without an account: key + reference entry, the application bound to the session, self-service. */
export function employeeAccessRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const entryLimit = perIpLimit(30, true);
  const applyLimit = perIpLimit(30, false);

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
    if (!parsed.ok) return renderEntry(res, body as { accessKey: unknown; reference: unknown }, parsed.errors);
    const result = await enterApplication(db, parsed.keyNumber, parsed.reference, clock.now());
    if (!result.ok) {
      req.log?.info('employee entry refused');
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

  router.get(paths.employee.entry, showEntry);
  router.post(paths.employee.entry, entryLimit, enter);
  router.post(paths.employee.signOut, signOut);
  router.get(paths.employee.apply, showApply);
  router.post(paths.employee.apply, applyLimit, selfService);
  router.get(paths.employee.applySent, showApplySent);

  return router;
}
