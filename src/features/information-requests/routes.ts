import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { addDays } from '../../lib/time-zone';
import { todayIn } from '../../lib/today';
import { ConflictError } from '../../lib/errors';
import { formErrors, normaliseBody, type FormErrors } from '../../lib/form-errors';
import { requireAdministrator } from '../../middleware/auth';
import { verifyCsrf } from '../../middleware/csrf';
import { setFlash } from '../../middleware/flash';
import { readMultipart } from '../../middleware/upload';
import { auditRequestContext } from '../../core/audit/audit';
import { ANSWER_WITHIN_DAYS, REQUESTED_DOCUMENTS } from '../../core/information-requests/information-requests';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../../core/threads/threads';
import { ANSWER_FILE_FIELDS, parseAnswerForm, parseRequestForm } from './schema';
import {
  answerRequest,
  applicationToAsk,
  askAgain,
  attachmentForAdministrator,
  attachmentForEmployee,
  closeRequest,
  createRequest,
  requestForAdministrator,
  requestForEmployee,
} from './service';

/** The employee's answer (multipart): listed in app.ts MULTIPART_PATHS; multer then verifyCsrf mount here. */
export const INFORMATION_REQUEST_ANSWER_PATH = /^\/application\/information-requests\/\d+\/answer$/;

/** A positive integer id from the URL, or undefined (the route then passes, ending in the 404 page). */
function idParam(value: unknown): number | undefined {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 && String(id) === value ? id : undefined;
}

function documentsOf(value: unknown): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).filter((v): v is string => typeof v === 'string');
}

/**
 * Requests for information (issue 14 part 3). Administrators: ask from an application page, read the thread, close or
 * ask again, download the documents. The employee (key + reference session): read a request of their application,
 * answer it with a message and documents, download them.
 */
