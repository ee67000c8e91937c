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
    const reference = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (const day of ['2026-01-15', '2026-03-29', '2026-07-15', '2026-10-25']) {
      for (let m = 0; m < 24 * 60; m += 7) {
        const at = new Date(Date.parse(`${day}T00:00:00Z`) + m * 60_000);
        expect(localDateTime(at.toISOString(), 'Europe/Paris')).toBe(reference.format(at));
      }
    }
  });

  it('leaves an empty or invalid value empty', () => {
    expect(localDateTime(null, 'Europe/Paris')).toBe('');
    expect(localDateTime('not a date', 'Europe/Paris')).toBe('');
  });
});
