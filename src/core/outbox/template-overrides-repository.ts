import type { Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import type { TemplateOverride } from './render';

export interface StoredOverride extends TemplateOverride {
  template: string;
  language: Language;
  updatedBy: number;
  updatedByName: string | null;
  updatedAt: string;
}

export const overrideKey = (template: string, language: string) => `${template}:${language}`;

/** Every edited template, keyed `template:language` (a handful of rows: the dispatcher reads them once per pass). */
export async function loadOverrides(db: Db): Promise<Map<string, TemplateOverride>> {
  const rows: Array<{ template: string; language: string; subject: string | null; body: string | null }> = await db('email_template_override').select(
    'template',
    'language',
    'subject',
    'body',
  );
  return new Map(rows.map((r) => [overrideKey(r.template, r.language), { subject: r.subject, body: r.body }]));
}

export async function listOverrides(db: Db): Promise<StoredOverride[]> {
  const rows = await db('email_template_override as o')
    .leftJoin('administrator as a', 'a.id', 'o.updated_by')
    .select('o.template', 'o.language', 'o.subject', 'o.body', 'o.updated_by', 'o.updated_at', 'a.display_name');
  return rows.map((r) => ({
    template: r.template,
    language: r.language as Language,
    subject: r.subject,
    body: r.body,
    updatedBy: Number(r.updated_by),
    updatedByName: r.display_name ?? null,
    updatedAt: r.updated_at,
  }));
}

export async function findOverride(db: Db, template: string, language: Language): Promise<StoredOverride | undefined> {
  return (await listOverrides(db)).find((o) => o.template === template && o.language === language);
}

/** Stores the edited parts (null = default); both null deletes the row. */
export async function saveOverride(
  db: Db,
  input: { template: string; language: Language; subject: string | null; body: string | null; by: number; now: Date },
): Promise<void> {
  if (input.subject === null && input.body === null) {
    await deleteOverride(db, input.template, input.language);
    return;
  }
  await db('email_template_override')
    .insert({
      template: input.template,
      language: input.language,
      subject: input.subject,
      body: input.body,
      updated_by: input.by,
      updated_at: input.now.toISOString(),
    })
    .onConflict(['template', 'language'])
    .merge(['subject', 'body', 'updated_by', 'updated_at']);
}

export async function deleteOverride(db: Db, template: string, language: Language): Promise<number> {
  return db('email_template_override').where({ template, language }).delete();
}
