import { Router, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { auditRequestContext } from '../../core/audit/audit';
import { formErrors, formErrorsFromZod, type FormErrors } from '../../lib/form-errors';
import { absenceSchema, toAbsenceCandidate } from './schema';
import { absencePage, cancelAbsence, setAbsence, type AbsencePage } from './service';

/**
 * My absence (out of office, issue 16 item 2): an administrator sets an absence and a delegate among the
 * administrators of their BCs, or cancels it. During it the delegate handles the absent administrator's BCs.
 */
export function absenceRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock, config } = deps;
  router.use(paths.admin.absence.show, requireAdministrator(config));

  function render(res: Response, status: number, page: AbsencePage, values: Record<string, string>, errors: FormErrors | null) {
    const delegateItems = page.delegates.map((d) => ({ value: d.id, text: `${d.displayName} (${d.email})` }));
    res.status(status).render('absence/show.njk', { ...page, delegateItems, values, errors });
  }

  const showAbsence: RequestHandler = async (req, res) => {
    const page = await absencePage(db, req.actor!, clock.now(), config.timeZone);
    const values = page.absence
      ? { startsOn: page.absence.startsOn, endsOn: page.absence.endsOn, delegateId: String(page.absence.delegateId) }
      : { startsOn: '', endsOn: '', delegateId: '' };
    render(res, 200, page, values, null);
  };

  const saveAbsence: RequestHandler = async (req, res) => {
    const now = clock.now();
    const candidate = toAbsenceCandidate(req.body as Record<string, unknown>);
    const parsed = absenceSchema.safeParse(candidate);
    if (!parsed.success) return render(res, 400, await absencePage(db, req.actor!, now, config.timeZone), candidate, formErrorsFromZod(parsed.error));
    const result = await setAbsence(db, req.actor!, parsed.data, { now, timeZone: config.timeZone, audit: auditRequestContext(req) });
    if (!result.ok) {
      return render(res, 400, await absencePage(db, req.actor!, now, config.timeZone), candidate, formErrors([{ field: result.field, key: result.message }]));
    }
    req.log?.info({ by: req.actor!.id, delegateId: parsed.data.delegateId }, 'absence set');
    setFlash(req, 'absence:flash.saved');
    res.redirect(303, paths.admin.absence.show);
  };

  const cancel: RequestHandler = async (req, res) => {
    if (await cancelAbsence(db, req.actor!, { now: clock.now(), audit: auditRequestContext(req) })) setFlash(req, 'absence:flash.cancelled');
    res.redirect(303, paths.admin.absence.show);
  };

  router.route(paths.admin.absence.show).get(showAbsence).post(saveAbsence);
  router.post(paths.admin.absence.cancel, cancel);
  return router;
}
