import { Router, type RequestHandler } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator } from '../../middleware/auth';
import { parseSearch } from './schema';
import { RESULTS_SHOWN, searchApplications } from './service';

/** The search box of every administrator page (a GET form, no JavaScript): results, or the one application found. */
export function searchRoutes(deps: Deps): Router {
  const router = Router();
  const { config, db } = deps;

  const search: RequestHandler = async (req, res) => {
    const { query, errors } = parseSearch(req.query);
    if (errors) return res.status(400).render('search/results.njk', { q: query.q, errors, rows: [], more: false, limit: RESULTS_SHOWN });
    const started = process.hrtime.bigint();
    const { rows, more } = await searchApplications(db, req.actor!, query);
    req.log?.info({ results: rows.length, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'application search');
    // Exactly one: straight to its page.
    if (rows.length === 1 && !more) return res.redirect(303, paths.admin.applications.show(rows[0]!.id));
    res.render('search/results.njk', { q: query.q, errors: null, rows, more, limit: RESULTS_SHOWN });
  };

  router.get(paths.admin.search, requireAdministrator(config), search);
  return router;
}
