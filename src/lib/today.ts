/**
 * Today's date ('YYYY-MM-DD') in a time zone, for an injected "now". Every instant of a quarter hour of UTC has the
 * same local date in any zone (offsets and their changes fall on quarter hours), so it is worked out once per zone
 * and quarter hour, with one formatter per zone: pages and exports ask for it many times.
 */
const formats = new Map<string, Intl.DateTimeFormat>();
const days = new Map<string, string>();
const DAYS_MAX = 10_000;

export function todayIn(timeZone: string, now: Date): string {
  const id = `${timeZone}|${Math.floor(now.getTime() / 900_000)}`;
  let today = days.get(id);
  if (today === undefined) {
    let format = formats.get(timeZone);
    if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
    today = format.format(now);
    if (days.size >= DAYS_MAX) days.clear();
    days.set(id, today);
  }
  return today;
}
