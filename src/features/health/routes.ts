import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';

/** /healthz: the process answers. /readyz: the database answers too. */
export function healthRoutes(deps: Deps): Router {
  const router = Router();
  const alive: RequestHandler = (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  };

  const ready: RequestHandler = async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      await deps.db.raw('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  };

  router.get(paths.health, alive);
  router.get(paths.ready, ready);

  return router;
}
