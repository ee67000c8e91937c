import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../platform/deps';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { NotFoundError } from '../../lib/errors';
import { auditRequestContext } from '../../core/audit/audit';
import { formErrorsFromZod, type FormErrors } from '../../lib/form-errors';
import { AUDIENCES, helpEntrySchema, helpEntryValues, toHelpEntryCandidate } from './schema';
import { createHelpEntry, editHelpEntry, getHelpEntry, helpEntriesForEditing, helpPage, moveHelpEntry, removeHelpEntry } from './service';

const idSchema = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const directionSchema = z.enum(['up', 'down']);

/**
 * Help & contacts (SPEC §5, seed 000): a public page (only public contact information) that employees and visitors see
 * with the cardholders' entries and administrators with every entry; the platform administrator edits the directory.
 */
export function helpRoutes(deps: Deps): Router {
  const router = Router();
  const { db, clock } = deps;
  const platformOnly = [requireAdministrator(deps.config), requirePlatformAdministrator];

  async function loadEntry(rawId: unknown) {
    const id = idSchema.safeParse(rawId);
    const entry = id.success ? await getHelpEntry(db, id.data) : undefined;
    if (!entry) throw new NotFoundError('help entry');
    return entry;
  }

  function renderForm(res: Response, status: number, model: { id: number | null; values: Record<string, unknown>; errors: FormErrors | null }) {
    res.status(status).render('help/form.njk', {
      ...model,
      action: model.id ? paths.platform.help.edit(model.id) : paths.platform.help.create,
      audiences: AUDIENCES,
    });
  }

  const showHelp: RequestHandler = async (req: Request, res) => {
    res.render('help/show.njk', await helpPage(db, { administrator: Boolean(req.actor), lang: req.lang }));
  };

  const listEntries: RequestHandler = async (req, res) => {
    res.render('help/list.njk', { entries: await helpEntriesForEditing(db, req.lang) });
  };

  const showCreateForm: RequestHandler = (_req, res) => {
    renderForm(res, 200, { id: null, values: { audience: 'cardholders', highlight: false }, errors: null });
  };

  const createEntry: RequestHandler = async (req, res) => {
    const candidate = toHelpEntryCandidate(req.body as Record<string, unknown>);
    const parsed = helpEntrySchema.safeParse(candidate);
    if (!parsed.success) return renderForm(res, 400, { id: null, values: candidate, errors: formErrorsFromZod(parsed.error) });
    const id = await createHelpEntry(db, parsed.data, clock.now(), auditRequestContext(req));
    req.log?.info({ helpEntryId: id, by: req.actor?.id }, 'help entry added');
    setFlash(req, 'help:flash.created', { title: parsed.data.title[req.lang] });
    res.redirect(303, paths.platform.help.list);
  };

  const showEditForm: RequestHandler = async (req, res) => {
    const entry = await loadEntry(req.params.id);
    renderForm(res, 200, { id: entry.id, values: helpEntryValues(entry), errors: null });
  };

  const updateEntry: RequestHandler = async (req, res) => {
    const entry = await loadEntry(req.params.id);
    const candidate = toHelpEntryCandidate(req.body as Record<string, unknown>);
    const parsed = helpEntrySchema.safeParse(candidate);
    if (!parsed.success) return renderForm(res, 400, { id: entry.id, values: candidate, errors: formErrorsFromZod(parsed.error) });
    if (!(await editHelpEntry(db, entry.id, parsed.data, clock.now(), auditRequestContext(req)))) throw new NotFoundError('help entry');
    req.log?.info({ helpEntryId: entry.id, by: req.actor?.id }, 'help entry updated');
    setFlash(req, 'help:flash.updated', { title: parsed.data.title[req.lang] });
    res.redirect(303, paths.platform.help.list);
  };

  const showRemoveForm: RequestHandler = async (req, res) => {
    const entry = await loadEntry(req.params.id);
    res.render('help/remove.njk', { entry: { id: entry.id, title: entry.title[req.lang], removable: entry.removable } });
  };

  const removeEntry: RequestHandler = async (req, res) => {
    const entry = await loadEntry(req.params.id);
    const result = await removeHelpEntry(db, entry.id, clock.now(), auditRequestContext(req));
    if (result === 'gone') throw new NotFoundError('help entry');
    if (result === 'kept') return res.status(409).render('help/remove.njk', { entry: { id: entry.id, title: entry.title[req.lang], removable: false } });
    req.log?.info({ helpEntryId: entry.id, by: req.actor?.id }, 'help entry removed');
    setFlash(req, 'help:flash.removed', { title: entry.title[req.lang] });
    res.redirect(303, paths.platform.help.list);
  };

  const moveEntry: RequestHandler = async (req, res) => {
    const entry = await loadEntry(req.params.id);
    const direction = directionSchema.safeParse((req.body as Record<string, unknown> | undefined)?.direction);
    if (!direction.success) return res.redirect(303, paths.platform.help.list);
    if (await moveHelpEntry(db, entry.id, direction.data, clock.now(), auditRequestContext(req)))
      setFlash(req, `help:flash.moved.${direction.data}`, { title: entry.title[req.lang] }, 'info');
    res.redirect(303, `${paths.platform.help.list}#entry-${entry.id}`);
  };

  router.get(paths.help, showHelp);
  router.get(paths.platform.help.list, ...platformOnly, listEntries);
  router
    .route(paths.platform.help.create)
    .get(...platformOnly, showCreateForm)
    .post(...platformOnly, createEntry);
  router
    .route(paths.platform.help.edit())
    .get(...platformOnly, showEditForm)
    .post(...platformOnly, updateEntry);
  router
    .route(paths.platform.help.remove())
    .get(...platformOnly, showRemoveForm)
    .post(...platformOnly, removeEntry);
  router.post(paths.platform.help.move(), ...platformOnly, moveEntry);

  return router;
}
