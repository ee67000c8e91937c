import Holidays from 'date-holidays';
import { addDays } from './time-zone';

/**
 * Business days: Monday to Friday, less the public holidays of a country, from `date-holidays` (a maintained table of
 * each country's rules: Easter and the days that follow it, fixed dates, substitutions), never a hand-written list.
 * Days are calendar dates `YYYY-MM-DD` as people read them in `TIME_ZONE` (turn an instant into one with `localDate`).
 */
export const HOLIDAY_COUNTRIES = ['FR', 'BE'] as const;
export type HolidayCountry = (typeof HOLIDAY_COUNTRIES)[number];

const cache = new Map<string, ReadonlySet<string>>();

/** The public holidays (days off for everyone, not observances) of a country in one year. */
export function publicHolidays(country: HolidayCountry, year: number): ReadonlySet<string> {
  const key = `${country}:${year}`;
  let days = cache.get(key);
  if (!days) {
    days = new Set(
      new Holidays(country)
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    cache.set(key, days);
  }
  return days;
}

export function isBusinessDay(date: string, country: HolidayCountry): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !publicHolidays(country, Number(date.slice(0, 4))).has(date);
}

/** The n-th business day after `date` (n ≥ 0; n = 0 is `date` itself). 15 business days from receipt: `addBusinessDays(received, 15)`. */
export function addBusinessDays(date: string, n: number, country: HolidayCountry): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a whole number ≥ 0, got ${n}`);
  let day = date;
  for (let left = n; left > 0;) {
    day = addDays(day, 1);
    if (isBusinessDay(day, country)) left--;
  }
  return day;
}

/**
 * Business days from `from` to `to`: the business days after `from` up to and including `to` (0 when `to` ≤ `from`).
 * So `businessDaysBetween(d, addBusinessDays(d, n)) === n`, and the days left before a deadline are
 * `businessDaysBetween(today, deadline)` (negative is never returned: compare the dates to know a deadline has passed).
 */
export function businessDaysBetween(from: string, to: string, country: HolidayCountry): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isBusinessDay(day, country)) count++;
  return count;
}
