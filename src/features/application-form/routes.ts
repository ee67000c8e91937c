import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../platform/deps';
import { paths, safeLocalPath } from '../../platform/paths';
import { isLanguage, tFor, type Language } from '../../platform/i18n';
import { normaliseBody, formErrors, type FormErrors } from '../../lib/form-errors';
import { NotFoundError } from '../../lib/errors';
import { setFlash } from '../../middleware/flash';
import { verifyCsrf } from '../../middleware/csrf';
import { destroySession } from '../../middleware/session';
import { readMultipart } from '../../middleware/upload';
import { DOCUMENT_KINDS } from '../../core/application/documents';
import { ApprovalRequestRefused } from '../../core/application/approval-requests';
import { countryItems } from '../../core/application/countries';
import {
  approverValues,
  canChoosePriority,
  cardholderValues,
  hasPaymentSection,
  type CardholderValues,
  type SectionId,
} from '../../core/application/form-data';
import {
  pickApprover,
  pickCardholder,
  pickPayment,
  pickPriority,
  toFormErrors,
  validateApprover,
  validateCardholder,
  validatePayment,
  validatePriority,
  type Issue,
} from '../../core/application/form-schema';
import { TITLES } from '../../core/application/fields';
import type { FormState } from '../../core/application/form-state';
import { reviewFromState, SECTION_PATHS } from '../../core/application/review';
import {
  acceptTerms,
  choosePin,
  choosePriority,
  employeeForm,
  lastReturnComment,
  NotEditableError,
  ownDocument,
  paymentWithIban,
  removeOwnDocument,
  requestApproval,
  termsForPage,
  typedIban,
  uploadDocument,
  writeForm,
} from './service';
import { todayIn } from '../../lib/validators';
import { streamToResponse } from '../../lib/stream-response';

/** Upload endpoint (multipart): listed in app.ts MULTIPART_PATHS; multer then verifyCsrf mount here. */
export const DOCUMENT_UPLOAD_PATH = /^\/application\/documents\/upload$/;

type Action = 'save' | 'continue' | 'quit';

function actionOf(body: Record<string, unknown>): Action {
  return body.action === 'save' || body.action === 'quit' ? body.action : 'continue';
}

/** `returnTo` is honoured only for our own review page (never another site, never an arbitrary path). */
function returnToOf(value: unknown): string | null {
  const path = safeLocalPath(value, '');
  return path === paths.employee.review ? path : null;
}

/**
 * The employee's form (SPEC §3.4): task list, one page per section with Save / Continue / Quit, the review page.
 * Everything is bound to the application of the session (set at key + reference entry); no id in any URL.
 */
