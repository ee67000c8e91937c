import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { ConflictError } from '../../lib/errors';
import { auditRequestContext } from '../../core/audit/audit';
import { formErrors, formErrorsFromZod, normaliseBody, type FormErrors } from '../../lib/form-errors';
import type { KeyForApplications } from '../../core/application/repository';
import { fixAddressSchema, INITIATE_FIELDS, initiateSchema } from './schema';
import { PRIORITIES, TITLES } from '../../core/application/fields';
import { QUEUE_STATUSES, canReactivate, reactivationDeadline } from '../../core/application/status';
import { canRequestInformation } from '../../core/information-requests/information-requests';
import {
  AddressNotAcceptedError,
  applicationFailedEmails,
  applicationForAdmin,
  fixAddressAndResend,
  applicationPageSections,
  applicationInformationRequests,
  DuplicateOpenApplicationError,
  initiateControlled,
  KeyUnavailableError,
  keyForInitiation,
  resendInvitation,
} from './service';

declare module 'express-session' {
  interface SessionData {
    /** One-time values of the resend forms shown, per application id: one click queues one pair of e-mails. */
    resendNonces?: Record<string, string>;
  }
}

/** A positive integer id from the URL, or undefined (the route then passes, ending in the 404 page). */
function idParam(value: unknown): number | undefined {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 && String(id) === value ? id : undefined;
}

