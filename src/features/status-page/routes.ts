import { Router } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { statusPage } from './service';

/** The employee's status page, in the session bound to their application (key + reference). */
export function statusPageRoutes(deps: Deps): Router {
  const router = Router();
  const { db } = deps;

  router.get(paths.employee.status, async (req, res, next) => {
    try {
      const id = req.session?.applicationId;
      if (!id) return res.redirect(303, paths.employee.entry);
      const page = await statusPage(db, id);
      if (!page) return req.session.destroy((err) => (err ? next(err) : res.redirect(303, paths.employee.entry)));
      res.render('status-page/show.njk', {
        ...page,
        signatures: page.signatures.map((s) => ({ ...s, href: paths.employee.signedPdf(s.version) })),
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
