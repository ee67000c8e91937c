import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Deps } from '../../platform/deps';
import { isLanguage, LANGUAGES, type Language } from '../../platform/i18n';
import { paths } from '../../platform/paths';
import { requireAdministrator, requirePlatformAdministrator } from '../../middleware/auth';
import { setFlash } from '../../middleware/flash';
import { NotFoundError } from '../../lib/errors';
import type { FormErrors } from '../../lib/form-errors';
import { auditRequestContext } from '../../core/audit/audit';
import { createEmailRenderer, MAIL_HTML_CSP, type RenderedEmail } from '../../core/outbox/render';
import { sampleValue } from '../../core/outbox/catalogue';
import type { EditableTemplate } from '../../core/outbox/defaults';
import {
  BODY_MAX,
  checkDraft,
  createDefaultsCache,
  editorState,
  normaliseDraft,
  renderPreview,
  resetTemplate,
  saveTemplate,
  SUBJECT_MAX,
  templateStatuses,
  type DraftProblem,
  type EditorState,
} from './service';

declare module 'express-session' {
  interface SessionData {
    /** The last draft previewed in the template editor, for its HTML preview URL (never saved by itself). */
    emailTemplateDraft?: { template: string; lang: Language; subject: string; body: string };
  }
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * E-mail templates (SPEC §4.1). Every administrator sees the list (read-only: which e-mails exist, in which
 * languages, edited or default); only the platform administrator opens the editor: edit subject and body with the
 * documented variables beside, preview on sample data, save (refused with the errors when the template does not
 * compile or render), reset to the default.
 */
export function emailTemplateRoutes(deps: Deps): Router {
  const router = Router();
  const { db, config, clock } = deps;
  const renderer = createEmailRenderer({ baseUrl: config.publicBaseUrl });
  const defaultsOf = createDefaultsCache(renderer);
  const anyAdministrator = requireAdministrator(config);
  const platformOnly = [anyAdministrator, requirePlatformAdministrator];

  async function loadState(req: Request): Promise<EditorState> {
    const template = String(req.params.template ?? '');
    const lang = String(req.params.lang ?? '');
    const state = isLanguage(lang) ? await editorState(db, defaultsOf, template, lang) : undefined;
    if (!state) throw new NotFoundError('e-mail template');
    return state;
  }

  /** All the problems in the summary (each linking to its field), the first of each field inline. */
  function problemsToErrors(problems: DraftProblem[], t: Translate): FormErrors {
    const out: FormErrors = { fieldErrors: {}, summary: [] };
    for (const p of problems) {
      const where =
        p.field === 'subject'
          ? t('email-templates:errors.where.subject')
          : typeof p.params.line === 'number'
            ? t('email-templates:errors.where.line', { line: p.params.line })
            : t('email-templates:errors.where.body');
      const fe = { key: p.key, params: { ...p.params, where } };
      out.fieldErrors[p.field] ??= fe;
      out.summary.push({ ...fe, href: `#${p.field}` });
    }
    return out;
  }

  function renderEditor(
    res: Response,
    status: number,
    model: { state: EditorState; values: EditableTemplate; errors: FormErrors | null; preview: RenderedEmail | null; previewOfDraft: boolean },
  ) {
    const { state } = model;
    res.status(status).render('email-templates/edit.njk', {
      entry: state.entry,
      language: state.language,
      values: model.values,
      errors: model.errors,
      preview: model.preview,
      previewOfDraft: model.previewOfDraft,
      previewHtmlHref: `${paths.admin.emailTemplates.previewHtml(state.entry.template, state.language)}${model.previewOfDraft ? '?draft=1' : ''}`,
      edited: state.override !== null,
      override: state.override,
      limits: { subject: SUBJECT_MAX, body: BODY_MAX },
      variables: state.entry.variables.map((v) => ({
        token: `{{ ${v.name} }}`,
        name: v.name,
        kind: v.kind,
        sample: v.name.startsWith('links.') ? (renderer.linksFor(state.entry.template, {})[v.name.slice(6)] ?? '') : String(sampleValue(v, state.language)),
      })),
      ifExample: { open: '{% if awaitingAdditionalApproval %}', close: '{% endif %}', otherwise: '{% else %}', not: '{% if not termsVersion %}' },
      otherLanguages: LANGUAGES.filter((l) => l !== state.language).map((l) => ({ lang: l, href: paths.admin.emailTemplates.edit(state.entry.template, l) })),
      actions: {
        save: paths.admin.emailTemplates.edit(state.entry.template, state.language),
        preview: paths.admin.emailTemplates.preview(state.entry.template, state.language),
        reset: paths.admin.emailTemplates.reset(state.entry.template, state.language),
      },
    });
  }

  const listTemplates: RequestHandler = async (req, res) => {
    const statuses = await templateStatuses(db, renderer, defaultsOf);
    res.render('email-templates/list.njk', {
      canEdit: Boolean(req.actor?.isPlatform),
      templates: statuses.map((s) => ({
        template: s.entry.template,
        number: s.entry.number,
        recipient: s.entry.recipient,
        subjects: s.languages.map((l) => ({
          language: l.language,
          subject: renderPreview(
            renderer,
            s.entry,
            l.language,
            l.override && l.valid
              ? {
                  ...defaultsOf(s.entry, l.language),
                  ...(l.override.subject !== null ? { subject: l.override.subject } : {}),
                  ...(l.override.body !== null ? { body: l.override.body } : {}),
                }
              : null,
          ).subject,
        })),
        languages: s.languages.map((l) => ({
          language: l.language,
          state: !l.override ? 'default' : l.valid ? 'edited' : 'invalid',
          updatedAt: l.override?.updatedAt ?? null,
          updatedBy: l.override?.updatedByName ?? null,
          editHref: paths.admin.emailTemplates.edit(s.entry.template, l.language),
        })),
      })),
    });
  };

  const showEditor: RequestHandler = async (req, res) => {
    const state = await loadState(req);
    renderEditor(res, 200, {
      state,
      values: state.current,
      errors: null,
      preview: renderPreview(renderer, state.entry, state.language, state.current),
      previewOfDraft: false,
    });
  };

  /** The submitted draft, checked; when it has problems the editor is shown again with them (400) and `refused` is true. */
  async function checkedDraft(req: Request, res: Response) {
    const state = await loadState(req);
    const draft = normaliseDraft(req.body as Record<string, unknown>);
    const problems = checkDraft(renderer, state.entry, state.language, draft);
    if (problems.length) {
      renderEditor(res, 400, { state, values: draft, errors: problemsToErrors(problems, res.locals.t as Translate), preview: null, previewOfDraft: false });
    }
    return { state, draft, refused: problems.length > 0 };
  }

  const previewDraft: RequestHandler = async (req, res) => {
    const { state, draft, refused } = await checkedDraft(req, res);
    if (refused) return;
    req.session.emailTemplateDraft = { template: state.entry.template, lang: state.language, ...draft };
    renderEditor(res, 200, { state, values: draft, errors: null, preview: renderPreview(renderer, state.entry, state.language, draft), previewOfDraft: true });
  };

  const saveDraft: RequestHandler = async (req, res) => {
    const { state, draft, refused } = await checkedDraft(req, res);
    if (refused) return;
    const outcome = await saveTemplate(db, { state, draft, adminId: req.actor?.id as number, audit: auditRequestContext(req), now: clock.now() });
    delete req.session.emailTemplateDraft;
    req.log?.info({ template: state.entry.template, language: state.language, by: req.actor?.id, outcome }, 'e-mail template saved');
    setFlash(req, outcome === 'default' ? 'email-templates:flash.savedAsDefault' : 'email-templates:flash.saved', { language: state.language.toUpperCase() });
    res.redirect(303, paths.admin.emailTemplates.edit(state.entry.template, state.language));
  };

  // The HTML version alone, in a sandbox: an opaque origin, no script, nothing loaded (the app's CSP forbids frames).
  const showHtmlPreview: RequestHandler = async (req, res) => {
    const state = await loadState(req);
    const saved = req.session.emailTemplateDraft;
    const draft =
      req.query.draft === '1' && saved && saved.template === state.entry.template && saved.lang === state.language
        ? { subject: saved.subject, body: saved.body }
        : state.current;
    let html: string;
    try {
      html = renderPreview(renderer, state.entry, state.language, draft).html;
    } catch {
      html = renderPreview(renderer, state.entry, state.language, null).html;
    }
    res.setHeader('Content-Security-Policy', MAIL_HTML_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('html').send(html);
  };

  const showResetForm: RequestHandler = async (req, res) => {
    const state = await loadState(req);
    if (!state.override) return res.redirect(303, paths.admin.emailTemplates.edit(state.entry.template, state.language));
    res.render('email-templates/reset.njk', {
      entry: state.entry,
      language: state.language,
      override: state.override,
      action: paths.admin.emailTemplates.reset(state.entry.template, state.language),
      cancelHref: paths.admin.emailTemplates.edit(state.entry.template, state.language),
    });
  };

  const resetToDefault: RequestHandler = async (req, res) => {
    const state = await loadState(req);
    const removed = await resetTemplate(db, { template: state.entry.template, language: state.language, audit: auditRequestContext(req), now: clock.now() });
    delete req.session.emailTemplateDraft;
    if (removed) req.log?.info({ template: state.entry.template, language: state.language, by: req.actor?.id }, 'e-mail template reset');
    setFlash(req, 'email-templates:flash.reset', { language: state.language.toUpperCase() });
    res.redirect(303, paths.admin.emailTemplates.edit(state.entry.template, state.language));
  };

  router.get(paths.admin.emailTemplates.list, anyAdministrator, listTemplates);
  router.get(paths.admin.emailTemplates.edit(), ...platformOnly, showEditor);
  router.post(paths.admin.emailTemplates.preview(), ...platformOnly, previewDraft);
  router.post(paths.admin.emailTemplates.edit(), ...platformOnly, saveDraft);
  router.get(paths.admin.emailTemplates.previewHtml(), ...platformOnly, showHtmlPreview);
  router
    .route(paths.admin.emailTemplates.reset())
    .get(...platformOnly, showResetForm)
    .post(...platformOnly, resetToDefault);

  return router;
}
