import crypto from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import type { Metrics } from '../../platform/metrics';
import { paths } from '../../platform/paths';
import { scrape } from './service';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameToken(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * /metrics (Prometheus text format), restricted more than the health endpoints: with METRICS_TOKEN, only to
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); without it, not served in production (404) and, elsewhere,
 * only to a client on this machine (the socket's address, never X-Forwarded-For).
 */
export function metricsRoutes(deps: Deps, metrics: Metrics): Router {
  const router = Router();
  const token = deps.config.metricsToken;

  const allowed = (req: Request): 'ok' | 'unauthorised' | 'hidden' => {
    if (token) {
      const header = req.get('authorization') ?? '';
      const given = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      return given && sameToken(given, token) ? 'ok' : 'unauthorised';
    }
    if (deps.config.isProduction) return 'hidden';
    return LOOPBACK.has(req.socket.remoteAddress ?? '') ? 'ok' : 'hidden';
  };

  const expose: RequestHandler = async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const access = allowed(req);
    if (access === 'hidden') return res.status(404).type('text/plain').send('Not found');
    if (access === 'unauthorised') return res.status(401).setHeader('WWW-Authenticate', 'Bearer').type('text/plain').send('Unauthorized');
    const { contentType, body } = await scrape(deps.db, metrics, deps.clock.now());
    res.setHeader('Content-Type', contentType);
    res.send(body);
  };

  router.get(paths.metrics, expose);
  return router;
}
