import express, { type Router } from 'express';
import request from 'supertest';
import { enteredOnlyForItsPaths } from '../../src/platform/feature-router';

/** A stand-in router: records the paths it is entered with, declares the routes it is given. */
function fakeRouter(layers: Array<{ route?: { path: unknown } }>) {
  const entered: string[] = [];
  const router = Object.assign(
    (req: express.Request, _res: express.Response, next: express.NextFunction) => {
      entered.push(req.path);
      next();
    },
    { stack: layers },
  ) as unknown as Router;
  return { router, entered };
}

async function visit(router: Router, paths: string[]): Promise<void> {
  const app = express();
  app.use(enteredOnlyForItsPaths(router));
  app.use((_req, res) => res.send('end'));
  for (const p of paths) await request(app).get(p).expect(200);
}

describe('a feature router is entered only by the paths of its routes', () => {
  it('enters for its routes, whatever the case and a trailing slash, and not for others', async () => {
    const { router, entered } = fakeRouter([{ route: { path: '/admin/things' } }, { route: { path: '/admin/things/:id/edit' } }, { route: { path: '/help' } }]);
    await visit(router, ['/admin/things', '/ADMIN/Things/42/edit', '/admin/things/', '/help', '/admin/other', '/', '/helpdesk']);
    // '/helpdesk' starts as '/help' does: entered (the router itself then matches nothing); never skipped wrongly.
    expect(entered).toEqual(['/admin/things', '/ADMIN/Things/42/edit', '/admin/things/', '/help', '/helpdesk']);
  });

  it('a router with a layer that is not a route with a path string is always entered', async () => {
    const { router, entered } = fakeRouter([{ route: { path: '/admin/things' } }, {}]);
    await visit(router, ['/admin/things', '/elsewhere']);
    expect(entered).toEqual(['/admin/things', '/elsewhere']);
    const patterned = fakeRouter([{ route: { path: /^\/x/ } }]);
    await visit(patterned.router, ['/anything']);
    expect(patterned.entered).toEqual(['/anything']);
  });
});
