import type { Request, RequestHandler, Response } from 'express';

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
