import { Router, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import { verifyCsrf } from '../../middleware/csrf';
import { readMultipart } from '../../middleware/upload';
import { MAX_VERIFY_BYTES, verifyCopy, type VerifyOutcome } from './service';

/** The upload's path, for MULTIPART_PATHS in app.ts (multer, then verifyCsrf). */
export const VERIFY_UPLOAD_PATH = /^\/verify$/;

const MAX_MB = MAX_VERIFY_BYTES / 1024 / 1024;

/** Verify a copy (public): upload a PDF, learn whether it is a signed original archived by Sésame. */
export function verifyRoutes(deps: Deps): Router {
  const router = Router();
  // Memory storage: the upload is never written to disk, and dropped with the request.
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_VERIFY_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 1024, headerPairs: 50 },
  });

  const render = (res: Response, status: number, errors: FormErrors | null, result: VerifyOutcome | null) => {
    res.status(status).render('verify/page.njk', { errors, result, maxMb: MAX_MB });
  };
  const fileError = (key: string) => formErrors([{ field: 'file', key, params: { maxMb: MAX_MB } }]);

  const showPage: RequestHandler = (_req, res) => render(res, 200, null, null);

  const receiveFile: RequestHandler = async (req, res, next) => {
    const refused = await readMultipart(upload.single('file'), req, res);
    if (refused) {
      const tooLarge = refused.code === 'LIMIT_FILE_SIZE';
      return render(res, tooLarge ? 413 : 400, fileError(tooLarge ? 'verify:errors.tooLarge' : 'verify:errors.oneFile'), null);
    }
    next();
  };

  const check: RequestHandler = async (req, res) => {
    if (!req.file || req.file.fieldname !== 'file' || req.file.size === 0) return render(res, 400, fileError('verify:errors.noFile'), null);
    const outcome = await verifyCopy(deps, { pdf: req.file.buffer, ip: req.ip ?? '', now: deps.clock.now() });
    req.log?.info({ outcome: outcome.kind }, 'copy verified');
    if (outcome.kind === 'throttled') return render(res, 429, fileError('verify:errors.tooMany'), null);
    if (outcome.kind === 'notPdf') return render(res, 400, fileError('verify:errors.notPdf'), null);
    render(res, 200, null, outcome);
  };

  router.route(paths.verify).get(showPage).post(receiveFile, verifyCsrf, check);
  return router;
}
