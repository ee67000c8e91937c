import Holidays from 'date-holidays';

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

const DAY_MS = 86_400_000;
/** Days since 1970-01-01 of a 'YYYY-MM-DD' date, and back. */
const epochDay = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOfEpochDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const yearOfEpochDay = (day: number): number => new Date(day * DAY_MS).getUTCFullYear();

const businessDaysCache = new Map<string, Int32Array>();

/** The business days of a year, as sorted epoch days (built once per country and year). */
function businessDaysOf(country: HolidayCountry, year: number): Int32Array {
  const key = `${country}:${year}`;
  let days = businessDaysCache.get(key);
  if (!days) {
    const holidays = publicHolidays(country, year);
    const list: number[] = [];
    for (let day = epochDay(`${year}-01-01`), end = epochDay(`${year + 1}-01-01`); day < end; day++) {
      const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
      if (weekday !== 0 && weekday !== 6 && !holidays.has(dateOfEpochDay(day))) list.push(day);
    }
    days = Int32Array.from(list);
    businessDaysCache.set(key, days);
  }
  return days;
}

/** How many of the sorted `days` are ≤ `day`. */
function countUpTo(days: Int32Array, day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] as number) <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isBusinessDay(date: string, country: HolidayCountry): boolean {
  const day = epochDay(date);
  const days = businessDaysOf(country, Number(date.slice(0, 4)));
  const i = countUpTo(days, day);
  return i > 0 && days[i - 1] === day;
}

/**
 * The n-th business day after `date` (n ≥ 0; n = 0 is `date` itself). 15 business days from receipt: `addBusinessDays(received, 15)`.
 * Year by year through the tables of business days: a few binary searches, whatever n (the queue and the digest ask it
 * for thousands of applications).
 */
export function addBusinessDays(date: string, n: number, country: HolidayCountry): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a whole number ≥ 0, got ${n}`);
  if (n === 0) return date;
  let after = epochDay(date);
  let year = Number(date.slice(0, 4));
  let left = n;
  for (;;) {
    const days = businessDaysOf(country, year);
    const from = countUpTo(days, after);
    const available = days.length - from;
    if (left <= available) return dateOfEpochDay(days[from + left - 1] as number);
    left -= available;
    year++;
    after = epochDay(`${year}-01-01`) - 1;
  }
}

/**
 * Business days from `from` to `to`: the business days after `from` up to and including `to` (0 when `to` ≤ `from`).
 * So `businessDaysBetween(d, addBusinessDays(d, n)) === n`, and the days left before a deadline are
 * `businessDaysBetween(today, deadline)` (negative is never returned: compare the dates to know a deadline has passed).
 */
export function businessDaysBetween(from: string, to: string, country: HolidayCountry): number {
  const start = epochDay(from);
  const end = epochDay(to);
  if (end <= start) return 0;
  let count = 0;
  for (let year = yearOfEpochDay(start); year <= yearOfEpochDay(end); year++) {
    const days = businessDaysOf(country, year);
    count += countUpTo(days, end) - countUpTo(days, start);
  }
  return count;
}
