/**
 * Dates and wall-clock times in a time zone, computed from an injected instant (never the system clock), so tests can
 * move the clock. Intl does the time-zone arithmetic, daylight saving time included.
 */

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time of an instant in a time zone. */
function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year as number,
    month: parts.month as number,
    day: parts.day as number,
    hour: (parts.hour as number) % 24,
    minute: parts.minute as number,
    second: parts.second as number,
  };
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const OFFSETS_MAX = 20_000;
const offsets = new Map<string, number>();

/**
 * How far a time zone's wall clock is ahead of UTC at an instant, in ms. Offsets and their changes fall on quarter
 * hours of UTC (every zone since the 1970s), so it is read from Intl once per zone and quarter hour and remembered:
 * a list of 20,000 instants then costs a few hundred Intl calls instead of 20,000.
 */
export function utcOffsetMs(instant: Date, timeZone: string): number {
  const quarter = Math.floor(instant.getTime() / QUARTER_HOUR_MS);
  const id = `${timeZone}|${quarter}`;
  let offset = offsets.get(id);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const p = localParts(new Date(start), timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start;
    if (offsets.size >= OFFSETS_MAX) offsets.clear();
    offsets.set(id, offset);
  }
  return offset;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The calendar date ('YYYY-MM-DD') of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Adds calendar days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole calendar days from one 'YYYY-MM-DD' date to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

/** Calendar days between two instants, counted in the time zone (day 0 = the same local date). */
export function calendarDaysSince(start: Date, now: Date, timeZone: string): number {
  return daysBetween(localDate(start, timeZone), localDate(now, timeZone));
}

export function parseTime(hhmm: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`invalid time of day: ${hhmm}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/**
 * The instant at which a local date and time occurs in a time zone. A time skipped by the spring-forward change
 * resolves to the same instant as the time one gap later (02:30 → 03:30); a time repeated in autumn resolves to its
 * first occurrence.
 */
export function zonedTimeToUtc(date: string, hhmm: string, timeZone: string): Date {
  const { hour, minute } = parseTime(hhmm);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(y, mo - 1, d, hour, minute);
  const offsetAt = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
  };
  // Two candidate offsets (before/after a change around that day); take the earliest candidate that shows the wanted time.
  const candidates = [wanted - offsetAt(wanted - 86400000), wanted - offsetAt(wanted + 86400000)].sort((a, b) => a - b);
  for (const c of candidates) {
    if (c + offsetAt(c) === wanted) return new Date(c);
  }
  // In a gap: the wall time never happens; the change instant is the latest candidate.
  return new Date(candidates[candidates.length - 1] as number);
}
