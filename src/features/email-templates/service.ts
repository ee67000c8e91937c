import type { Db } from '../../platform/db';
import { LANGUAGES, type Language } from '../../platform/i18n';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import type { EmailRenderer, RenderedEmail } from '../../core/outbox/render';
import { CATALOGUE, catalogueEntry, sampleData, type CatalogueEntry, variableKinds } from '../../core/outbox/catalogue';
import { editableDefault, type EditableTemplate } from '../../core/outbox/defaults';
import { compileTemplate, TemplateError, type TemplateProblem } from '../../core/outbox/engine';
import { deleteOverride, findOverride, listOverrides, saveOverride, type StoredOverride } from '../../core/outbox/template-overrides-repository';

export const SUBJECT_MAX = 200;
export const BODY_MAX = 20000;

type DraftField = 'subject' | 'body';
export interface DraftProblem extends TemplateProblem {
  field: DraftField;
}

interface TemplateStatus {
  entry: CatalogueEntry;
  languages: Array<{ language: Language; override: StoredOverride | null; valid: boolean }>;
}

/** Default editable versions, computed once per e-mail and language (they only change with a deploy). */
export function createDefaultsCache(renderer: EmailRenderer) {
  const cache = new Map<string, EditableTemplate>();
  return (entry: CatalogueEntry, language: Language): EditableTemplate => {
    const key = `${entry.template}:${language}`;
    let found = cache.get(key);
    if (!found) {
      found = editableDefault(renderer, entry, language);
      cache.set(key, found);
    }
    return found;
  };
}
type DefaultsOf = ReturnType<typeof createDefaultsCache>;

/** Line endings as typed on any system, NFC, no trailing blank lines. */
export function normaliseDraft(raw: { subject?: unknown; body?: unknown }): EditableTemplate {
  const clean = (v: unknown) => (typeof v === 'string' ? v : '').normalize('NFC').replace(/\r\n?/g, '\n');
  return {
    subject: clean(raw.subject).trim(),
    body: clean(raw.body)
      .replace(/[ \t]+$/gm, '')
      .replace(/^\n+|\s+$/g, ''),
  };
}

/** Every problem of a draft (shape, syntax, variables, a trial render on the sample data). */
export function checkDraft(renderer: EmailRenderer, entry: CatalogueEntry, language: Language, draft: EditableTemplate): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!draft.subject) problems.push({ field: 'subject', key: 'email-templates:errors.subjectEmpty', params: {} });
  else if (draft.subject.includes('\n')) problems.push({ field: 'subject', key: 'email-templates:errors.subjectOneLine', params: {} });
  else if (draft.subject.length > SUBJECT_MAX) problems.push({ field: 'subject', key: 'email-templates:errors.subjectTooLong', params: { max: SUBJECT_MAX } });
  if (!draft.body) problems.push({ field: 'body', key: 'email-templates:errors.bodyEmpty', params: {} });
  else if (draft.body.length > BODY_MAX) problems.push({ field: 'body', key: 'email-templates:errors.bodyTooLong', params: { max: BODY_MAX } });
  const kinds = variableKinds(entry);
  for (const field of ['subject', 'body'] as const) {
    if (problems.some((p) => p.field === field)) continue;
    try {
      compileTemplate(draft[field], kinds);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.push(...err.problems.map((p) => ({ ...p, field })));
    }
  }
  if (!problems.length) {
    // A trial render on the sample data, links and derived values included, exactly as the preview shows it.
    try {
      renderPreview(renderer, entry, language, draft);
    } catch (err) {
      problems.push({
        field: 'body',
        key: 'email-templates:errors.renderFailed',
        params: { message: err instanceof Error ? err.message.slice(0, 200) : String(err) },
      });
    }
  }
  return problems;
}

/** The e-mail rendered on the sample data with a draft (the preview). */
export function renderPreview(renderer: EmailRenderer, entry: CatalogueEntry, language: Language, draft: EditableTemplate | null): RenderedEmail {
  return renderer.render(entry.template, language, sampleData(entry, language), draft ? { subject: draft.subject, body: draft.body } : null);
}

export async function templateStatuses(db: Db, renderer: EmailRenderer, defaultsOf: DefaultsOf): Promise<TemplateStatus[]> {
  const overrides = await listOverrides(db);
  return CATALOGUE.map((entry) => ({
    entry,
    languages: LANGUAGES.map((language) => {
      const override = overrides.find((o) => o.template === entry.template && o.language === language) ?? null;
      let valid = true;
      if (override) {
        const current = {
          ...defaultsOf(entry, language),
          ...(override.subject !== null ? { subject: override.subject } : {}),
          ...(override.body !== null ? { body: override.body } : {}),
        };
        valid = checkDraft(renderer, entry, language, current).length === 0;
      }
      return { language, override, valid };
    }),
  }));
}

export interface EditorState {
  entry: CatalogueEntry;
  language: Language;
  current: EditableTemplate;
  defaults: EditableTemplate;
  override: StoredOverride | null;
}

export async function editorState(db: Db, defaultsOf: DefaultsOf, template: string, language: Language): Promise<EditorState | undefined> {
  const entry = catalogueEntry(template);
  if (!entry) return undefined;
  const defaults = defaultsOf(entry, language);
  const override = (await findOverride(db, template, language)) ?? null;
  return {
    entry,
    language,
    defaults,
    override,
    current: { subject: override?.subject ?? defaults.subject, body: override?.body ?? defaults.body },
  };
}

/**
 * Saves a checked draft: a part equal to the default is stored as "default" (null), so a later change of the default
 * file reaches it; a draft equal to the default in both parts removes the edited version.
 */
export async function saveTemplate(
  db: Db,
  input: { state: EditorState; draft: EditableTemplate; adminId: number; audit: AuditContext; now: Date },
): Promise<'saved' | 'default'> {
  const { state, draft } = input;
  const subject = draft.subject === state.defaults.subject ? null : draft.subject;
  const body = draft.body === state.defaults.body ? null : draft.body;
  await db.transaction(async (trx) => {
    await saveOverride(trx, { template: state.entry.template, language: state.language, subject, body, by: input.adminId, now: input.now });
    await recordAudit(trx, {
      ...input.audit,
      at: input.now,
      action: 'email_template.update',
      object: { type: 'email_template', id: `${state.entry.template}:${state.language}` },
      details: { subjectEdited: subject !== null, bodyEdited: body !== null },
    });
  });
  return subject === null && body === null ? 'default' : 'saved';
}

export async function resetTemplate(db: Db, input: { template: string; language: Language; audit: AuditContext; now: Date }): Promise<boolean> {
  return db.transaction(async (trx) => {
    const removed = await deleteOverride(trx, input.template, input.language);
    if (removed) {
      await recordAudit(trx, {
        ...input.audit,
        at: input.now,
        action: 'email_template.reset',
        object: { type: 'email_template', id: `${input.template}:${input.language}` },
      });
    }
    return removed > 0;
  });
}
