import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator } from '../../middleware/auth';

/** `/` and `/admin` lead administrators to their first tab. */
export function adminHomeRoutes(deps: Deps): Router {
  const router = Router();
  const toFirstTab: RequestHandler = (_req, res) => {
    res.redirect(303, paths.admin.accessKeys.list);
  };

  router.get([paths.home, paths.admin.home], requireAdministrator(deps.config), toFirstTab);

  return router;
}
