import type { Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import {
  deleteHelpEntry,
  findHelpEntry,
  heldHelpOrder,
  insertHelpEntry,
  listHelpEntries,
  setHelpOrder,
  updateHelpEntry,
  type HelpAudience,
  type HelpEntry,
  type HelpEntryFields,
} from './repository';
import { phoneDisplay, phoneHref } from './schema';

/** Entries other pages link to: they can be edited, not removed. */
const KEPT_SLUGS = new Set(['mediator']);

/** An entry as the help page shows it, in one language. */
export interface HelpCard {
  id: number;
  slug: string | null;
  highlight: boolean;
  title: string;
  topics: string[];
  hours: string;
  phone: { text: string; href: string | null } | null;
  email: string;
  url: string;
  address: string;
}

function card(e: HelpEntry, lang: Language): HelpCard {
  const topics = e.topics[lang];
  return {
    id: e.id,
    slug: e.slug,
    highlight: e.highlight,
    title: e.title[lang],
    topics: topics ? topics.split('\n') : [],
    hours: e.hours[lang],
    phone: e.phone ? { text: phoneDisplay(e.phone), href: phoneHref(e.phone) } : null,
    email: e.email,
    url: e.url,
    address: e.address,
  };
}

/**
 * The help page: employees and visitors see the entries meant for cardholders; administrators see every entry. The
 * highlighted entries (the fraud line) come first, apart, so they stand out.
 */
export async function helpPage(db: Db, reader: { administrator: boolean; lang: Language }): Promise<{ urgent: HelpCard[]; entries: HelpCard[] }> {
  const audiences: HelpAudience[] = reader.administrator ? ['cardholders', 'administrators'] : ['cardholders'];
  const cards = (await listHelpEntries(db, audiences)).map((e) => card(e, reader.lang));
  return { urgent: cards.filter((c) => c.highlight), entries: cards.filter((c) => !c.highlight) };
}

/** The platform administrator's list: every entry in order, with whether it can be removed. */
export async function helpEntriesForEditing(db: Db, lang: Language): Promise<Array<HelpCard & { audience: HelpAudience; removable: boolean }>> {
  return (await listHelpEntries(db)).map((e) => ({ ...card(e, lang), audience: e.audience, removable: !e.slug || !KEPT_SLUGS.has(e.slug) }));
}

export async function getHelpEntry(db: Db, id: number): Promise<(HelpEntry & { removable: boolean }) | undefined> {
  const e = await findHelpEntry(db, id);
  return e && { ...e, removable: !e.slug || !KEPT_SLUGS.has(e.slug) };
}

/** What the audit log keeps of an entry: which one and how it is shown, never the whole text. */
const audited = (f: HelpEntryFields) => ({ title: f.title.en, audience: f.audience, highlight: f.highlight });

export async function createHelpEntry(db: Db, fields: HelpEntryFields, now: Date, audit: AuditContext): Promise<number> {
  return db.transaction(async (trx) => {
    await heldHelpOrder(trx);
    const id = await insertHelpEntry(trx, fields, now);
    await recordAudit(trx, { ...audit, at: now, action: 'help.create', object: { type: 'help_entry', id }, details: audited(fields) });
    return id;
  });
}

export async function editHelpEntry(db: Db, id: number, fields: HelpEntryFields, now: Date, audit: AuditContext): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (!(await updateHelpEntry(trx, id, fields, now))) return false;
    await recordAudit(trx, { ...audit, at: now, action: 'help.update', object: { type: 'help_entry', id }, details: audited(fields) });
    return true;
  });
}

export type RemoveResult = 'removed' | 'kept' | 'gone';

export async function removeHelpEntry(db: Db, id: number, now: Date, audit: AuditContext): Promise<RemoveResult> {
  return db.transaction(async (trx) => {
    await heldHelpOrder(trx);
    const entry = await findHelpEntry(trx, id);
    if (!entry) return 'gone';
    if (entry.slug && KEPT_SLUGS.has(entry.slug)) return 'kept';
    await deleteHelpEntry(trx, id);
    await setHelpOrder(
      trx,
      (await listHelpEntries(trx)).map((e) => e.id),
      now,
    );
    await recordAudit(trx, { ...audit, at: now, action: 'help.remove', object: { type: 'help_entry', id }, details: audited(entry) });
    return 'removed';
  });
}

/** Moves an entry one place up or down; false when it is already first/last or gone. */
export async function moveHelpEntry(db: Db, id: number, direction: 'up' | 'down', now: Date, audit: AuditContext): Promise<boolean> {
  return db.transaction(async (trx) => {
    const order = await heldHelpOrder(trx);
    const i = order.indexOf(id);
    const j = direction === 'up' ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= order.length) return false;
    [order[i], order[j]] = [order[j]!, order[i]!];
    await setHelpOrder(trx, order, now);
    await recordAudit(trx, { ...audit, at: now, action: 'help.reorder', object: { type: 'help_entry', id }, details: { direction, position: j + 1 } });
    return true;
  });
}
