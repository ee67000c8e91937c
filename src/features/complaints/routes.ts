import { attachmentHeaders } from '../../lib/download';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { ZodError } from 'zod';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { formatDate, tFor } from '../../platform/i18n';
import { requireAdministrator } from '../../middleware/auth';
import { verifyCsrf } from '../../middleware/csrf';
import { setFlash } from '../../middleware/flash';
import { readMultipart } from '../../middleware/upload';
import { NotFoundError } from '../../lib/errors';
import { formErrors, formErrorsFromZod, type FormErrors } from '../../lib/form-errors';
import { buildListView, parseListQuery, type ColumnSpec, type ListSpec } from '../../lib/list-query';
import { isSpreadsheetFormat } from '../../lib/spreadsheet-export';
import { localDate } from '../../lib/time-zone';
import { auditRequestContext } from '../../core/audit/audit';
import type { Actor } from '../../core/administrators/repository';
import { COMPLAINT_CATEGORIES, COMPLAINT_STATUSES, MAX_COMPLAINT_FILES } from '../../core/complaints/complaints';
import { checkComplaintFiles, type FilesCheck, type UploadedFile } from '../../core/complaints/documents';
import type { ComplaintApplication, ComplaintScope, ComplaintSort } from '../../core/complaints/repository';
import { answerSchema, complaintSchema, extensionSchema, listFilterSchema, textFields } from './schema';
import {
  answerComplaint,
  applicationForAdminComplaint,
  applicationForEmployeeComplaint,
  closeComplaint,
  complaintDocument,
  complaintForAdmin,
  complaintForEmployee,
  complaintList,
  extendComplaint,
  fileComplaint,
  markDissatisfied,
  recordComplaintView,
  registerExport,
  startComplaint,
  type ActionResult,
  type ComplaintPage,
  type RegisterQuery,
} from './service';

/** Multipart endpoints (filing and answering, with documents): listed in app.ts MULTIPART_PATHS; multer then verifyCsrf here. */
export const COMPLAINT_UPLOAD_PATHS: RegExp[] = [
  /^\/application\/complaints\/new$/,
  /^\/admin\/applications\/\d+\/complaints\/new$/,
  /^\/admin\/complaints\/\d+\/answer$/,
];

const SORTS: readonly ComplaintSort[] = ['received', 'due', 'reference', 'status', 'category'];
const LIST_SPEC: ListSpec<ComplaintSort> = { sortable: SORTS, defaultSort: 'due', defaultDir: 'asc', pageSizes: [25, 50, 100] };
const LIST_COLUMNS: ColumnSpec[] = [
  { key: 'reference', labelKey: 'complaints:list.columns.reference' },
  { key: 'application', labelKey: 'complaints:list.columns.application', sortable: false },
  { key: 'category', labelKey: 'complaints:list.columns.category' },
  { key: 'received', labelKey: 'complaints:list.columns.received' },
  { key: 'due', labelKey: 'complaints:list.columns.due' },
  { key: 'left', labelKey: 'complaints:list.columns.left', sortable: false },
  { key: 'status', labelKey: 'complaints:list.columns.status' },
];

function idParam(value: unknown): number | undefined {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 && String(id) === value ? id : undefined;
}

const actorOf = (req: Request): Actor => req.actor as Actor;

/** The form's refusals (zod) and the files' refusal, as one list of issues in page order (fields, then documents). */
function formAndFileIssues(parsed: { success: true } | { success: false; error: ZodError }, files: FilesCheck): Parameters<typeof formErrors>[0] {
  return [
    ...(parsed.success
      ? []
      : formErrorsFromZod(parsed.error).summary.map((s) => ({ field: s.href.slice(1), key: s.key, ...(s.params ? { params: s.params } : {}) }))),
    ...(files.ok ? [] : [{ field: 'documents', key: files.key, ...(files.params ? { params: files.params } : {}) }]),
  ];
}

/**
 * Complaints (issue 14 part 2): the employee files one from their status page and reads the answer; an administrator
 * files one from an application page; the administrators of the application's BC handle them on the Complaints page.
 */
