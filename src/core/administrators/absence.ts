import { addDays } from '../../lib/time-zone';
import { todayIn } from '../../lib/today';
import type { Db } from '../../platform/db';
import type { Actor } from './repository';
import { activeDelegationsTo, delegatesOfAbsent, type DelegationRow } from './absence-repository';

/** An absence: from and to are calendar dates ('YYYY-MM-DD') in TIME_ZONE, both included. */
export interface Absence {
  startsOn: string;
  endsOn: string;
}

/** The longest absence that can be set, and how far ahead it may end: one year. */
export const ABSENCE_MAX_DAYS = 366;

/** During the absence: today (in the time zone) is between its first and last day, both included. */
export function isAbsenceCurrent(absence: Absence, now: Date, timeZone: string): boolean {
  const today = todayIn(timeZone, now);
  return absence.startsOn <= today && today <= absence.endsOn;
}

/** Ended: its last day is before today (in the time zone). An ended absence no longer applies and is not shown. */
export function hasAbsenceEnded(absence: Absence, now: Date, timeZone: string): boolean {
  return absence.endsOn < todayIn(timeZone, now);
}

/** The translation key of what is wrong with these dates (zod messages are keys), or undefined when they are right. */
export function absenceDatesError(absence: Absence, now: Date, timeZone: string): { field: 'startsOn' | 'endsOn'; message: string } | undefined {
  const today = todayIn(timeZone, now);
  if (absence.startsOn < today) return { field: 'startsOn', message: 'absence:errors.startsInPast' };
  if (absence.endsOn < absence.startsOn) return { field: 'endsOn', message: 'absence:errors.endsBeforeStart' };
  if (absence.endsOn > addDays(today, ABSENCE_MAX_DAYS)) return { field: 'endsOn', message: 'absence:errors.tooLong' };
  return undefined;
}

/** A BC the actor handles for an absent administrator. */
export interface Delegation {
  accountId: number;
  absentId: number;
  absentName: string;
}

/**
 * The actor as they act today: their own BCs plus the BCs of the administrators currently absent who delegated to
 * them (`delegations` marks those, with the absent administrator). A BC the actor manages themselves is not marked.
 * A platform administrator already manages every BC.
 */
export async function withDelegations(db: Db, actor: Actor, now: Date, timeZone: string): Promise<Actor> {
  if (actor.isPlatform) return actor;
  const today = todayIn(timeZone, now);
  const rows: DelegationRow[] = await activeDelegationsTo(db, actor.id, today);
  if (!rows.length) return actor;
  const own = new Set(actor.accountIds);
  const delegations: Delegation[] = [];
  for (const r of rows) {
    if (own.has(r.accountId) || delegations.some((d) => d.accountId === r.accountId)) continue;
    delegations.push(r);
  }
  if (!delegations.length) return actor;
  const accountIds = [...actor.accountIds, ...delegations.map((d) => d.accountId)].sort((a, b) => a - b);
  return { ...actor, accountIds, delegations };
}

/** The absent administrator on whose behalf the actor acts on an application of this BC, if any. */
export function onBehalfOf(actor: Pick<Actor, 'delegations'>, accountId: number): Delegation | undefined {
  return actor.delegations?.find((d) => d.accountId === accountId);
}

/**
 * E-mails meant for an absent administrator go to their delegate too: for each recipient absent today (in the time
 * zone), their delegate, once, in the delegate's language. Recipients that are not administrators are left as they are.
 */
export async function delegatesOf(
  db: Db,
  emails: string[],
  now: Date,
  timeZone: string,
): Promise<Array<{ absentEmail: string; email: string; language: 'fr' | 'en' }>> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
  const rows = await delegatesOfAbsent(db, wanted, todayIn(timeZone, now));
  return rows.map((r) => ({ ...r, language: r.language === 'en' ? 'en' : 'fr' }));
}
