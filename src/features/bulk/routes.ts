import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../platform/deps';
import { tFor } from '../../platform/i18n';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import { requireAdministrator } from '../../middleware/auth';
import { verifyCsrf } from '../../middleware/csrf';
import { setFlash } from '../../middleware/flash';
import { readMultipart } from '../../middleware/upload';
import { paths } from '../../platform/paths';
import type { Priority } from '../../core/application/create';
import { auditRequestContext } from '../../core/audit/audit';
import { COLUMN_KEYS, MANDATORY_COLUMNS } from './columns';
import { MAX_DATA_ROWS, MAX_FILE_BYTES } from './parse';
import { UploadRefused } from './upload-refused';
import type { BulkKey } from './repository';
import {
  AlreadyValidated,
  BulkRefused,
  UrgentTermsRequired,
  changePriorities,
  checkUpload,
  cleanFileName,
  isDuplicate,
  isKeyExpired,
  keyForBulk,
  priorityOf,
  receiveUpload,
  uploadFor,
  validateUpload,
  type BulkActor,
  type PriorityChanges,
} from './service';
import { XLSX_CONTENT_TYPE, columnLabel, rejectedWorkbook, templateWorkbook } from './workbooks';

/** Upload path pattern, for MULTIPART_PATHS in app.ts (the only multipart route of this feature). */
export const BULK_UPLOAD_PATH = /^\/admin\/access-keys\/\d+\/bulk$/;

const PREVIEW_PAGE_SIZE = 100;

function actorOf(req: Request): BulkActor {
  return req.actor as BulkActor;
}

function attachment(res: Response, fileName: string, body: Buffer): void {
  res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('Content-Security-Policy', 'sandbox');
  res.send(body);
}

