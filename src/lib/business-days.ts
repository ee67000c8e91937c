/**
 * Business days (Monday to Friday; public holidays are not counted) on calendar dates 'YYYY-MM-DD'.
 * addBusinessDays('2026-12-04' (a Friday), 1) = '2026-12-07' (Monday).
 */
export function addBusinessDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}