export function informationRequestRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db, clock } = deps;
  const requireAdmin = requireAdministrator(config);
  const tz = config.timeZone;
  const maxBytes = config.documentMaxBytes;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.documentMaxBytes, files: MAX_ATTACHMENTS_PER_MESSAGE, fields: 4, parts: 12, fieldSize: 64 * 1024, headerPairs: 50 },
    defParamCharset: 'utf8',
  });

  /** The answer date's bounds for the date field: tomorrow to today + 60 days. */
  const dateBounds = () => {
    const today = todayIn(tz, clock.now());
    return { min: addDays(today, 1), max: addDays(today, ANSWER_WITHIN_DAYS), defaultDate: addDays(today, 14) };
  };

  // ---- Administrators ----------------------------------------------------------------------------------------

  const showCreate: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const application = await applicationToAsk(db, req.actor!, id);
    const bounds = dateBounds();
    res.render('information-requests/new.njk', {
      application,
      values: { message: '', documents: [], answerBy: bounds.defaultDate },
      bounds,
      documents: REQUESTED_DOCUMENTS,
      errors: null,
    });
  };

  const create: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const actor = req.actor!;
    const application = await applicationToAsk(db, actor, id);
    const body = normaliseBody(req.body);
    const now = clock.now();
    const parsed = parseRequestForm(body, now, tz);
    if (!parsed.ok) {
      return res.status(400).render('information-requests/new.njk', {
        application,
        values: { message: body.message ?? '', documents: documentsOf(body.documents), answerBy: body.answerBy ?? '' },
        bounds: dateBounds(),
        documents: REQUESTED_DOCUMENTS,
        errors: parsed.errors,
      });
    }
    const created = await createRequest(db, deps, id, { actor, input: parsed.value, ctx: { now, timeZone: tz, audit: auditRequestContext(req) } });
    req.log?.info({ applicationId: id, informationRequestId: created.id }, 'information request created');
    setFlash(req, 'information-requests:flash.created', { reference: created.reference });
    res.redirect(303, paths.admin.informationRequests.show(created.id));
  };

  async function renderAdminRequest(
    req: Request,
    res: Response,
    id: number,
    form: { values: Record<string, unknown>; errors: FormErrors | null },
    status = 200,
  ) {
    const page = await requestForAdministrator(db, req.actor!, id, { now: clock.now(), audit: auditRequestContext(req) });
    res.status(status).render('information-requests/admin-show.njk', {
      ...page,
      bounds: dateBounds(),
      documents: REQUESTED_DOCUMENTS,
      values: form.values,
      errors: form.errors,
      overdue: page.request.status === 'open' && page.request.answerBy < todayIn(tz, clock.now()),
    });
  }

  const showAdminRequest: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    await renderAdminRequest(req, res, id, { values: { message: '', documents: [], answerBy: dateBounds().defaultDate }, errors: null });
  };

  const close: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const closed = await closeRequest(db, req.actor!, id, { now: clock.now(), audit: auditRequestContext(req) });
    setFlash(req, 'information-requests:flash.closed', { reference: closed.reference });
    res.redirect(303, paths.admin.informationRequests.show(id));
  };

  const ask: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const body = normaliseBody(req.body);
    const now = clock.now();
    const parsed = parseRequestForm(body, now, tz);
    if (!parsed.ok) {
      const values = { message: body.message ?? '', documents: documentsOf(body.documents), answerBy: body.answerBy ?? '' };
      return renderAdminRequest(req, res, id, { values, errors: parsed.errors }, 400);
    }
    await askAgain(db, deps, id, { actor: req.actor!, input: parsed.value, ctx: { now, timeZone: tz, audit: auditRequestContext(req) } });
    setFlash(req, 'information-requests:flash.askedAgain');
    res.redirect(303, paths.admin.informationRequests.show(id));
  };

  const downloadForAdmin: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    const attachmentId = idParam(req.params.attachmentId);
    if (!id || !attachmentId) return next();
    const file = await attachmentForAdministrator(db, deps, req.actor!, id, attachmentId, { now: clock.now(), audit: auditRequestContext(req) });
    res.set(file.headers).send(file.content);
  };

  // ---- The employee ------------------------------------------------------------------------------------------

  /** The session's application id, or a redirect to the entry page. */
  function sessionApplication(req: Request, res: Response): number | undefined {
    const applicationId = req.session?.applicationId;
    if (!applicationId) res.redirect(303, paths.employee.entry);
    return applicationId;
  }

  async function renderEmployeeRequest(res: Response, applicationId: number, id: number, form: { message: string; errors: FormErrors | null }, status = 200) {
    const page = await requestForEmployee(db, applicationId, id);
    const kinds = [...new Set([...page.request.documents, 'other'])];
    res.status(status).render('information-requests/employee-show.njk', {
      ...page,
      fileFields: ANSWER_FILE_FIELDS.filter((f) => kinds.includes(f.kind)),
      maxBytes,
      values: { message: form.message },
      errors: form.errors,
    });
  }

  const showEmployeeRequest: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const applicationId = sessionApplication(req, res);
    if (!applicationId) return;
    await renderEmployeeRequest(res, applicationId, id, { message: '', errors: null });
  };

  /** multer with its limits; an oversized file or too many files get the request page with the reason, nothing stored. */
  const receiveFiles: RequestHandler = async (req, res, next) => {
    const refused = await readMultipart(upload.fields(ANSWER_FILE_FIELDS.map((f) => ({ name: f.field, maxCount: 1 }))), req, res);
    if (refused) {
      const id = idParam(req.params.id);
      const applicationId = sessionApplication(req, res);
      if (!id || !applicationId) return;
      const tooLarge = refused.code === 'LIMIT_FILE_SIZE';
      const field = refused.field && ANSWER_FILE_FIELDS.some((f) => f.field === refused.field) ? refused.field : 'message';
      const key = tooLarge ? 'documents:errors.tooLarge' : 'information-requests:answer.errors.files';
      return renderEmployeeRequest(res, applicationId, id, { message: '', errors: formErrors([{ field, key, params: { maxBytes } }]) }, tooLarge ? 413 : 400);
    }
    next();
  };

  const answer: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    if (!id) return next();
    const applicationId = sessionApplication(req, res);
    if (!applicationId) return;
    const body = normaliseBody(req.body);
    const message = typeof body.message === 'string' ? body.message.slice(0, 6000) : '';
    const parsed = parseAnswerForm(body);
    if (!parsed.ok) return renderEmployeeRequest(res, applicationId, id, { message, errors: parsed.errors }, 400);
    const uploaded = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
    const files = ANSWER_FILE_FIELDS.flatMap((f) =>
      (uploaded[f.field] ?? []).map((file) => ({ field: f.field, kind: f.kind, buffer: file.buffer, originalName: file.originalname })),
    );
    try {
      const result = await answerRequest(
        db,
        deps,
        applicationId,
        id,
        { message: parsed.message, files },
        { now: clock.now(), timeZone: tz, audit: auditRequestContext(req) },
      );
      if (!result.ok) {
        req.log?.info({ reason: result.key }, 'information request answer refused');
        return renderEmployeeRequest(
          res,
          applicationId,
          id,
          { message, errors: formErrors([{ field: result.field, key: result.key, ...(result.params ? { params: result.params } : {}) }]) },
          400,
        );
      }
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      return renderEmployeeRequest(res, applicationId, id, { message, errors: formErrors([{ field: 'message', key: err.messageKey }]) }, 409);
    }
    req.log?.info({ applicationId, informationRequestId: id, files: files.length }, 'information request answered');
    setFlash(req, 'information-requests:flash.answered');
    res.redirect(303, paths.employee.informationRequests.show(id));
  };

  const downloadForEmployee: RequestHandler = async (req, res, next) => {
    const id = idParam(req.params.id);
    const attachmentId = idParam(req.params.attachmentId);
    if (!id || !attachmentId) return next();
    const applicationId = sessionApplication(req, res);
    if (!applicationId) return;
    const file = await attachmentForEmployee(db, deps, applicationId, id, attachmentId);
    res.set(file.headers).send(file.content);
  };

  router.route(paths.admin.informationRequests.create()).get(requireAdmin, showCreate).post(requireAdmin, create);
  router.get(paths.admin.informationRequests.show(), requireAdmin, showAdminRequest);
  router.post(paths.admin.informationRequests.close(), requireAdmin, close);
  router.post(paths.admin.informationRequests.askAgain(), requireAdmin, ask);
  router.get(paths.admin.informationRequests.attachment(), requireAdmin, downloadForAdmin);
  router.get(paths.employee.informationRequests.show(), showEmployeeRequest);
  router.post(paths.employee.informationRequests.answer(), receiveFiles, verifyCsrf, answer);
  router.get(paths.employee.informationRequests.attachment(), downloadForEmployee);

  return router;
}
