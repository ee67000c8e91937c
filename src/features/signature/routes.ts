import { SUBMITTED } from '../../core/application/status';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { isLanguage, type Language } from '../../platform/i18n';
import type { FormErrors } from '../../lib/form-errors';
import { NotFoundError } from '../../lib/errors';
import { setFlash } from '../../middleware/flash';
import { regenerateSession, saveSession } from '../../middleware/session';
import { paths } from '../../platform/paths';
import { CODE_TTL_MS } from './otp';
import { pdfHeaders } from '../../lib/download';
import {
  acceptSignatureTerms,
  draftPdf,
  latestCodeUndelivered,
  openSigningCode,
  sendSigningCode,
  signApplication,
  signatureTermsForPage,
  signedPdf,
  signingState,
  type SigningState,
} from './service';

declare module 'express-session' {
  interface SessionData {
    /** The language of the PDF the code was sent for: the same PDF is rebuilt when the code is typed. */
    signingLang?: Language;
  }
}

/**
 * The employee's electronic signature, after the review page (SPEC §3.5): 1 signature terms → 2 the PDF and "send me
 * a code" → 3 type the code → signed. Everything is bound to the session's application; no id in any URL.
 */
export function signatureRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock } = deps;

  /**
   * The session's application when it can go on to `step`; otherwise a redirect: no session → entry; signed or no
   * longer editable → status page; incomplete → review; signature terms not accepted → step 1. `read`: the state this
   * request already read in the page language, not read again.
   */
  async function guard(req: Request, res: Response, step: 'terms' | 'document' | 'code', read?: SigningState): Promise<SigningState | undefined> {
    const id = req.session?.applicationId;
    if (!id) {
      res.redirect(303, paths.employee.entry);
      return undefined;
    }
    const state = read ?? (await signingState(deps, id, req.lang, clock.now()));
    if (!state) {
      res.redirect(303, paths.employee.entry);
      return undefined;
    }
    if (!['in_progress', 'returned'].includes(state.ctx.application.status)) {
      res.redirect(303, paths.employee.status);
      return undefined;
    }
    if (!state.canSign) {
      res.redirect(303, paths.employee.review);
      return undefined;
    }
    if (step !== 'terms' && !state.termsAccepted) {
      res.redirect(303, paths.employee.signature);
      return undefined;
    }
    return state;
  }

  const common = (state: SigningState) => ({
    application: state.ctx.application,
    company: { name: state.ctx.account.companyName },
  });

  // Step 1 — signature terms
  const renderTerms = (res: Response, state: SigningState, errors: FormErrors | null) => {
    res.status(errors ? 400 : 200).render('signature/terms.njk', {
      ...common(state),
      terms: signatureTermsForPage(state.signatureTerms),
      accepted: state.termsAccepted,
      errors,
    });
  };

  const showTerms: RequestHandler = async (req, res) => {
    const state = await guard(req, res, 'terms');
    if (state) renderTerms(res, state, null);
  };

  const submitTerms: RequestHandler = async (req, res) => {
    const state = await guard(req, res, 'terms');
    if (!state) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const termsId = Number(body.termsId);
    if (!state.signatureTerms) return renderTerms(res, state, { fieldErrors: {}, summary: [{ key: 'signature:terms.errors.unavailable', href: '#main' }] });
    if (body.accept !== 'yes') {
      const error = { key: 'signature:terms.errors.required' };
      return renderTerms(res, state, { fieldErrors: { accept: error }, summary: [{ ...error, href: '#accept' }] });
    }
    const ok = await acceptSignatureTerms(db, { applicationId: state.ctx.application.id, termsId, lang: req.lang, now: clock.now() });
    if (!ok) {
      // The terms changed while the page was open: show the version in force again.
      const fresh = (await signingState(deps, state.ctx.application.id, req.lang, clock.now())) ?? state;
      return renderTerms(res, fresh, { fieldErrors: {}, summary: [{ key: 'signature:terms.errors.changed', href: '#accept' }] });
    }
    res.redirect(303, paths.employee.signing.document);
  };

  // Step 2 — the PDF and "send me a code"
  const renderDocument = async (res: Response, state: SigningState, errors: FormErrors | null, status = 200) => {
    const code = await openSigningCode(db, state.ctx.application.id);
    res.status(errors ? status : 200).render('signature/document.njk', {
      ...common(state),
      email: state.ctx.application.email,
      hasOpenCode: Boolean(code && code.expiresAt > clock.now().toISOString()),
      undelivered: await latestCodeUndelivered(db, state.ctx.application.id),
      errors,
    });
  };

  const showDocument: RequestHandler = async (req, res) => {
    const state = await guard(req, res, 'document');
    if (state) await renderDocument(res, state, null);
  };

  const downloadDraftPdf: RequestHandler = async (req, res) => {
    const state = await guard(req, res, 'document');
    if (!state) return;
    const { pdf } = await draftPdf(deps, state.form, req.lang, clock.now());
    res.set(pdfHeaders(`application-${state.ctx.application.reference}-${req.lang}.pdf`, pdf.length));
    res.end(pdf);
  };

  const renderCode = async (res: Response, state: SigningState, errors: FormErrors | null, status = 400) => {
    const code = await openSigningCode(db, state.ctx.application.id);
    const now = clock.now().toISOString();
    res.status(errors ? status : 200).render('signature/code.njk', {
      ...common(state),
      email: code?.sentTo ?? state.ctx.application.email,
      expiresAt: code && code.expiresAt > now ? code.expiresAt : null,
      undelivered: await latestCodeUndelivered(db, state.ctx.application.id),
      validMinutes: CODE_TTL_MS / 60000,
      errors,
    });
  };

  const sendCode: RequestHandler = async (req, res) => {
    const state = await guard(req, res, 'document');
    if (!state) return;
    const from = (req.body as Record<string, unknown> | undefined)?.from === 'code' ? 'code' : 'document';
    const result = await sendSigningCode(deps, { form: state.form, lang: req.lang, now: clock.now() });
    if (!result.ok) {
      const errors: FormErrors = {
        fieldErrors: {},
        summary: [{ key: result.key, params: result.params ?? {}, href: from === 'code' ? '#resend' : '#send-code' }],
      };
      return from === 'code' ? renderCode(res, state, errors, 429) : renderDocument(res, state, errors, 429);
    }
    req.session.signingLang = req.lang;
    req.log?.info({ applicationId: state.ctx.application.id }, 'signing code sent');
    setFlash(req, 'signature:code.sent', { email: result.sentTo }, 'info');
    res.redirect(303, paths.employee.signing.code);
  };

  // Step 3 — type the code
  const showCode: RequestHandler = async (req, res) => {
    const state = await guard(req, res, 'code');
    if (!state) return;
    if (!(await openSigningCode(db, state.ctx.application.id))) return res.redirect(303, paths.employee.signing.document);
    await renderCode(res, state, null);
  };

  const submitCode: RequestHandler = async (req, res) => {
    const id = req.session?.applicationId;
    if (!id) return res.redirect(303, paths.employee.entry);
    const lang = isLanguage(req.session.signingLang) ? req.session.signingLang : req.lang;
    const result = await signApplication(deps, {
      applicationId: id,
      code: (req.body as Record<string, unknown> | undefined)?.code,
      lang,
      ip: String(req.ip ?? '').slice(0, 64),
      userAgent: String(req.get('user-agent') ?? '').slice(0, 512),
      now: clock.now(),
    });
    if (result.ok) {
      req.log?.info({ applicationId: id, version: result.version, status: result.status }, 'application signed');
      // Signing ends the session it was done in: a new session id, bound to the application only for the
      // confirmation, the status page and the signed PDF (middleware/after-signing.ts). The CSRF token is kept so that a second tab's form gets a clear answer.
      const keep = {
        applicationId: id,
        lang: req.session.lang,
        userKey: req.session.userKey,
        startedAt: req.session.startedAt,
        csrfToken: req.session.csrfToken,
        maxAge: req.session.cookie.maxAge,
      };
      await regenerateSession(req);
      req.session.applicationId = keep.applicationId;
      req.session.signedOnly = true;
      if (keep.lang) req.session.lang = keep.lang;
      if (keep.userKey) req.session.userKey = keep.userKey;
      if (keep.startedAt) req.session.startedAt = keep.startedAt;
      if (keep.csrfToken) req.session.csrfToken = keep.csrfToken;
      if (keep.maxAge) req.session.cookie.maxAge = keep.maxAge;
      await saveSession(req);
      return res.redirect(303, paths.employee.signing.signed);
    }
    if (result.reason === 'alreadySigned') {
      req.log?.info({ applicationId: id }, 'signing form posted for an application already signed');
      return res.status(409).render('signature/already-signed.njk');
    }
    if (result.reason === 'notReady') return res.redirect(303, paths.employee.review);
    const state = await guard(req, res, 'code', lang === req.lang ? result.state : undefined);
    if (!state) return;
    req.log?.info({ applicationId: id, reason: result.codeReason }, 'signing code refused');
    const error = { key: result.key, params: result.params ?? {} };
    const fieldError = ['format', 'wrongCode'].includes(result.codeReason);
    await renderCode(res, state, { fieldErrors: fieldError ? { code: error } : {}, summary: [{ ...error, href: fieldError ? '#code' : '#resend' }] });
  };

  // Confirmation
  const showSigned: RequestHandler = async (req, res) => {
    const id = req.session?.applicationId;
    if (!id) return res.redirect(303, paths.employee.entry);
    const state = await signingState(deps, id, req.lang, clock.now());
    if (!state) return res.redirect(303, paths.employee.entry);
    const latest = state.latest;
    if (!latest || !SUBMITTED.includes(state.ctx.application.status)) return res.redirect(303, paths.employee.status);
    res.render('signature/signed.njk', {
      ...common(state),
      status: state.ctx.application.status,
      signature: {
        version: latest.version,
        signedAt: latest.signedAt,
        email: latest.signerEmail,
        pdfSha256: latest.pdfSha256,
        href: paths.employee.signedPdf(latest.version),
      },
    });
  };

  // A signed PDF, from the archive, after checking it still has the hash recorded when it was signed.
  const downloadSignedPdf: RequestHandler = async (req, res) => {
    const id = req.session?.applicationId;
    if (!id) return res.redirect(303, paths.employee.entry);
    const signed = await signedPdf(deps, id, Number(req.params.version));
    if (!signed) throw new NotFoundError('signature');
    res.set(pdfHeaders(signed.fileName, signed.pdf.length));
    res.end(signed.pdf);
  };

  router.route(paths.employee.signature).get(showTerms).post(submitTerms);
  router.get(paths.employee.signing.document, showDocument);
  router.get(paths.employee.signing.documentPdf, downloadDraftPdf);
  router.post(paths.employee.signing.sendCode, sendCode);
  router.route(paths.employee.signing.code).get(showCode).post(submitCode);
  router.get(paths.employee.signing.signed, showSigned);
  router.get(paths.employee.signedPdf(), downloadSignedPdf);

  return router;
}