export function bulkRoutes(deps: Deps): Router {
  const router = Router();
  const admin = requireAdministrator(deps.config);
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 4, parts: 5, fieldSize: 1024, headerPairs: 50 },
    defParamCharset: 'utf8',
  });

  const startModel = (key: BulkKey, errors?: FormErrors) => ({
    key,
    expired: isKeyExpired(key, deps.config.timeZone, deps.clock.now()),
    columns: COLUMN_KEYS.map((k) => ({ key: k, mandatory: MANDATORY_COLUMNS.includes(k) })),
    maxRows: MAX_DATA_ROWS,
    maxBytes: MAX_FILE_BYTES,
    errors: errors ?? null,
  });

  const showStart: RequestHandler = async (req, res) => {
    const key = await keyForBulk(deps, actorOf(req), Number(req.params.keyId));
    res.render('bulk/start.njk', startModel(key));
  };

  const renderUploadError = async (req: Request, res: Response, status: number, key: string, params: Record<string, string | number> = {}) => {
    const bulkKey = await keyForBulk(deps, actorOf(req), Number(req.params.keyId));
    res.status(status).render('bulk/start.njk', startModel(bulkKey, formErrors([{ field: 'file', key, params }])));
  };

  /** 404 for another BC's key before reading any upload body. */
  const checkKey: RequestHandler = async (req, _res, next) => {
    await keyForBulk(deps, actorOf(req), Number(req.params.keyId));
    next();
  };

  /** multer with its limits; a file over 5 MB or a second file gets the upload page with the reason, nothing kept. */
  const receiveFile: RequestHandler = async (req, res, next) => {
    const refused = await readMultipart(upload.single('file'), req, res);
    if (refused) {
      const tooLarge = refused.code === 'LIMIT_FILE_SIZE';
      return renderUploadError(req, res, tooLarge ? 413 : 400, tooLarge ? 'bulk:upload.errors.tooLarge' : 'bulk:upload.errors.oneFile', {
        maxBytes: MAX_FILE_BYTES,
      });
    }
    next();
  };

  const uploadFile: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const key = await keyForBulk(deps, actor, Number(req.params.keyId));
    if (!req.file || req.file.fieldname !== 'file') return renderUploadError(req, res, 400, 'bulk:upload.errors.noFile');
    const t = tFor(req.lang);
    let id: number;
    try {
      id = await receiveUpload(deps, actor, key, { buffer: req.file.buffer, name: cleanFileName(req.file.originalname) }, deps.clock.now());
    } catch (err) {
      if (err instanceof UploadRefused) {
        req.log?.info({ reason: err.key }, 'bulk upload refused');
        const columns = err.columns.map((k) => columnLabel(t, k)).join(', ');
        return renderUploadError(req, res, 400, err.key, { ...err.params, columns, maxBytes: MAX_FILE_BYTES });
      }
      if (err instanceof BulkRefused) return renderUploadError(req, res, 409, err.key, err.params);
      throw err;
    }
    res.redirect(303, paths.admin.bulk.preview(id));
  };

  const renderPreview = async (req: Request, res: Response, status: number, errors?: FormErrors) => {
    const actor = actorOf(req);
    const { upload: up, key } = await uploadFor(deps, actor, Number(req.params.id));
    const now = deps.clock.now();
    const checked = await checkUpload(deps.db, up, now, deps.config.timeZone);
    const invalid = checked.filter((r) => !r.application);
    const valid = checked.filter((r) => r.application);
    const ordered = [...invalid, ...valid];
    const pageCount = Math.max(1, Math.ceil(ordered.length / PREVIEW_PAGE_SIZE));
    const requested = Number(typeof req.query.page === 'string' ? req.query.page : 1);
    const page = Math.min(Math.max(1, Number.isSafeInteger(requested) ? requested : 1), pageCount);
    const shown = ordered.slice((page - 1) * PREVIEW_PAGE_SIZE, page * PREVIEW_PAGE_SIZE).map((r) => ({
      n: r.n,
      firstName: r.v[COLUMN_KEYS.indexOf('firstName')] ?? '',
      lastName: r.v[COLUMN_KEYS.indexOf('lastName')] ?? '',
      email: r.v[COLUMN_KEYS.indexOf('email')] ?? '',
      valid: Boolean(r.application),
      errors: r.errors.map((e) => ({ column: e.column ?? null, key: e.key, params: e.params ?? {} })),
      priority: priorityOf(up.priorities, r.n),
    }));
    res.status(status).render('bulk/preview.njk', {
      upload: {
        id: up.id,
        fileName: up.fileName,
        fileType: up.fileType,
        createdAt: up.createdAt,
        consumedAt: up.consumedAt,
        batchId: up.batchId,
        ignoredColumns: up.ignoredColumns,
      },
      key,
      counts: {
        total: checked.length,
        valid: valid.length,
        rejected: invalid.length,
        duplicates: checked.filter(isDuplicate).length,
        urgent: valid.filter((r) => priorityOf(up.priorities, r.n) === 'urgent').length,
      },
      rows: shown,
      page,
      pageCount,
      pages: Array.from({ length: pageCount }, (_v, i) => ({ page: i + 1, href: `${paths.admin.bulk.preview(up.id)}?page=${i + 1}`, current: i + 1 === page })),
      pageSize: PREVIEW_PAGE_SIZE,
      from: ordered.length ? (page - 1) * PREVIEW_PAGE_SIZE + 1 : 0,
      to: Math.min(page * PREVIEW_PAGE_SIZE, ordered.length),
      urgentFeeEur: deps.config.urgentFeeEur,
      errors: errors ?? null,
      urgentTermsChecked: req.method === 'POST' && (req.body as Record<string, unknown>)?.urgentTerms === 'yes',
    });
  };

  const showPreview: RequestHandler = (req, res) => renderPreview(req, res, 200);

  const priorityChanges = (body: Record<string, unknown>): PriorityChanges => {
    const rows: Record<string, Priority> = Object.create(null);
    for (const [name, value] of Object.entries(body)) {
      const m = /^priority-(\d{1,7})$/.exec(name);
      if (m && (value === 'normal' || value === 'urgent')) rows[String(Number(m[1]))] = value;
    }
    const setAll = body.setAll === 'normal' || body.setAll === 'urgent' ? body.setAll : undefined;
    return { rows, ...(setAll ? { setAll } : {}) };
  };

  const submitPreview: RequestHandler = async (req, res) => {
    const actor = actorOf(req);
    const id = Number(req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const changes = priorityChanges(body);
    const page = typeof body.page === 'string' && /^\d{1,5}$/.test(body.page) ? Number(body.page) : 1;
    try {
      if (body.action === 'validate') {
        const result = await validateUpload(
          deps,
          actor,
          id,
          { ...changes, urgentTermsAccepted: body.urgentTerms === 'yes' },
          deps.clock.now(),
          auditRequestContext(req),
        );
        req.log?.info({ batchId: result.batchId, created: result.created, rejected: result.rejected }, 'bulk batch initiated');
        setFlash(req, 'bulk:preview.validated', { created: result.created, rejected: result.rejected, count: result.created });
        return res.redirect(303, paths.admin.batches.show(result.batchId));
      }
      const { upload: up } = await uploadFor(deps, actor, id);
      if (up.consumedAt) throw new AlreadyValidated(up.batchId);
      await changePriorities(deps, up, changes);
      setFlash(req, 'bulk:preview.prioritiesSaved');
      return res.redirect(303, `${paths.admin.bulk.preview(id)}?page=${page}`);
    } catch (err) {
      if (err instanceof UrgentTermsRequired) {
        return renderPreview(req, res, 400, formErrors([{ field: 'urgentTerms', key: 'bulk:preview.errors.urgentTerms' }]));
      }
      if (err instanceof AlreadyValidated) {
        return renderPreview(req, res, 409, formErrors([{ field: 'summary', key: 'bulk:preview.errors.alreadyValidated', href: '#summary' }]));
      }
      if (err instanceof BulkRefused) {
        return renderPreview(req, res, 409, formErrors([{ field: 'summary', key: err.key, params: err.params, href: '#summary' }]));
      }
      throw err;
    }
  };

  const downloadTemplate: RequestHandler = (req, res) => {
    const t = tFor(req.lang);
    attachment(res, `${t('bulk:template.fileName')}.xlsx`, templateWorkbook(t));
  };

  const downloadRejected: RequestHandler = async (req, res) => {
    const { upload: up } = await uploadFor(deps, actorOf(req), Number(req.params.id));
    const t = tFor(req.lang);
    const checked = await checkUpload(deps.db, up, deps.clock.now(), deps.config.timeZone);
    attachment(
      res,
      `${t('bulk:rejected.fileName')}-${up.id}.xlsx`,
      rejectedWorkbook(
        t,
        checked.filter((r) => !r.application),
      ),
    );
  };

  router.get(paths.admin.bulk.template, admin, downloadTemplate);
  router.route(paths.admin.bulk.start()).get(admin, showStart).post(admin, checkKey, receiveFile, verifyCsrf, uploadFile);
  router.route(paths.admin.bulk.preview()).get(admin, showPreview).post(admin, submitPreview);
  router.get(paths.admin.bulk.rejected(), admin, downloadRejected);
  return router;
}
