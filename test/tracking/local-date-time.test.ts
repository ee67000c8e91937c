import { localDateTime } from '../../src/features/tracking/service';

describe('localDateTime (the export’s date columns)', () => {
  it('writes the instant as YYYY-MM-DD HH:MM in the service’s time zone, clock changes included', () => {
    expect(localDateTime('2026-11-24T22:59:00.000Z', 'Europe/Paris')).toBe('2026-11-24 23:59');
    expect(localDateTime('2026-11-24T23:00:00.000Z', 'Europe/Paris')).toBe('2026-11-25 00:00');
    expect(localDateTime('2026-07-01T10:05:00.000Z', 'Europe/Paris')).toBe('2026-07-01 12:05');
    expect(localDateTime('2026-03-29T00:59:00.000Z', 'Europe/Paris')).toBe('2026-03-29 01:59');
    expect(localDateTime('2026-03-29T01:00:00.000Z', 'Europe/Paris')).toBe('2026-03-29 03:00');
    expect(localDateTime('2026-01-01T00:00:00.000Z', 'Asia/Kathmandu')).toBe('2026-01-01 05:45');
  });

  it('agrees with Intl every 7 minutes over a day of each season', () => {
    const reference = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (const day of ['2026-01-15', '2026-03-29', '2026-07-15', '2026-10-25']) {
      for (let m = 0; m < 24 * 60; m += 7) {
        const at = new Date(Date.parse(`${day}T00:00:00Z`) + m * 60_000);
        expect(localDateTime(at.toISOString(), 'Europe/Paris')).toBe(reference.format(at));
      }
    }
  });

  it('agrees with Intl at every minute of every clock-change day of 2026 and 2027, in zones with odd offsets', () => {
    // The offset is remembered per quarter hour of UTC: a change inside a quarter hour would show here.
    for (const zone of ['Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham']) {
      const reference = new Intl.DateTimeFormat('sv-SE', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      const offsetAt = (ms: number) => Date.parse(`${reference.format(new Date(ms)).replace(' ', 'T')}:00Z`) - Math.floor(ms / 60_000) * 60_000;
      let changeDays = 0;
      for (let day = Date.parse('2026-01-01T00:00:00Z'); day < Date.parse('2028-01-01T00:00:00Z'); day += 86_400_000) {
        if (offsetAt(day) === offsetAt(day + 86_400_000)) continue;
        changeDays++;
        for (let ms = day; ms <= day + 86_400_000; ms += 60_000) {
          expect(localDateTime(new Date(ms).toISOString(), zone)).toBe(reference.format(new Date(ms)));
        }
      }
      expect(changeDays).toBe(zone === 'Asia/Kathmandu' ? 0 : 4);
    }
  });

  it('leaves an empty or invalid value empty', () => {
    expect(localDateTime(null, 'Europe/Paris')).toBe('');
    expect(localDateTime('not a date', 'Europe/Paris')).toBe('');
  });
});
