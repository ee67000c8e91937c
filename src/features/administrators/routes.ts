import { Router, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { NotFoundError } from '../../lib/errors';
import { auditRequestContext } from '../../core/audit/audit';
import { formErrors, formErrorsFromZod, type FormErrors } from '../../lib/form-errors';
import { administratorCreateSchema, administratorUpdateSchema, LANGUAGES, ROLES, toAdministratorCandidate } from './schema';
import type { Administrator } from '../../core/administrators/repository';
import {
  accountChoices,
  createAdministrator,
  deactivateAdministrator,
  getAdministrator,
  listAllAdministrators,
  managedAccountIds,
  reactivateAdministrator,
  updateAdministrator,
} from './service';

/** Platform administrator: the administrators, their role and language, and which BCs each one manages. */
export function administratorRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock, sessionStore } = deps;
  const platformOnly = [requireAdministrator(deps.config), requirePlatformAdministrator];

  const loadAdministrator = async (id: string | string[] | undefined): Promise<Administrator> => {
    const n = Number(id);
    const admin = Number.isSafeInteger(n) && n > 0 ? await getAdministrator(db, n) : undefined;
    if (!admin) throw new NotFoundError('administrator');
    return admin;
  };

  const renderForm = async (
    res: Response,
    status: number,
    model: { administrator: Administrator | null; values: Record<string, unknown>; errors: FormErrors | null; isSelf: boolean },
  ) => {
    const values = { ...model.values, accountIds: ((model.values.accountIds as unknown[]) ?? []).map(String) };
    res.status(status).render('administrators/form.njk', {
      ...model,
      values,
      action: model.administrator ? paths.platform.administrators.edit(model.administrator.id) : paths.platform.administrators.create,
      accounts: await accountChoices(db),
      roles: ROLES,
      languages: LANGUAGES,
    });
  };

  const listAll: RequestHandler = async (req, res) => {
    res.render('administrators/list.njk', { administrators: await listAllAdministrators(db), actorId: req.actor?.id });
  };

  const showCreateForm: RequestHandler = async (_req, res) => {
    await renderForm(res, 200, { administrator: null, values: { role: 'admin', language: 'fr', accountIds: [] }, errors: null, isSelf: false });
  };

  const createOne: RequestHandler = async (req, res) => {
    const candidate = toAdministratorCandidate(req.body as Record<string, unknown>);
    const parsed = administratorCreateSchema.safeParse(candidate);
    const base = { administrator: null, values: candidate, isSelf: false };
    if (!parsed.success) return renderForm(res, 400, { ...base, errors: formErrorsFromZod(parsed.error) });
    const result = await createAdministrator(db, parsed.data, clock.now(), auditRequestContext(req));
    if (!result.ok) return renderForm(res, 400, { ...base, errors: formErrors(result.issues) });
    req.log?.info({ administratorId: result.id, by: req.actor?.id }, 'administrator added');
    setFlash(req, 'administrators:flash.created', { name: parsed.data.displayName });
    res.redirect(303, paths.platform.administrators.list);
  };

  const showEditForm: RequestHandler = async (req, res) => {
    const administrator = await loadAdministrator(req.params.id);
    const values = {
      displayName: administrator.displayName,
      role: administrator.role,
      language: administrator.language,
      accountIds: await managedAccountIds(db, administrator.id),
    };
    await renderForm(res, 200, { administrator, values, errors: null, isSelf: administrator.id === req.actor?.id });
  };

  const updateOne: RequestHandler = async (req, res) => {
    const administrator = await loadAdministrator(req.params.id);
    const candidate = toAdministratorCandidate(req.body as Record<string, unknown>);
    const parsed = administratorUpdateSchema.safeParse(candidate);
    const base = { administrator, values: candidate, isSelf: administrator.id === req.actor?.id };
    if (!parsed.success) return renderForm(res, 400, { ...base, errors: formErrorsFromZod(parsed.error) });
    const result = await updateAdministrator(db, req.actor?.id as number, administrator.id, parsed.data, clock.now(), auditRequestContext(req));
    if (!result.ok) return renderForm(res, 400, { ...base, errors: formErrors(result.issues) });
    req.log?.info({ administratorId: administrator.id, by: req.actor?.id }, 'administrator updated');
    setFlash(req, 'administrators:flash.updated', { name: parsed.data.displayName });
    res.redirect(303, paths.platform.administrators.list);
  };

  const showDeactivateForm: RequestHandler = async (req, res) => {
    const administrator = await loadAdministrator(req.params.id);
    res.render('administrators/deactivate.njk', { administrator, isSelf: administrator.id === req.actor?.id });
  };

  const deactivate: RequestHandler = async (req, res) => {
    const target = await loadAdministrator(req.params.id);
    const { administrator } = await deactivateAdministrator(db, sessionStore, req.actor?.id as number, target.id, clock.now(), auditRequestContext(req));
    req.log?.info({ administratorId: administrator.id, by: req.actor?.id }, 'administrator deactivated');
    setFlash(req, 'administrators:flash.deactivated', { name: administrator.displayName });
    res.redirect(303, paths.platform.administrators.list);
  };

  const reactivate: RequestHandler = async (req, res) => {
    const target = await loadAdministrator(req.params.id);
    const { administrator } = await reactivateAdministrator(db, target.id, clock.now(), auditRequestContext(req));
    req.log?.info({ administratorId: administrator.id, by: req.actor?.id }, 'administrator reactivated');
    setFlash(req, 'administrators:flash.reactivated', { name: administrator.displayName });
    res.redirect(303, paths.platform.administrators.list);
  };

  router.get(paths.platform.administrators.list, ...platformOnly, listAll);
  router
    .route(paths.platform.administrators.create)
    .get(...platformOnly, showCreateForm)
    .post(...platformOnly, createOne);
  router
    .route(paths.platform.administrators.edit())
    .get(...platformOnly, showEditForm)
    .post(...platformOnly, updateOne);
  router
    .route(paths.platform.administrators.deactivate())
    .get(...platformOnly, showDeactivateForm)
    .post(...platformOnly, deactivate);
  router.post(paths.platform.administrators.reactivate(), ...platformOnly, reactivate);

  return router;
}
