import { formatDate } from '../../src/platform/i18n';

/** The reference: Intl on each value, no cache. */
const references = new Map<string, Intl.DateTimeFormat>();
function direct(lang: 'fr' | 'en', d: Date, timeZone: string): string {
  const id = `${lang}|${timeZone}`;
  let f = references.get(id);
  if (!f) references.set(id, (f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone })));
  return f.format(d);
}

describe('formatDate (dates without time, formatted once per quarter hour)', () => {
  it.each(['Europe/Paris', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC'])(
    'gives the same local date as Intl at both ends of every quarter hour, over clock changes and midnights (%s)',
    (zone) => {
      // Every day of the months with clock changes (both hemispheres), every fifth day otherwise, over two years;
      // for each quarter hour its first and last millisecond and the millisecond before it.
      const clockChangeMonths = [2, 3, 8, 9, 10];
      for (let day = 0; day < 730; day += 1) {
        const midnight = Date.UTC(2026, 0, 1) + day * 86_400_000;
        if (!clockChangeMonths.includes(new Date(midnight).getUTCMonth()) && day % 5) continue;
        for (let q = 0; q < 96; q += 1) {
          const boundary = midnight + q * 15 * 60_000;
          for (const at of [boundary - 1, boundary, boundary + 15 * 60_000 - 1]) {
            for (const lang of ['fr', 'en'] as const) {
              const d = new Date(at);
              const got = formatDate(lang, d.toISOString(), zone);
              if (got !== direct(lang, d, zone)) expect(`${d.toISOString()} ${lang}: ${got}`).toBe(`${d.toISOString()} ${lang}: ${direct(lang, d, zone)}`);
            }
          }
        }
      }
    },
  );

  it('reads a calendar date (YYYY-MM-DD) as that date, whatever the time zone', () => {
    expect(formatDate('fr', '2026-11-24', 'Pacific/Kiritimati')).toBe('24 novembre 2026');
    expect(formatDate('en', '2026-11-24', 'America/Adak')).toBe('24 November 2026');
    expect(formatDate('fr', 'not a date', 'Europe/Paris')).toBe('');
    expect(formatDate('fr', null, 'Europe/Paris')).toBe('');
  });
});
