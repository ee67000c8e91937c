import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';

/**
 * Runs a multer middleware (`upload.single('file')`) as a promise: resolved once the multipart body is parsed,
 * rejected with multer's error. The upload routes await it, turn multer's own refusals (too large, a second file)
 * into their page, and let anything else go to the error page.
 */
export function parseUpload(multerMiddleware: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void multerMiddleware(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  });
}

/**
 * Parses the multipart body and returns multer's own refusal (a file too large, too many files, a field too long) for
 * the page to word, or null when the body was read. Anything else (a broken stream…) goes to the error page.
 */
export async function readMultipart(multerMiddleware: RequestHandler, req: Request, res: Response): Promise<multer.MulterError | null> {
  try {
    await parseUpload(multerMiddleware, req, res);
    return null;
  } catch (err) {
    if (!(err instanceof multer.MulterError)) throw err;
    req.log?.info({ code: err.code, field: err.field, path: req.path }, 'upload refused by multer');
    return err;
  }
}
