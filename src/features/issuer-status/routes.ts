import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { formatNumber, tFor, type Language } from '../../platform/i18n';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { verifyCsrf } from '../../middleware/csrf';
import { readMultipart } from '../../middleware/upload';
import { setFlash } from '../../middleware/flash';
import { auditRequestContext } from '../../core/audit/audit';
import { MAX_STATUS_FILE_BYTES, MAX_STATUS_ROWS, STATUS_FILE_COLUMNS, StatusFileRefused } from '../../core/issuer-status/file';
import type { CheckedStatusRow } from '../../core/issuer-status/import';
import { errorText } from '../../core/issuer-status/report';
import { AlreadyApplied, applyStatusFile, cleanFileName, previewStatusFile, receiveStatusFile } from './service';

/** The upload's path, for MULTIPART_PATHS in app.ts (multer, then verifyCsrf). */
export const ISSUER_STATUS_UPLOAD_PATH = /^\/platform\/issuer-status$/;

/** Rows listed on the preview: every refused line first (up to this many), then the others. */
const PREVIEW_ROWS = 200;

function actorId(req: Request): number {
  return (req.actor as { id: number }).id;
}

/** The card's status file from the issuer: upload, preview with each line's result, apply (platform administrators). */
export function issuerStatusRoutes(deps: Deps): Router {
  const router = Router();
  const platformOnly = [requireAdministrator(deps.config), requirePlatformAdministrator];
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_STATUS_FILE_BYTES, files: 1, fields: 3, parts: 4, fieldSize: 1024, headerPairs: 50 },
    defParamCharset: 'utf8',
  });

  const renderStart = (res: Response, status: number, errors: FormErrors | null) => {
    res.status(status).render('issuer-status/start.njk', {
      errors,
      columns: STATUS_FILE_COLUMNS,
      maxRows: MAX_STATUS_ROWS,
      maxBytes: MAX_STATUS_FILE_BYTES,
    });
  };
  const fileError = (key: string, params: Record<string, string | number> = {}) => formErrors([{ field: 'file', key, params }]);

  const showStart: RequestHandler = (_req, res) => renderStart(res, 200, null);

  const receiveFile: RequestHandler = async (req, res, next) => {
    const refused = await readMultipart(upload.single('file'), req, res);
    if (refused) {
      const tooLarge = refused.code === 'LIMIT_FILE_SIZE';
      return renderStart(
        res,
        tooLarge ? 413 : 400,
        fileError(tooLarge ? 'issuer-status:file.tooLarge' : 'issuer-status:file.oneFile', { maxBytes: MAX_STATUS_FILE_BYTES }),
      );
    }
    next();
  };

  const uploadFile: RequestHandler = async (req, res) => {
    if (!req.file || req.file.fieldname !== 'file') return renderStart(res, 400, fileError('issuer-status:file.noFile'));
    let token: string;
    try {
      token = await receiveStatusFile(deps, actorId(req), { buffer: req.file.buffer, name: cleanFileName(req.file.originalname) }, deps.clock.now());
    } catch (err) {
      if (!(err instanceof StatusFileRefused)) throw err;
      req.log?.info({ reason: err.key }, 'issuer status file refused');
      const params = Object.fromEntries(Object.entries(err.params).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(req.lang, v) : v]));
      return renderStart(res, 400, fileError(err.key, params));
    }
    res.redirect(303, paths.platform.issuerStatus.preview(token));
  };

  const rowView = (lang: Language) => (r: CheckedStatusRow) => ({
    line: r.line,
    reference: r.reference,
    status: r.status,
    date: r.date,
    outcome: r.outcome,
    to: r.to ?? null,
    errors: r.errors.map((e) => ({ column: e.column, text: errorText(tFor(lang), e) })),
  });

  const renderPreview = async (req: Request, res: Response, status: number, errors: FormErrors | null) => {
    const token = String(req.params.token);
    const { upload: up, rows, counts } = await previewStatusFile(deps, actorId(req), token);
    const refused = rows.filter((r) => r.outcome === 'refused');
    const others = rows.filter((r) => r.outcome !== 'refused');
    const shown = [...refused.slice(0, PREVIEW_ROWS), ...others.slice(0, Math.max(0, PREVIEW_ROWS - refused.length))];
    res.status(status).render('issuer-status/preview.njk', {
      errors,
      upload: { token: up.token, fileName: up.fileName, createdAt: up.createdAt, consumedAt: up.consumedAt, applied: up.result !== null },
      counts,
      rows: shown.map(rowView(req.lang)),
      notShown: rows.length - shown.length,
    });
  };

  const showPreview: RequestHandler = (req, res) => renderPreview(req, res, 200, null);

  const apply: RequestHandler = async (req, res) => {
    const token = String(req.params.token);
    try {
      const counts = await applyStatusFile(deps, actorId(req), token, deps.clock.now(), auditRequestContext(req));
      req.log?.info({ ...counts }, 'issuer status file applied');
      setFlash(req, 'issuer-status:preview.appliedFlash', { applied: counts.applied, already: counts.already, refused: counts.refused });
    } catch (err) {
      if (!(err instanceof AlreadyApplied)) throw err;
      return renderPreview(req, res, 409, formErrors([{ field: 'summary', key: 'issuer-status:preview.alreadyApplied', href: '#summary' }]));
    }
    res.redirect(303, paths.platform.issuerStatus.preview(token));
  };

  router
    .route(paths.platform.issuerStatus.start)
    .get(...platformOnly, showStart)
    .post(...platformOnly, receiveFile, verifyCsrf, uploadFile);
  router.get(paths.platform.issuerStatus.preview(), ...platformOnly, showPreview);
  router.post(paths.platform.issuerStatus.apply(), ...platformOnly, apply);
  return router;
}
