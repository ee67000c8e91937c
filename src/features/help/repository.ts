import type { HelpContactRow } from '../../core/help/repository';
import type { Knex } from 'knex';
import { lockingRead, type Db } from '../../platform/db';

export type HelpAudience = 'cardholders' | 'administrators';

/** One entry of the help directory, both languages. */
export interface HelpEntry {
  id: number;
  position: number;
  slug: string | null;
  audience: HelpAudience;
  highlight: boolean;
  title: { fr: string; en: string };
  topics: { fr: string; en: string };
  hours: { fr: string; en: string };
  phone: string;
  email: string;
  url: string;
  address: string;
}

/** What the form writes (position and slug are kept by the service). */
export type HelpEntryFields = Omit<HelpEntry, 'id' | 'position' | 'slug'>;

/** A row of `help_entry`: the columns another page quotes (core/help), plus its place, audience and highlight. */
interface HelpEntryRow extends Omit<HelpContactRow, 'slug'> {
  id: number;
  position: number;
  slug: string | null;
  audience: HelpAudience;
  highlight: boolean | number;
}

function toEntry(r: HelpEntryRow): HelpEntry {
  return {
    id: Number(r.id),
    position: Number(r.position),
    slug: r.slug,
    audience: r.audience,
    highlight: Boolean(r.highlight),
    title: { fr: r.title_fr, en: r.title_en },
    topics: { fr: r.topics_fr, en: r.topics_en },
    hours: { fr: r.hours_fr, en: r.hours_en },
    phone: r.phone,
    email: r.email,
    url: r.url,
    address: r.address,
  };
}

function toColumns(f: HelpEntryFields, now: Date) {
  return {
    audience: f.audience,
    highlight: f.highlight,
    title_fr: f.title.fr,
    title_en: f.title.en,
    topics_fr: f.topics.fr,
    topics_en: f.topics.en,
    hours_fr: f.hours.fr,
    hours_en: f.hours.en,
    phone: f.phone,
    email: f.email,
    url: f.url,
    address: f.address,
    updated_at: now.toISOString(),
  };
}

/** The directory in its order; `audiences` limits it to what the reader may see. */
export async function listHelpEntries(db: Db, audiences?: readonly HelpAudience[]): Promise<HelpEntry[]> {
  const q = db<HelpEntryRow>('help_entry').orderBy('position').orderBy('id');
  if (audiences) q.whereIn('audience', audiences);
  return (await q).map(toEntry);
}

export async function findHelpEntry(db: Db, id: number): Promise<HelpEntry | undefined> {
  const row = await db<HelpEntryRow>('help_entry').where({ id }).first();
  return row ? toEntry(row) : undefined;
}

export async function findHelpEntryBySlug(db: Db, slug: string): Promise<HelpEntry | undefined> {
  const row = await db<HelpEntryRow>('help_entry').where({ slug }).first();
  return row ? toEntry(row) : undefined;
}

/** A new entry at the end of the directory. */
export async function insertHelpEntry(trx: Knex.Transaction, fields: HelpEntryFields, now: Date): Promise<number> {
  const last = await trx('help_entry').max<{ max: number | null }[]>({ max: 'position' });
  const [row] = await trx('help_entry')
    .insert({ ...toColumns(fields, now), position: Number(last[0]?.max ?? 0) + 1 })
    .returning('id');
  return typeof row === 'object' ? Number((row as { id: number }).id) : Number(row);
}

export async function updateHelpEntry(db: Db, id: number, fields: HelpEntryFields, now: Date): Promise<boolean> {
  return (await db('help_entry').where({ id }).update(toColumns(fields, now))) > 0;
}

export async function deleteHelpEntry(db: Db, id: number): Promise<boolean> {
  return (await db('help_entry').where({ id }).del()) > 0;
}

/** Rewrites every position from the given order (1, 2, 3…). */
export async function setHelpOrder(trx: Knex.Transaction, orderedIds: number[], now: Date): Promise<void> {
  for (const [i, id] of orderedIds.entries())
    await trx('help_entry')
      .where({ id })
      .update({ position: i + 1, updated_at: now.toISOString() });
}

/** The entry ids in order, the rows held for the rest of the transaction (two reorders at once do not interleave). */
export async function heldHelpOrder(trx: Knex.Transaction): Promise<number[]> {
  const rows: Array<{ id: number }> = await lockingRead(trx('help_entry').orderBy('position').orderBy('id').select('id'));
  return rows.map((r) => Number(r.id));
}
