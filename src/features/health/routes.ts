import { Router } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';

/** /healthz: the process answers. /readyz: the database answers too. */
export function healthRoutes(deps: Deps): Router {
  const router = Router();
  router.get(paths.health, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get(paths.ready, async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      await deps.db.raw('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
