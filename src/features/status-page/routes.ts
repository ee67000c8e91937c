import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { destroySession } from '../../middleware/session';
import { statusComplaints, statusPage } from './service';

/** The employee's status page, in the session bound to their application (key + reference). */
export function statusPageRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock, config } = deps;

  const showStatus: RequestHandler = async (req, res) => {
    const id = req.session?.applicationId;
    if (!id) return res.redirect(303, paths.employee.entry);
    const page = await statusPage(db, id);
    if (!page) {
      await destroySession(req);
      return res.redirect(303, paths.employee.entry);
    }
    res.render('status-page/show.njk', {
      ...page,
      // A session in which the application was signed shows its status only: changing it means signing in again.
      signInAgainHref: req.session.signedOnly ? `${paths.employee.entry}?ref=${encodeURIComponent(page.application.reference)}` : null,
      signatures: page.signatures.map((s) => ({ ...s, href: paths.employee.signedPdf(s.version) })),
      informationRequests: page.informationRequests.map((r) => ({ ...r, href: paths.employee.informationRequests.show(r.id) })),
      complaints: await statusComplaints(db, id, clock.now(), config.timeZone),
    });
  };

  router.get(paths.employee.status, showStatus);

  return router;
}