/** Controlled send, the administrator's application page and the resend of e-mails 1 and 2. */
export function applicationAdminRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const requireAdmin = requireAdministrator(config);

  function renderInitiate(res: Response, key: KeyForApplications, values: Record<string, unknown>, errors: FormErrors | null) {
    res.status(errors ? 400 : 200).render('applications/initiate.njk', {
      key,
      values,
      errors,
      titles: TITLES,
      priorities: PRIORITIES,
      urgentFee: config.urgentFeeEur,
    });
  }

  function renderKeyUnavailable(res: Response, err: KeyUnavailableError) {
    res.status(409).render('applications/key-unavailable.njk', { messageKey: err.messageKey });
  }

  const showInitiateForm: RequestHandler = async (req, res, next) => {
    try {
      const keyId = idParam(req.params.keyId);
      if (!keyId) return next();
      const key = await keyForInitiation(db, req.actor!, keyId, config.timeZone, clock.now());
      renderInitiate(res, key, { priority: 'normal', title: '', firstName: '', lastName: '', email: '', language: req.lang, urgentTermsAccepted: '' }, null);
    } catch (err) {
      if (err instanceof KeyUnavailableError) return renderKeyUnavailable(res, err);
      throw err;
    }
  };

  const initiate: RequestHandler = async (req, res, next) => {
    try {
      const actor = req.actor!;
      const keyId = idParam(req.params.keyId);
      if (!keyId) return next();
      const now = clock.now();
      const key = await keyForInitiation(db, actor, keyId, config.timeZone, now);
      const body = normaliseBody(req.body);
      const parsed = initiateSchema.safeParse(body);
      if (!parsed.success) {
        // The summary follows the order of the fields on the page (the urgent-terms rule is checked after the fields).
        const order = INITIATE_FIELDS as readonly string[];
        parsed.error.issues.sort((a, b) => order.indexOf(String(a.path[0])) - order.indexOf(String(b.path[0])));
        return renderInitiate(res, key, body, formErrorsFromZod(parsed.error));
      }
      try {
        const created = await initiateControlled(db, actor, keyId, parsed.data, config.timeZone, now, auditRequestContext(req));
        req.log?.info({ applicationId: created.id, keyId }, 'application initiated (controlled send)');
        setFlash(req, 'applications:initiate.created', { reference: created.reference });
        res.redirect(303, paths.admin.applications.show(created.id));
      } catch (err) {
        if (err instanceof DuplicateOpenApplicationError) return renderInitiate(res, key, body, formErrors([{ field: 'email', key: err.messageKey }]));
        throw err;
      }
    } catch (err) {
      if (err instanceof KeyUnavailableError) return renderKeyUnavailable(res, err);
      throw err;
    }
  };

  const showApplication: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    await renderApplication(req, res, id, null, '');
  };

  async function renderApplication(req: Request, res: Response, id: number, fixErrors: FormErrors | null, fixEmail: string) {
    const { record, ...model } = await applicationForAdmin(db, req.actor!, id);
    let resendNonce = '';
    if (model.canResend) {
      resendNonce = crypto.randomBytes(16).toString('hex');
      req.session.resendNonces = { ...(req.session.resendNonces ?? {}), [String(id)]: resendNonce };
    }
    // The approval queue's actions on this one application, and reactivation.
    const queue = {
      inQueue: QUEUE_STATUSES.includes(model.application.status),
      canReactivate: canReactivate(model.application, clock.now()),
      reactivableUntil: model.application.status === 'cancelled' ? reactivationDeadline(model.application.createdAt).toISOString() : null,
    };
    // E-mails of the history, key information, the form read-only, documents, signed versions; an audited view.
    const now = clock.now();
    const tracking = await applicationPageSections(deps, record, auditRequestContext(req), {
      lang: req.lang,
      timeZone: config.timeZone,
      now,
    });
    // Requests for information (issue 14 part 3): listed, and one not closed blocks the approval (the page says why).
    const informationRequests = await applicationInformationRequests(db, id);
    const information = {
      requests: informationRequests,
      canRequest: canRequestInformation(model.application.status),
      open: informationRequests.some((r) => r.status !== 'closed'),
    };
    const failedEmails = await applicationFailedEmails(db, req.actor!, id, now);
    res
      .status(fixErrors ? 400 : 200)
      .render('applications/show.njk', { ...model, resendNonce, queue, tracking, information, failedEmails, errors: fixErrors, fixEmail });
  }

  /** Fix and resend: the corrected address of an undelivered invitation → a new link to it. */
  const fixAddress: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const body = normaliseBody(req.body);
    const parsed = fixAddressSchema.safeParse(body);
    const typed = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    if (!parsed.success) return renderApplication(req, res, id, formErrorsFromZod(parsed.error, { email: 'fixEmail' }), typed);
    try {
      const { reference } = await fixAddressAndResend(db, req.actor!, id, parsed.data.email, clock.now(), auditRequestContext(req));
      req.log?.info({ applicationId: id }, 'invitation address corrected and resent');
      setFlash(req, 'applications:fixAddress.done', { reference });
      res.redirect(303, paths.admin.applications.show(id));
    } catch (err) {
      if (err instanceof AddressNotAcceptedError)
        return renderApplication(req, res, id, formErrors([{ field: 'email', key: err.messageKey, href: '#fixEmail' }]), typed);
      throw err;
    }
  };

  const resendInvitationEmails: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const nonce = typeof req.body?.nonce === 'string' ? req.body.nonce : '';
    const expected = req.session.resendNonces?.[String(id)];
    // Scope and status first: another BC's application is a 404, a submitted one a 409, whatever the form says.
    const { canResend } = await applicationForAdmin(db, req.actor!, id);
    if (!canResend) throw new ConflictError('applications:resend.errors.submitted');
    if (!nonce || !expected || nonce !== expected) {
      setFlash(req, 'applications:resend.alreadyDone', undefined, 'info');
      return res.redirect(303, paths.admin.applications.show(id));
    }
    const nonces = { ...(req.session.resendNonces ?? {}) };
    delete nonces[String(id)];
    req.session.resendNonces = nonces;
    const queued = await resendInvitation(db, req.actor!, id, nonce, clock.now(), auditRequestContext(req));
    req.log?.info({ applicationId: id, queued }, 'invitation e-mails resent');
    setFlash(req, queued ? 'applications:resend.done' : 'applications:resend.alreadyDone', undefined, queued ? 'success' : 'info');
    res.redirect(303, paths.admin.applications.show(id));
  };

  router.route(paths.admin.applications.initiate()).get(requireAdmin, showInitiateForm).post(requireAdmin, initiate);
  router.get(paths.admin.applications.show(), requireAdmin, showApplication);
  router.post(paths.admin.applications.resend(), requireAdmin, resendInvitationEmails);
  router.post(paths.admin.applications.fixAddress(), requireAdmin, fixAddress);

  return router;
}
