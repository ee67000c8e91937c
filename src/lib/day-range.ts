/** A date typed as dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd; 'YYYY-MM-DD' or undefined. */
function parseDay(raw: string): string | undefined {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(raw);
    if (!match) return undefined;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A from/to filter of days, as typed. Errors use `<ns>:filters.from.errors.invalid`, `<ns>:filters.to.errors.invalid`
 * and `<ns>:filters.to.errors.beforeFrom`; a `to` before `from` is dropped.
 */
export function parseDayRange(fromRaw: string, toRaw: string, ns: string): { from?: string; to?: string; problems: Array<{ field: string; key: string }> } {
  const problems: Array<{ field: string; key: string }> = [];
  let from: string | undefined;
  let to: string | undefined;
  if (fromRaw) {
    from = parseDay(fromRaw);
    if (!from) problems.push({ field: 'from', key: `${ns}:filters.from.errors.invalid` });
  }
  if (toRaw) {
    to = parseDay(toRaw);
    if (!to) problems.push({ field: 'to', key: `${ns}:filters.to.errors.invalid` });
  }
  if (from && to && from > to) {
    problems.push({ field: 'to', key: `${ns}:filters.to.errors.beforeFrom` });
    to = undefined;
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), problems };
}
