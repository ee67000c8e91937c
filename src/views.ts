import nunjucks from 'nunjucks';
import type { Express } from 'express';
import { VIEWS_DIR } from './root';
import { paths } from './paths';

/** Nunjucks with autoescape and throwOnUndefined; filters and globals registered here only. */
export function configureViews(app: Express | undefined, opts: { watch?: boolean } = {}): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: false, watch: opts.watch ?? false }), {
    autoescape: true,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addGlobal('paths', paths);
  env.addFilter('orEmpty', (v: unknown) => (v === null || v === undefined ? '' : v));
  env.addFilter('json', (v: unknown) => JSON.stringify(v));
  if (app) {
    env.express(app);
    app.set('view engine', 'njk');
  }
  return env;
}
