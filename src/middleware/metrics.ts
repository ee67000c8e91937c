import type { RequestHandler } from 'express';
import type { Metrics } from '../platform/metrics';

/**
 * Times every request into the `sesame_http_request_duration_seconds` histogram, labelled with the method, the route
 * pattern that answered (`/admin/applications/:id`, never the URL itself: no ids, no personal data, a bounded number of
 * series) and the status. A request no route answered is labelled `unmatched`.
 */
export function httpMetrics(metrics: Pick<Metrics, 'httpDuration'>): RequestHandler {
  return function timeRequest(req, res, next) {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const pattern = req.route?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