export function complaintRoutes(deps: Deps): Router {
  const router = Router();
  const { db, config, clock } = deps;
  const requireAdmin = requireAdministrator(config);
  const maxBytes = config.documentMaxBytes;
  const upload = multer({
    storage: multer.memoryStorage(),
    // The text fields may be long enough to be refused with a clear message (a 100 KB description), not by multer.
    limits: {
      fileSize: config.documentMaxBytes,
      files: MAX_COMPLAINT_FILES,
      fields: 10,
      parts: 10 + MAX_COMPLAINT_FILES,
      fieldSize: 256 * 1024,
      headerPairs: 50,
    },
    defParamCharset: 'utf8',
  });
  const categories = (req: Request) => COMPLAINT_CATEGORIES.map((c) => ({ value: c, text: tFor(req.lang)(`complaints:categories.${c}`) }));

  /** multer; its own refusals (a file too large, too many files, a field too long) become the form's error. */
  async function receive(req: Request, res: Response): Promise<FormErrors | null> {
    const refused = await readMultipart(upload.array('documents', MAX_COMPLAINT_FILES), req, res);
    if (!refused) return null;
    if (refused.code === 'LIMIT_FILE_SIZE') return formErrors([{ field: 'documents', key: 'complaints:files.errors.tooLargeAny', params: { maxBytes } }]);
    if (refused.code === 'LIMIT_FIELD_VALUE')
      return formErrors([{ field: refused.field === 'answer' ? 'answer' : 'description', key: 'complaints:files.errors.fieldTooLong' }]);
    return formErrors([{ field: 'documents', key: 'complaints:files.errors.tooMany', params: { max: MAX_COMPLAINT_FILES } }]);
  }

  /** multer, then (when multer accepted the body) the CSRF token: a refused upload only shows the form again. */
  async function receiveMultipart(req: Request, res: Response): Promise<FormErrors | null> {
    const errors = await receive(req, res);
    if (!errors) await new Promise<void>((resolve, reject) => verifyCsrf(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    return errors;
  }

  const filesOf = (req: Request) => ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({ buffer: f.buffer, originalName: f.originalname }));

  // -------------------------------------------------------------------------------------------------------------
  // Filing (employee and administrator)

  /** The filing form of an application: blank (200), or again with every reason a filing was refused (400). */
  function renderFileForm(
    req: Request,
    res: Response,
    application: ComplaintApplication,
    links: { action: string; back: string },
    refused?: { values: Record<string, string>; errors: FormErrors },
  ) {
    const form = refused ?? { values: { category: '', description: '', contactEmail: application.email }, errors: null };
    res.status(refused ? 400 : 200).render('complaints/file.njk', {
      application,
      values: form.values,
      errors: form.errors,
      ...links,
      categories: categories(req),
      maxBytes,
      maxFiles: MAX_COMPLAINT_FILES,
    });
  }
  const employeeFormLinks = { action: paths.employee.complaints.file, back: paths.employee.status };
  const adminFormLinks = (applicationId: number) => ({
    action: paths.admin.complaints.file(applicationId),
    back: paths.admin.applications.show(applicationId),
  });

  /** Parses and checks a filing; the form again (400) with every reason, or the checked input. */
  function parseFiling(
    req: Request,
    multerErrors: FormErrors | null,
  ):
    | { errors: FormErrors; values: Record<string, string> }
    | { values: Record<string, string>; input: ReturnType<typeof complaintSchema.parse>; files: UploadedFile[] } {
    const values = textFields(req.body, ['category', 'description', 'contactEmail']);
    if (multerErrors) return { errors: multerErrors, values };
    const parsed = complaintSchema.safeParse(values);
    const files = checkComplaintFiles(filesOf(req), config.documentMaxBytes);
    const issues = formAndFileIssues(parsed, files);
    if (issues.length || !parsed.success || !files.ok) return { errors: formErrors(issues), values };
    return { values, input: parsed.data, files: files.files };
  }

  async function employeeApplication(req: Request, res: Response): Promise<ComplaintApplication | undefined> {
    const id = req.session?.applicationId;
    const app = id ? await applicationForEmployeeComplaint(db, id) : undefined;
    if (!app) res.redirect(303, paths.employee.entry);
    return app;
  }

  const showEmployeeForm: RequestHandler = async (req, res) => {
    const application = await employeeApplication(req, res);
    if (!application) return;
    renderFileForm(req, res, application, employeeFormLinks);
  };

  const fileByEmployee: RequestHandler = async (req, res) => {
    const uploadErrors = await receiveMultipart(req, res);
    const application = await employeeApplication(req, res);
    if (!application) return;
    const result = parseFiling(req, uploadErrors);
    if ('errors' in result) return renderFileForm(req, res, application, employeeFormLinks, result);
    const filed = await fileComplaint(
      deps,
      { ...result.input, application, language: req.lang, filedBy: 'employee', adminId: null, files: result.files },
      clock.now(),
      auditRequestContext(req),
    );
    req.log?.info({ complaintId: filed.id, applicationId: application.id }, 'complaint filed by the employee');
    setFlash(req, 'complaints:flash.filed', { reference: filed.reference, email: result.input.contactEmail });
    res.redirect(303, paths.employee.complaints.show(filed.id));
  };

  async function adminApplication(req: Request): Promise<ComplaintApplication> {
    const id = idParam(req.params.applicationId);
    const app = id ? await applicationForAdminComplaint(db, actorOf(req), id) : undefined;
    if (!app) throw new NotFoundError('application');
    return app;
  }

  const showAdminForm: RequestHandler = async (req, res) => {
    const application = await adminApplication(req);
    renderFileForm(req, res, application, adminFormLinks(application.id));
  };

  const fileByAdmin: RequestHandler = async (req, res) => {
    const uploadErrors = await receiveMultipart(req, res);
    const application = await adminApplication(req);
    const result = parseFiling(req, uploadErrors);
    if ('errors' in result) return renderFileForm(req, res, application, adminFormLinks(application.id), result);
    const language = application.language === 'en' ? 'en' : 'fr';
    const filed = await fileComplaint(
      deps,
      { ...result.input, application, language, filedBy: 'admin', adminId: actorOf(req).id, files: result.files },
      clock.now(),
      auditRequestContext(req),
    );
    req.log?.info({ complaintId: filed.id, applicationId: application.id, by: actorOf(req).id }, 'complaint filed by an administrator');
    setFlash(req, 'complaints:flash.filed', { reference: filed.reference, email: result.input.contactEmail });
    res.redirect(303, paths.admin.complaints.show(filed.id));
  };

  // -------------------------------------------------------------------------------------------------------------
  // The employee's complaint

  async function employeeComplaint(req: Request, res: Response): Promise<ComplaintPage | undefined> {
    const applicationId = req.session?.applicationId;
    if (!applicationId) {
      res.redirect(303, paths.employee.entry);
      return undefined;
    }
    const id = idParam(req.params.id);
    const page = id ? await complaintForEmployee(db, applicationId, id, clock.now(), config.timeZone, req.lang) : undefined;
    if (!page) throw new NotFoundError('complaint');
    return page;
  }

  const showEmployeeComplaint: RequestHandler = async (req, res) => {
    const page = await employeeComplaint(req, res);
    if (page) res.render('complaints/employee.njk', { ...page });
  };

  const sayDissatisfied: RequestHandler = async (req, res) => {
    const page = await employeeComplaint(req, res);
    if (!page) return;
    const result = await markDissatisfied(db, page.application.id, page.complaint.id, clock.now(), auditRequestContext(req));
    if (!result.ok && 'gone' in result) throw new NotFoundError('complaint');
    if (!result.ok) return res.status(409).render('complaints/employee.njk', { ...page, refusal: result.key });
    req.log?.info({ complaintId: page.complaint.id }, 'complainant not satisfied with the answer');
    setFlash(req, 'complaints:flash.dissatisfied', {}, 'info');
    res.redirect(303, `${paths.employee.complaints.show(page.complaint.id)}#mediator`);
  };

  /** A document of the complaint's thread (the URL's documentId), seen through the employee's or the administrator's scope. */
  async function sendDocument(req: Request, res: Response, scope: ComplaintScope, complaintId: number): Promise<void> {
    const documentId = idParam(req.params.documentId);
    const opened = documentId ? await complaintDocument(deps, scope, complaintId, documentId, clock.now(), auditRequestContext(req)) : undefined;
    if (!opened) throw new NotFoundError('complaint document');
    res.set(opened.headers).send(opened.content);
  }

  const downloadEmployeeDocument: RequestHandler = async (req, res) => {
    const page = await employeeComplaint(req, res);
    if (!page) return;
    await sendDocument(req, res, { applicationId: page.application.id }, page.complaint.id);
  };

  // -------------------------------------------------------------------------------------------------------------
  // The administrators' register and handling

  function registerQuery(req: Request): RegisterQuery {
    const f = listFilterSchema.parse(req.query);
    const q = parseListQuery(req.query, LIST_SPEC).q;
    return { overdue: f.overdue, q, ...(f.status ? { status: f.status } : {}), ...(f.category ? { category: f.category } : {}) };
  }

  const listPage: RequestHandler = async (req, res) => {
    const query = parseListQuery(req.query, LIST_SPEC);
    const filters = registerQuery(req);
    const now = clock.now();
    const limit = query.pageSize;
    const offset = (query.page - 1) * query.pageSize;
    let { total, rows } = await complaintList(db, actorOf(req), filters, { sort: query.sort, dir: query.dir, offset, limit }, now, config.timeZone);
    if (!rows.length && total > 0 && offset >= total) {
      const last = Math.max(1, Math.ceil(total / query.pageSize));
      ({ total, rows } = await complaintList(
        db,
        actorOf(req),
        filters,
        { sort: query.sort, dir: query.dir, offset: (last - 1) * limit, limit },
        now,
        config.timeZone,
      ));
      query.page = last;
    }
    const extra = { status: filters.status, category: filters.category, overdue: filters.overdue ? 'yes' : undefined };
    const list = buildListView({ base: paths.admin.complaints.list, query, total, columns: LIST_COLUMNS, pageSizes: LIST_SPEC.pageSizes, extra });
    const exportQuery = new URLSearchParams(Object.entries({ ...extra, q: filters.q }).filter((e): e is [string, string] => Boolean(e[1]))).toString();
    res.render('complaints/list.njk', {
      list,
      rows,
      filters: { status: filters.status ?? '', category: filters.category ?? '', overdue: filters.overdue, q: filters.q },
      filtered: Boolean(filters.status || filters.category || filters.overdue || filters.q),
      statuses: COMPLAINT_STATUSES,
      categories: categories(req),
      exportHref: (format: string) => `${paths.admin.complaints.export}?format=${format}${exportQuery ? `&${exportQuery}` : ''}`,
      today: localDate(now, config.timeZone),
    });
  };

  const exportRegister: RequestHandler = async (req, res) => {
    const format = req.query.format;
    if (!isSpreadsheetFormat(format)) return res.status(400).render('errors/bad-request.njk');
    const file = await registerExport(db, actorOf(req), registerQuery(req), format, req.lang, clock.now(), config.timeZone, auditRequestContext(req));
    res.set(attachmentHeaders(file));
    res.send(file.body);
  };

  async function adminComplaint(req: Request): Promise<ComplaintPage> {
    const id = idParam(req.params.id);
    const page = id ? await complaintForAdmin(db, actorOf(req), id, clock.now(), config.timeZone, req.lang) : undefined;
    if (!page) throw new NotFoundError('complaint');
    return page;
  }

  type PanelModel = {
    extendValues?: Record<string, string>;
    extendErrors?: FormErrors | null;
    answerValues?: Record<string, string>;
    answerErrors?: FormErrors | null;
    refusal?: string;
  };

  function renderAdmin(_req: Request, res: Response, page: ComplaintPage, status = 200, model: PanelModel = {}) {
    res.status(status).render('complaints/show.njk', {
      ...page,
      extendValues: model.extendValues ?? { dueOn: page.latestExtension, reason: '' },
      extendErrors: model.extendErrors ?? null,
      answerValues: model.answerValues ?? { answer: '' },
      answerErrors: model.answerErrors ?? null,
      refusal: model.refusal ?? null,
      maxBytes,
      maxFiles: MAX_COMPLAINT_FILES,
    });
  }

  const showAdminComplaint: RequestHandler = async (req, res) => {
    const page = await adminComplaint(req);
    await recordComplaintView(db, page.complaint, clock.now(), auditRequestContext(req));
    renderAdmin(req, res, page);
  };

  /** After an action: the page again with the flash, or (refused: the state changed meanwhile) with the reason. */
  async function afterAction(req: Request, res: Response, result: ActionResult, flashKey: string, page: ComplaintPage) {
    if (!result.ok && 'gone' in result) throw new NotFoundError('complaint');
    if (!result.ok) return renderAdmin(req, res, await adminComplaint(req), 409, { refusal: result.key });
    setFlash(req, flashKey, { reference: page.complaint.reference });
    res.redirect(303, paths.admin.complaints.show(page.complaint.id));
  }

  /** An action with no form fields (take in hand, close): the service's answer, then back to the complaint. */
  const simpleAction =
    (act: typeof startComplaint, flashKey: string): RequestHandler =>
    async (req, res) => {
      const page = await adminComplaint(req);
      await afterAction(req, res, await act(db, actorOf(req), page.complaint.id, clock.now(), auditRequestContext(req)), flashKey, page);
    };
  const start = simpleAction(startComplaint, 'complaints:flash.started');
  const close = simpleAction(closeComplaint, 'complaints:flash.closed');

  const extend: RequestHandler = async (req, res) => {
    const page = await adminComplaint(req);
    const values = textFields(req.body, ['dueOn', 'reason']);
    const parsed = extensionSchema.safeParse(values);
    if (!parsed.success) return renderAdmin(req, res, page, 400, { extendValues: values, extendErrors: formErrorsFromZod(parsed.error) });
    const result = await extendComplaint(deps, actorOf(req), page.complaint.id, parsed.data, clock.now(), auditRequestContext(req));
    if (!result.ok && 'key' in result)
      return renderAdmin(req, res, page, 400, {
        extendValues: values,
        extendErrors: formErrors([{ field: 'dueOn', key: result.key, params: { date: formatDate(req.lang, page.latestExtension, config.timeZone) } }]),
      });
    await afterAction(req, res, result, 'complaints:flash.extended', page);
  };

  const answer: RequestHandler = async (req, res) => {
    const multerErrors = await receiveMultipart(req, res);
    const page = await adminComplaint(req);
    const values = textFields(req.body, ['answer']);
    if (multerErrors) return renderAdmin(req, res, page, 400, { answerValues: values, answerErrors: multerErrors });
    const parsed = answerSchema.safeParse(values);
    const files = checkComplaintFiles(filesOf(req), config.documentMaxBytes);
    const issues = formAndFileIssues(parsed, files);
    if (!parsed.success || !files.ok) return renderAdmin(req, res, page, 400, { answerValues: values, answerErrors: formErrors(issues) });
    const result = await answerComplaint(
      deps,
      actorOf(req),
      page.complaint.id,
      { answer: parsed.data.answer, files: files.files },
      clock.now(),
      auditRequestContext(req),
    );
    await afterAction(req, res, result, 'complaints:flash.answered', page);
  };

  const downloadAdminDocument: RequestHandler = async (req, res) => {
    const page = await adminComplaint(req);
    await sendDocument(req, res, { accountIds: actorOf(req).accountIds }, page.complaint.id);
  };

  router.route(paths.employee.complaints.file).get(showEmployeeForm).post(fileByEmployee);
  router.get(paths.employee.complaints.show(), showEmployeeComplaint);
  router.post(paths.employee.complaints.dissatisfied(), sayDissatisfied);
  router.get(paths.employee.complaints.document(), downloadEmployeeDocument);

  router.get(paths.admin.complaints.list, requireAdmin, listPage);
  router.get(paths.admin.complaints.export, requireAdmin, exportRegister);
  router.route(paths.admin.complaints.file()).get(requireAdmin, showAdminForm).post(requireAdmin, fileByAdmin);
  router.get(paths.admin.complaints.show(), requireAdmin, showAdminComplaint);
  router.post(paths.admin.complaints.start(), requireAdmin, start);
  router.post(paths.admin.complaints.extend(), requireAdmin, extend);
  router.post(paths.admin.complaints.answer(), requireAdmin, answer);
  router.post(paths.admin.complaints.close(), requireAdmin, close);
  router.get(paths.admin.complaints.document(), requireAdmin, downloadAdminDocument);

  return router;
}
