import { Router } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator } from '../../middleware/auth';

/** `/` and `/admin` lead administrators to their first tab. */
export function adminHomeRoutes(deps: Deps): Router {
  const router = Router();
  router.get([paths.home, paths.admin.home], requireAdministrator(deps.config), (_req, res) => {
    res.redirect(303, paths.admin.accessKeys.list);
  });
  return router;
}