export function applicationFormRoutes(deps: Deps): Router {
  const router = Router();
  const { db, config, clock } = deps;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.documentMaxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024, headerPairs: 50 },
    defParamCharset: 'utf8',
  });

  const maxBytes = config.documentMaxBytes;
  const stateOpts = (req: Request) => ({ now: clock.now(), timeZone: config.timeZone, language: req.lang });

  /** The session's application, or a redirect to the entry page; its state, or (not editable) the read-only page. */
  async function stateFor(req: Request, res: Response, opts: { editableOnly?: boolean } = {}): Promise<FormState | undefined> {
    const id = req.session?.applicationId;
    if (!id) {
      res.redirect(303, paths.employee.entry);
      return undefined;
    }
    const state = await employeeForm(db, id, stateOpts(req));
    if (!state) {
      await destroySession(req);
      res.redirect(303, paths.employee.entry);
      return undefined;
    }
    if (opts.editableOnly && !state.editable) {
      res.redirect(303, paths.employee.application);
      return undefined;
    }
    return state;
  }

  /** Where Continue leads: back to the review when the employee came from it, else the task list. */
  function afterContinue(req: Request): string {
    return returnToOf((req.body as Record<string, unknown> | undefined)?.returnTo ?? req.query.returnTo) ?? paths.employee.application;
  }

  async function quit(req: Request, res: Response) {
    const lang = req.lang;
    await destroySession(req);
    res.redirect(303, `${paths.employee.left}?lang=${lang}`);
  }

  function sectionAvailable(state: FormState, id: SectionId): boolean {
    return state.sections.some((s) => s.id === id);
  }

  /** The application stopped being editable while a page was open (signed in another tab…): back to the task list. */
  const backToTaskListWhenNotEditable: ErrorRequestHandler = (err, _req, res, next) => {
    if (err instanceof NotEditableError) return res.redirect(303, paths.employee.application);
    next(err);
  };

  /** Whether a section applies to an application (the sections pages and forms of those that do not send back). */
  type Applies = (state: FormState) => boolean;
  const inSections =
    (id: SectionId): Applies =>
    (state) =>
      sectionAvailable(state, id);

  /** What a section's page shows, once sectionPage has the editable application. */
  type SectionShow = (state: FormState, req: Request, res: Response) => unknown;
  /** What a section's form does with the button pressed, once sectionForm has the editable application. */
  type SectionSave<A extends string = never> = (
    state: FormState,
    body: Record<string, unknown>,
    action: Exclude<Action, 'quit'> | A,
    req: Request,
    res: Response,
  ) => unknown;

  /**
   * A section's page (GET): the employee's application while it can be edited (stateFor answers otherwise), back to
   * the task list when the section does not apply to it, else `show`.
   */
  function sectionPage(show: SectionShow, applies?: Applies): RequestHandler {
    return async function showSection(req, res) {
      const state = await stateFor(req, res, { editableOnly: true });
      if (!state) return;
      if (applies && !applies(state)) return res.redirect(303, paths.employee.application);
      await show(state, req, res);
    };
  }

  /**
   * A section's form (POST): Quit leaves at once (nothing saved); otherwise the employee's application while it can
   * be edited, back to the task list when the section does not apply, else `handle` with the button pressed
   * (Save, Continue, or the section's own `extraAction`). The body is trimmed unless `rawBody` (the PIN).
   */
  function sectionForm<A extends string = never>(handle: SectionSave<A>, opts: { applies?: Applies; rawBody?: boolean; extraAction?: A } = {}): RequestHandler {
    return async function saveSection(req, res) {
      const body = opts.rawBody ? (req.body as Record<string, unknown>) : normaliseBody(req.body);
      const action = opts.extraAction !== undefined && body.action === opts.extraAction ? opts.extraAction : actionOf(body);
      if (action === 'quit') return quit(req, res);
      const state = await stateFor(req, res, { editableOnly: true });
      if (!state) return;
      if (opts.applies && !opts.applies(state)) return res.redirect(303, paths.employee.application);
      await handle(state, body, action as Exclude<Action, 'quit'> | A, req, res);
    };
  }

  const common = (state: FormState, req: Request) => ({
    application: state.ctx.application,
    returnTo: returnToOf(req.method === 'GET' ? req.query.returnTo : (req.body as Record<string, unknown>)?.returnTo),
  });

  // -------------------------------------------------------------------------------------------------------------
  // Task list (and the read-only page once submitted)

  const showTaskList: RequestHandler = async (req, res) => {
    const state = await stateFor(req, res);
    if (!state) return;
    const comment = await lastReturnComment(db, state.ctx.application.id);
    res.render('application-form/task-list.njk', {
      state,
      application: state.ctx.application,
      company: { name: state.ctx.account.companyName, keyName: state.ctx.key.name },
      sections: state.sections.map((s) => ({ ...s, href: SECTION_PATHS[s.id] })),
      doneCount: state.sections.filter((s) => s.status === 'completed').length,
      showIntro: !state.ctx.form.firstSavedAt,
      maxBytes,
      returnedComment: state.ctx.application.status === 'returned' && comment ? { text: comment.comment, by: comment.actorType, at: comment.at } : null,
    });
  };

  const showBeforeYouStart: RequestHandler = (_req, res) => {
    res.render('application-form/before-you-start.njk', { maxBytes });
  };
  const showFaq: RequestHandler = (_req, res) => {
    res.render('application-form/faq.njk');
  };
  const showLeft: RequestHandler = (_req, res) => {
    res.render('application-form/left.njk');
  };

  // -------------------------------------------------------------------------------------------------------------
  // Company (read-only, from the key and the BC)

  const showCompany: RequestHandler = async (req, res) => {
    const state = await stateFor(req, res);
    if (!state) return;
    const review = reviewFromState(state, req.lang, tFor(req.lang), { timeZone: config.timeZone, now: clock.now() });
    res.render('application-form/company.njk', { ...common(state, req), rows: review.sections.find((s) => s.id === 'company')?.rows ?? [] });
  };

  // -------------------------------------------------------------------------------------------------------------
  // Priority

  const renderPriority = (
    res: Response,
    state: FormState,
    req: Request,
    values: { priority: string; urgentTermsAccepted: string },
    errors: FormErrors | null,
  ) => {
    res.status(errors ? 400 : 200).render('application-form/priority.njk', {
      ...common(state, req),
      canChoose: canChoosePriority(state.ctx) && state.editable,
      values,
      errors,
      urgentFee: config.urgentFeeEur,
    });
  };

  const showPriority: RequestHandler = async (req, res) => {
    const state = await stateFor(req, res);
    if (!state) return;
    const saved = state.ctx.form.priority;
    renderPriority(
      res,
      state,
      req,
      {
        priority: saved?.priority ?? (canChoosePriority(state.ctx) ? '' : state.ctx.application.priority),
        urgentTermsAccepted: saved?.urgentTermsAccepted ?? '',
      },
      null,
    );
  };

  const savePriority: SectionSave = async (state, body, action, req, res) => {
    if (!canChoosePriority(state.ctx)) return res.redirect(303, afterContinue(req));
    const picked = pickPriority(body);
    const values = { priority: picked.values.priority, urgentTermsAccepted: picked.values.urgentTermsAccepted === 'yes' ? 'yes' : '' };
    const issues = action === 'continue' ? [...picked.issues, ...validatePriority(values)] : picked.issues;
    if (issues.length) return renderPriority(res, state, req, values, toFormErrors(issues));
    const now = clock.now();
    if (validatePriority(values).length === 0) await choosePriority(db, state.ctx.application.id, values, now);
    else await writeForm(db, state.ctx.application.id, now, (form) => ({ form: { ...form, priority: values } }));
    return saved(state, req, res, action, paths.employee.form.priority);
  };

  /** After Save: the message names the access key and the reference, both needed to come back; after Continue: onwards. */
  function saved(state: FormState, req: Request, res: Response, action: Action, sectionPath: string) {
    if (action === 'save') {
      setFlash(req, 'application-form:flash.saved', { keyNumber: state.ctx.key.number, reference: state.ctx.application.reference });
      const back = returnToOf((req.body as Record<string, unknown>)?.returnTo);
      return res.redirect(303, back ? `${sectionPath}?returnTo=${encodeURIComponent(back)}` : sectionPath);
    }
    setFlash(req, 'application-form:flash.sectionCompleted');
    return res.redirect(303, afterContinue(req));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Cardholder

  const renderCardholder = (res: Response, state: FormState, req: Request, values: CardholderValues, errors: FormErrors | null) => {
    const lang = req.lang;
    res.status(errors ? 400 : 200).render('application-form/cardholder.njk', {
      ...common(state, req),
      values,
      errors,
      titles: TITLES,
      countries: countryItems(lang),
      employeeNumberOptional: state.ctx.key.employeeNumberRule !== 'required',
      costCentreOptional: state.ctx.key.costCentreRule !== 'required',
    });
  };

  const showCardholder: SectionShow = (state, req, res) => renderCardholder(res, state, req, cardholderValues(state.ctx), null);

  const saveCardholder: SectionSave = async (state, body, action, req, res) => {
    const picked = pickCardholder(body);
    if (picked.issues.length) return renderCardholder(res, state, req, picked.values, toFormErrors(picked.issues));
    const now = clock.now();
    if (action === 'save') {
      // The correspondence language counts once saved: every e-mail to the employee is written in it.
      const language = picked.values.correspondenceLanguage;
      await writeForm(db, state.ctx.application.id, now, (form) => ({
        form: { ...form, cardholder: picked.values },
        ...(isLanguage(language) ? { columns: { language } } : {}),
      }));
      return saved(state, req, res, action, paths.employee.form.cardholder);
    }
    const checked = validateCardholder(picked.values, state.ctx, todayIn(config.timeZone, now));
    if (checked.issues.length) return renderCardholder(res, state, req, picked.values, toFormErrors(checked.issues));
    const v = checked.values;
    await writeForm(db, state.ctx.application.id, now, (form) => ({
      form: { ...form, cardholder: v },
      // The application's own columns follow the form (lists, e-mails in the chosen language).
      columns: {
        title: v.title,
        first_name: v.firstName,
        last_name: v.lastName,
        language: isLanguage(v.correspondenceLanguage) ? v.correspondenceLanguage : state.ctx.application.language,
      },
    }));
    return saved(state, req, res, action, paths.employee.form.cardholder);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Individual payment (direct debit)

  const renderPayment = (
    res: Response,
    state: FormState,
    req: Request,
    values: { directDebit: string; iban: string; bic: string; accountHolder: string },
    errors: FormErrors | null,
  ) => {
    const p = state.ctx.form.payment;
    res.status(errors ? 400 : 200).render('application-form/payment.njk', {
      ...common(state, req),
      rule: state.ctx.key.directDebitRule,
      values,
      errors,
      savedIbanLast4: p?.iban && p.ibanCheck === 'ok' ? (p.ibanLast4 ?? '') : '',
    });
  };

  const paymentApplies: Applies = (state) => hasPaymentSection(state.ctx);

  const showPayment: SectionShow = (state, req, res) => {
    const p = state.ctx.form.payment;
    // A valid IBAN is never sent back to the page (shown masked); one still to correct comes back as typed.
    const iban = p?.iban && p.ibanCheck !== 'ok' ? typedIban(deps.secrets.dataKeyring(), state.ctx.application.id, p) : '';
    renderPayment(res, state, req, { directDebit: p?.directDebit ?? '', iban, bic: p?.bic ?? '', accountHolder: p?.accountHolder ?? '' }, null);
  };

  const savePayment: SectionSave = async (state, body, action, req, res) => {
    const picked = pickPayment(body);
    const shown = { directDebit: picked.values.directDebit, iban: picked.values.iban, bic: picked.values.bic, accountHolder: picked.values.accountHolder };
    if (picked.issues.length) return renderPayment(res, state, req, shown, toFormErrors(picked.issues));
    const id = state.ctx.application.id;
    const previous = state.ctx.form.payment;
    const keepPrevious = !picked.values.iban && Boolean(previous?.iban && previous.ibanCheck === 'ok');
    const payment = {
      ...(state.ctx.key.directDebitRule === 'optional' ? { directDebit: picked.values.directDebit } : {}),
      ...paymentWithIban(deps.secrets.dataKeyring(), id, previous, picked.values.iban.replace(/\s+/g, ' '), keepPrevious),
      bic: picked.values.bic,
      accountHolder: picked.values.accountHolder,
    };
    const now = clock.now();
    if (action === 'continue') {
      const checked = validatePayment(payment, state.ctx);
      if (checked.issues.length) {
        // The IBAN field keeps what was typed; a saved valid one stays masked.
        return renderPayment(
          res,
          { ...state, ctx: { ...state.ctx, form: { ...state.ctx.form, payment: keepPrevious ? previous : undefined } } },
          req,
          shown,
          toFormErrors(checked.issues),
        );
      }
      await writeForm(db, id, now, (form) => ({ form: { ...form, payment: checked.values } }));
    } else {
      await writeForm(db, id, now, (form) => ({ form: { ...form, payment } }));
    }
    return saved(state, req, res, action, paths.employee.form.payment);
  };

  // -------------------------------------------------------------------------------------------------------------
  // PIN (never sent back to a page, never logged: fields are always rendered empty)

  const renderPin = (res: Response, state: FormState, req: Request, errors: FormErrors | null) => {
    res.status(errors ? 400 : 200).render('application-form/pin.njk', { ...common(state, req), pinChosen: state.pinChosen, errors });
  };

  const showPin: SectionShow = (state, req, res) => renderPin(res, state, req, null);

  const savePin: SectionSave = async (state, body, action, req, res) => {
    const typed = typeof body.pin === 'string' && body.pin.trim() !== '';
    const typedAgain = typeof body.pinConfirmation === 'string' && body.pinConfirmation.trim() !== '';
    if (!typed && !typedAgain) {
      // Nothing typed: Save keeps things as they are; Continue needs a PIN unless one was chosen before.
      if (action === 'continue' && !state.pinChosen) return renderPin(res, state, req, formErrors([{ field: 'pin', key: 'pin:errors.required' }]));
      return saved(state, req, res, action, paths.employee.form.pin);
    }
    const result = await choosePin(deps, state.ctx, body.pin, body.pinConfirmation, clock.now());
    if (!result.ok) return renderPin(res, state, req, formErrors([{ field: result.field, key: result.key }]));
    return saved(state, req, res, action, paths.employee.form.pin);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Supporting documents

  const renderDocuments = async (res: Response, state: FormState, req: Request, errors: FormErrors | null, status?: number, kind = '') => {
    res.status(status ?? (errors ? 400 : 200)).render('application-form/documents.njk', {
      ...common(state, req),
      documents: state.documents,
      required: state.requiredDocumentKinds,
      kinds: DOCUMENT_KINDS,
      kind,
      errors,
      maxBytes,
    });
  };

  const showDocuments: SectionShow = (state, req, res) => renderDocuments(res, state, req, null);

  /** multer with its limits; an oversized file or a second file gets the documents page with the reason, nothing stored. */
  const receiveFile: RequestHandler = async (req, res, next) => {
    const refused = await readMultipart(upload.single('file'), req, res);
    if (refused) {
      const tooLarge = refused.code === 'LIMIT_FILE_SIZE';
      const key = tooLarge ? 'documents:errors.tooLarge' : 'application-form:documents.errors.oneFile';
      const state = await stateFor(req, res, { editableOnly: true });
      if (state) await renderDocuments(res, state, req, formErrors([{ field: 'file', key, params: { maxBytes } }]), tooLarge ? 413 : 400);
      return;
    }
    next();
  };

  const uploadFile: RequestHandler = async (req, res) => {
    const state = await stateFor(req, res, { editableOnly: true });
    if (!state) return;
    const body = req.body as Record<string, unknown>;
    const kind = typeof body.kind === 'string' ? body.kind : '';
    const issues: Issue[] = [];
    if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) issues.push({ field: 'kind', key: 'documents:errors.kind' });
    if (!req.file || req.file.fieldname !== 'file') issues.push({ field: 'file', key: 'documents:errors.required' });
    if (issues.length || !req.file) return renderDocuments(res, state, req, toFormErrors(issues), 400, kind);
    const result = await uploadDocument(deps, state.ctx.application.id, { kind, buffer: req.file.buffer, originalName: req.file.originalname }, clock.now());
    if (!result.ok) {
      req.log?.info({ reason: result.key }, 'document refused');
      return renderDocuments(res, state, req, formErrors([{ field: 'file', key: result.key, ...(result.params ? { params: result.params } : {}) }]), 400, kind);
    }
    setFlash(req, 'application-form:documents.flash.added', { name: result.document.originalName });
    const back = returnToOf(body.returnTo);
    res.redirect(303, back ? `${paths.employee.form.documents}?returnTo=${encodeURIComponent(back)}` : paths.employee.form.documents);
  };

  const removeDocument: RequestHandler = async (req, res) => {
    const state = await stateFor(req, res, { editableOnly: true });
    if (!state) return;
    const documentId = Number(req.params.id);
    const doc = state.documents.find((d) => d.id === documentId);
    if (!Number.isSafeInteger(documentId) || !doc) throw new NotFoundError('document');
    await removeOwnDocument(db, state.ctx.application.id, documentId, clock.now());
    setFlash(req, 'application-form:documents.flash.removed', { name: doc.originalName });
    const back = returnToOf((req.body as Record<string, unknown>).returnTo);
    res.redirect(303, back ? `${paths.employee.form.documents}?returnTo=${encodeURIComponent(back)}` : paths.employee.form.documents);
  };

  const downloadDocument: RequestHandler = async (req, res) => {
    const id = req.session?.applicationId;
    if (!id) return res.redirect(303, paths.employee.entry);
    const documentId = Number(req.params.id);
    if (!Number.isSafeInteger(documentId)) throw new NotFoundError('document');
    const { headers, stream } = await ownDocument(deps, db, id, documentId);
    res.set(headers);
    streamToResponse(stream, res, (err) => req.log?.error({ err, applicationId: id, documentId }, 'document stream failed'));
  };

  const saveDocuments: SectionSave = async (state, _body, action, req, res) => {
    if (action === 'continue') {
      const issues = state.sections.find((s) => s.id === 'documents')?.issues ?? [];
      if (issues.length) return renderDocuments(res, state, req, toFormErrors(issues));
    }
    return saved(state, req, res, action, paths.employee.form.documents);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Additional approval

  const renderApproval = (
    res: Response,
    state: FormState,
    req: Request,
    values: { approverName: string; approverEmail: string; approverLanguage: string },
    errors: FormErrors | null,
    status?: number,
  ) => {
    res.status(status ?? (errors ? 400 : 200)).render('application-form/approval.njk', { ...common(state, req), values, errors, approval: state.approval });
  };

  const showApproval: SectionShow = (state, req, res) => renderApproval(res, state, req, approverValues(state.ctx), null);

  const saveApproval: SectionSave<'send'> = async (state, body, action, req, res) => {
    const picked = pickApprover(body);
    if (picked.issues.length) return renderApproval(res, state, req, picked.values, toFormErrors(picked.issues));
    const id = state.ctx.application.id;
    const now = clock.now();
    if (action === 'save') {
      await writeForm(db, id, now, (form) => ({ form: { ...form, approver: picked.values } }));
      return saved(state, req, res, action, paths.employee.form.approval);
    }
    const checked = validateApprover(picked.values, [state.ctx.application.email, cardholderValues(state.ctx).businessEmail ?? '']);
    if (checked.issues.length) return renderApproval(res, state, req, picked.values, toFormErrors(checked.issues));
    if (action === 'send') {
      try {
        await requestApproval(deps, id, { ...checked.values, approverLanguage: checked.values.approverLanguage as Language }, now);
      } catch (err) {
        if (err instanceof ApprovalRequestRefused) return renderApproval(res, state, req, picked.values, formErrors([{ field: 'send', key: err.key }]), 429);
        throw err;
      }
      req.log?.info({ applicationId: id }, 'additional approval requested');
      setFlash(req, 'application-form:approval.flash.sent', { email: checked.values.approverEmail });
      const back = returnToOf(body.returnTo);
      return res.redirect(303, back ? `${paths.employee.form.approval}?returnTo=${encodeURIComponent(back)}` : paths.employee.form.approval);
    }
    await writeForm(db, id, now, (form) => ({ form: { ...form, approver: checked.values } }));
    const after = await employeeForm(db, id, stateOpts(req));
    const issues = after?.sections.find((s) => s.id === 'approval')?.issues ?? [];
    if (after && issues.length) return renderApproval(res, after, req, picked.values, toFormErrors(issues.map((i) => ({ ...i, href: '#send' }))));
    return saved(state, req, res, 'continue', paths.employee.form.approval);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Terms

  const renderTerms = (res: Response, state: FormState, req: Request, errors: FormErrors | null, status?: number) => {
    res.status(status ?? (errors ? 400 : 200)).render('application-form/terms.njk', {
      ...common(state, req),
      terms: termsForPage(state.terms.current),
      accepted: state.terms.accepted?.isCurrent ? state.terms.accepted : null,
      errors,
    });
  };

  const showTerms: SectionShow = (state, req, res) => renderTerms(res, state, req, null);

  const saveTerms: SectionSave = async (state, body, action, req, res) => {
    const ticked = body.accept === 'yes';
    const termsId = Number(body.termsId);
    if (ticked && !state.terms.accepted?.isCurrent) {
      const ok = Number.isSafeInteger(termsId) && (await acceptTerms(db, state.ctx, termsId, clock.now()));
      if (!ok) {
        const fresh = await stateFor(req, res);
        if (!fresh) return;
        return renderTerms(res, fresh, req, formErrors([{ field: 'accept', key: 'application-form:terms.errors.changed' }]), 409);
      }
    } else if (action === 'continue' && !ticked && !state.terms.accepted?.isCurrent) {
      return renderTerms(
        res,
        state,
        req,
        formErrors([
          { field: 'accept', key: state.terms.current ? 'application-form:terms.fields.accept.errors.required' : 'application-form:terms.errors.unavailable' },
        ]),
      );
    }
    return saved(state, req, res, action, paths.employee.form.terms);
  };

  // -------------------------------------------------------------------------------------------------------------
  // Review ("check your answers")

  const showReview: RequestHandler = async (req, res) => {
    const state = await stateFor(req, res);
    if (!state) return;
    const review = reviewFromState(state, req.lang, tFor(req.lang), { timeZone: config.timeZone, now: clock.now() });
    const incomplete = review.sections.filter((s) => !s.complete);
    const errors: FormErrors | null =
      state.editable && incomplete.length
        ? {
            fieldErrors: {},
            summary: incomplete.map((s) => ({ key: 'application-form:review.sectionIncomplete', params: { section: s.title }, href: `#section-${s.id}` })),
          }
        : null;
    res.render('application-form/review.njk', { application: state.ctx.application, review, editable: state.editable, errors });
  };

  router.get(paths.employee.application, showTaskList);
  router.get(paths.employee.beforeYouStart, showBeforeYouStart);
  router.get(paths.employee.faq, showFaq);
  router.get(paths.employee.left, showLeft);
  router.get(paths.employee.form.company, showCompany);
  router.route(paths.employee.form.priority).get(showPriority).post(sectionForm(savePriority));
  router.route(paths.employee.form.cardholder).get(sectionPage(showCardholder)).post(sectionForm(saveCardholder));
  router
    .route(paths.employee.form.payment)
    .get(sectionPage(showPayment, paymentApplies))
    .post(sectionForm(savePayment, { applies: paymentApplies }));
  router
    .route(paths.employee.form.pin)
    .get(sectionPage(showPin, inSections('pin')))
    .post(sectionForm(savePin, { applies: inSections('pin'), rawBody: true }));
  router.get(paths.employee.form.documents, sectionPage(showDocuments));
  router.post(paths.employee.form.upload, receiveFile, verifyCsrf, uploadFile);
  router.post(paths.employee.form.removeDocument(), removeDocument);
  router.get(paths.employee.form.document(), downloadDocument);
  router.post(paths.employee.form.documents, sectionForm(saveDocuments));
  router
    .route(paths.employee.form.approval)
    .get(sectionPage(showApproval, inSections('approval')))
    .post(sectionForm(saveApproval, { applies: inSections('approval'), extraAction: 'send' }));
  router.route(paths.employee.form.terms).get(sectionPage(showTerms)).post(sectionForm(saveTerms));
  router.get(paths.employee.review, showReview);
  router.use(backToTaskListWhenNotEditable);

  return router;
}
