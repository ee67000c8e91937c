import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { mailHealth } from '../../core/outbox/delivery';

/**
 * /healthz: the process answers. /readyz: the database answers too (503 otherwise); `degraded` (still 200, so the
 * instance stays in rotation) with the reason when e-mail delivery has been failing for more than 15 minutes
 * (core/outbox/delivery.ts mailHealth).
 */
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
    } catch {
      return res.status(503).json({ status: 'unavailable' });
    }
    const mail = await mailHealth(deps.db, deps.clock.now()).catch((err: unknown) => {
      deps.logger.warn({ err }, 'mail health unavailable');
      return { ok: true } as const;
    });
    if (!mail.ok) return res.json({ status: 'degraded', reason: mail.reason, failing: mail.failing, failingSince: mail.failingSince });
    res.json({ status: 'ready' });
  };

  router.get(paths.health, alive);
  router.get(paths.ready, ready);

  return router;
}
