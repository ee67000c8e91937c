import type { RequestHandler, Router } from 'express';

/** What the wrapper reads of an Express 5 router's layers (router 2.x: `stack`, `route.path`). */
interface RouterLayer {
  route?: { path?: unknown };
}

/** The fixed start of a route's path: up to its first parameter or pattern ('/admin/keys/:id/edit' → '/admin/keys/'). */
function fixedStart(path: string): string {
  const at = path.search(/[:*({]/);
  return (at < 0 ? path : path.slice(0, at)).toLowerCase();
}

/**
 * A feature's router, entered only by requests whose path starts as one of its routes' paths does (case-insensitively,
 * as Express matches). Every feature router is mounted at the root, so without this each request walks the routes of
 * every feature before its own (a not-found page, every one: about 180 pattern matches). A router with any layer that
 * is not a route with a path string (`router.use(…)`, a pattern) is returned as it is. The starts are read on the
 * first request, when the router's routes are all declared.
 */
export function enteredOnlyForItsPaths(router: Router): RequestHandler {
  let starts: string[] | null | undefined;
  return function featureRouter(req, res, next) {
    if (starts === undefined) {
      const stack = (router as unknown as { stack: RouterLayer[] }).stack;
      const paths = stack.map((layer) => layer.route?.path);
      starts = paths.every((p): p is string => typeof p === 'string') ? [...new Set(paths.map(fixedStart))] : null;
    }
    if (starts) {
      const path = req.path.toLowerCase();
      if (!starts.some((start) => path.startsWith(start))) return next();
    }
    return router(req, res, next);
  };
}
