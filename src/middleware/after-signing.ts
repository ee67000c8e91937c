import type { RequestHandler } from 'express';
import { paths } from '../platform/paths';
import { setFlash } from './flash';

/** `/application/signed/<version>/pdf`: a signed version's PDF. */
const SIGNED_PDF = /^\/application\/signed\/\d+\/pdf$/;
/** A request for information, its answer and its documents (issue 14 part 3): an application awaiting approval is signed. */
const INFORMATION_REQUEST = /^\/application\/information-requests\/\d+(\/answer|\/attachments\/\d+)?$/;

/** The employee's complaints about their application (filing, reading the answer, saying it does not satisfy). */
const COMPLAINTS = /^\/application\/complaints\/(new|\d+(\/dissatisfied|\/documents\/\d+)?)$/;

/**
 * What a session may still open once its application has been signed in it (SECURITY.md: signing ends the session):
 * the status page, the signing confirmation, the signed PDFs, "Quit", the requests for information (reading one,
 * answering it, its documents) and the complaints. A replayed signing form still reaches its own handler, which answers
 * that the application is already signed.
 */
function allowedAfterSigning(method: string, path: string): boolean {
  if (COMPLAINTS.test(path)) return true;
  if (method === 'POST') return path === paths.employee.signing.code || path === paths.employee.signOut || INFORMATION_REQUEST.test(path);
  return (
    path === paths.employee.status ||
    path === paths.employee.signing.signed ||
    path === paths.employee.signOut ||
    path === paths.employee.left ||
    SIGNED_PDF.test(path) ||
    INFORMATION_REQUEST.test(path)
  );
}

/**
 * After signing, the employee's session is reduced to the status page and the signed PDF: the form pages, the documents
 * and the signing steps send back to the status page with a message saying why. To change a returned application, the
 * employee signs in again with their reference and access key (the status page links to it).
 */
export function afterSigningScope(): RequestHandler {
  return function afterSigning(req, res, next) {
    const path = req.path;
    const employeePage = path === paths.employee.application || path.startsWith(`${paths.employee.application}/`);
    if (!req.session?.signedOnly || !employeePage) return next();
    if (allowedAfterSigning(req.method, path)) return next();
    setFlash(req, 'status-page:afterSigning', {}, 'info');
    res.redirect(303, paths.employee.status);
  };
}
