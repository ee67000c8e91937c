import { addBusinessDays, businessDaysBetween, isBusinessDay, type HolidayCountry } from '../../lib/business-days';
import { addDays, localDate, zonedTimeToUtc } from '../../lib/time-zone';

/**
 * Stuck approvals (issue 16 item 3): an application pending approval (since it was submitted, else since its status
 * last changed) longer than its key's approval deadline, in business days, is overdue; after twice the deadline it is
 * escalated to the platform administrators. Days are local dates in `TIME_ZONE`; business days skip weekends and the
 * public holidays of `HOLIDAY_COUNTRY`. Time is a parameter: `now` is the caller's.
 */
/** A key's approval deadline in business days: 5 unless set, from 1 to 30 (the access key form). */
export const APPROVAL_DEADLINE_DEFAULT = 5;
export const APPROVAL_DEADLINE_MIN = 1;
export const APPROVAL_DEADLINE_MAX = 30;

export interface DeadlineRules {
  timeZone: string;
  country: HolidayCountry;
}

export interface ApprovalDeadlineView {
  /** The last day within the deadline (YYYY-MM-DD): overdue from the next day. */
  dueOn: string;
  overdue: boolean;
  /** Business days past `dueOn` (0 while not overdue). */
  businessDaysLate: number;
  /** Past twice the deadline: the platform administrators are told. */
  escalated: boolean;
}

export function approvalDeadline(pendingSince: string, deadlineDays: number, now: Date, rules: DeadlineRules): ApprovalDeadlineView {
  const pendingOn = localDate(new Date(pendingSince), rules.timeZone);
  const today = localDate(now, rules.timeZone);
  const dueOn = addBusinessDays(pendingOn, deadlineDays, rules.country);
  const overdue = today > dueOn;
  return {
    dueOn,
    overdue,
    businessDaysLate: overdue ? businessDaysBetween(dueOn, today, rules.country) : 0,
    escalated: today > addBusinessDays(pendingOn, 2 * deadlineDays, rules.country),
  };
}

/**
 * For a deadline of `days` business days: the instant before which an application must have become pending to be
 * overdue at `now` (the start, in `TIME_ZONE`, of the first day whose deadline has not passed). Lets a query select
 * the overdue applications of every key at once: `pending_since < overdueBefore(key's deadline)`.
 */
export function overdueBefore(days: number, now: Date, rules: DeadlineRules): string {
  return overdueCutoffs(days, now, rules)[days - 1] as string;
}

/**
 * Whether an application pending approval since `pendingSince` (its submission, else its last change of status) is past
 * a deadline of `days` business days, given the cut-offs of every deadline (`overdueCutoffs`, index d − 1): the same
 * comparison as the queue's overdue filter in SQL, on ISO instants.
 */
export function isOverdue(pendingSince: string, days: number, cutoffs: readonly string[]): boolean {
  const cutoff = cutoffs[days - 1];
  return cutoff !== undefined && pendingSince < cutoff;
}

/**
 * `overdueBefore` for every deadline from 1 to `maxDays` business days (index d − 1), in one walk back from today.
 * An application pending since day x is not overdue today while fewer than d business days lie in (x, today − 1]
 * (its deadline's last day is then today or later); walking x back one day adds day x to that count when it is a
 * business day. Linear in the days walked (the queue asks for the 30 deadlines on every page: the quadratic search
 * with addBusinessDays it replaces cost ~27 ms a page).
 */
export function overdueCutoffs(maxDays: number, now: Date, rules: DeadlineRules): string[] {
  const today = localDate(now, rules.timeZone);
  // The cut-offs are starts of days: they depend on today's date, not on the time of day, so a day's are worked out
  // once (the queue asks on every page: 30 local midnights cost ~0.3 ms).
  const id = `${today}|${maxDays}|${rules.timeZone}|${rules.country}`;
  let cutoffs = cutoffsByDay.get(id);
  if (!cutoffs) {
    cutoffs = Object.freeze(cutoffsFrom(today, maxDays, rules)) as string[];
    if (cutoffsByDay.size >= 64) cutoffsByDay.delete(cutoffsByDay.keys().next().value as string);
    cutoffsByDay.set(id, cutoffs);
  }
  return cutoffs;
}

const cutoffsByDay = new Map<string, string[]>();

function cutoffsFrom(today: string, maxDays: number, rules: DeadlineRules): string[] {
  const cutoffs: string[] = [];
  let x = addDays(today, -1);
  let count = 0; // business days in (x, today − 1]
  for (let d = 1; d <= maxDays; d++) {
    for (;;) {
      const before = count + (isBusinessDay(x, rules.country) ? 1 : 0);
      if (before >= d) break;
      x = addDays(x, -1);
      count = before;
    }
    cutoffs.push(zonedTimeToUtc(x, '00:00', rules.timeZone).toISOString());
  }
  return cutoffs;
}
