import { addDays, calendarDaysSince, localDate, zonedTimeToUtc } from '../../src/lib/time-zone';
import { cronExpression, dailySlot, intervalSlot, slotFor } from '../../src/jobs/schedule';

const PARIS = 'Europe/Paris';

describe('job slots in the configured time zone', () => {
  it.each([
    // [now (UTC), expected slot of the 00:30 Paris job]
    ['2026-11-24T23:10:00Z', '2026-11-24'], // 00:10 in Paris on the 25th: the last due run is the 24th's
    ['2026-11-24T23:29:59Z', '2026-11-24'],
    ['2026-11-24T23:30:00Z', '2026-11-25'], // 00:30 in Paris (winter, UTC+1)
    ['2026-11-25T08:00:00Z', '2026-11-25'],
    ['2026-07-14T22:29:00Z', '2026-07-14'], // summer, UTC+2: 00:29 on the 15th
    ['2026-07-14T22:30:00Z', '2026-07-15'],
  ])('at %s the 00:30 job slot is %s', (now, slot) => {
    expect(dailySlot(new Date(now), PARIS, '00:30')).toBe(slot);
  });

  it('follows the daylight saving changes (spring forward, fall back)', () => {
    // 29 March 2026: 00:30 is still winter time (UTC+1); 25 October 2026: 00:30 is still summer time (UTC+2)
    expect(zonedTimeToUtc('2026-03-29', '00:30', PARIS).toISOString()).toBe('2026-03-28T23:30:00.000Z');
    expect(zonedTimeToUtc('2026-03-30', '00:30', PARIS).toISOString()).toBe('2026-03-29T22:30:00.000Z');
    expect(zonedTimeToUtc('2026-10-25', '00:30', PARIS).toISOString()).toBe('2026-10-24T22:30:00.000Z');
    expect(zonedTimeToUtc('2026-10-26', '00:30', PARIS).toISOString()).toBe('2026-10-25T23:30:00.000Z');
    // a skipped time resolves one gap later; a repeated time to its first occurrence
    expect(zonedTimeToUtc('2026-03-29', '02:30', PARIS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedTimeToUtc('2026-10-25', '02:30', PARIS).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(dailySlot(new Date('2026-03-29T22:29:00Z'), PARIS, '00:30')).toBe('2026-03-29');
    expect(dailySlot(new Date('2026-03-29T22:30:00Z'), PARIS, '00:30')).toBe('2026-03-30');
  });

  it('counts calendar days in the time zone, not 24-hour periods', () => {
    // initiated at 23:59 in Paris on 1 January; 00:01 on 9 January is day 8 though only 7 days and 2 minutes passed
    expect(calendarDaysSince(new Date('2026-01-01T22:59:00Z'), new Date('2026-01-08T23:01:00Z'), PARIS)).toBe(8);
    expect(calendarDaysSince(new Date('2026-01-01T22:59:00Z'), new Date('2026-01-08T22:59:00Z'), PARIS)).toBe(7);
    // across the spring change, still whole days
    expect(calendarDaysSince(new Date('2026-03-25T10:00:00Z'), new Date('2026-04-02T09:00:00Z'), PARIS)).toBe(8);
    expect(localDate(new Date('2026-01-01T23:30:00Z'), PARIS)).toBe('2026-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('names interval slots in UTC, so the repeated autumn hour is not a second slot', () => {
    expect(intervalSlot(new Date('2026-11-24T09:14:59Z'), 15)).toBe('2026-11-24T09:00Z');
    expect(intervalSlot(new Date('2026-11-24T09:15:00Z'), 15)).toBe('2026-11-24T09:15Z');
    expect(slotFor({ kind: 'interval', minutes: 60 }, new Date('2026-10-25T00:59:00Z'), PARIS)).not.toBe(
      slotFor({ kind: 'interval', minutes: 60 }, new Date('2026-10-25T01:00:00Z'), PARIS),
    );
  });

  it.each([
    [{ kind: 'daily', at: '00:30' } as const, '30 0 * * *'],
    [{ kind: 'daily', at: '09:05' } as const, '5 9 * * *'],
    [{ kind: 'interval', minutes: 15 } as const, '*/15 * * * *'],
    [{ kind: 'interval', minutes: 60 } as const, '0 * * * *'],
  ])('turns %j into the cron expression %s', (schedule, expr) => {
    expect(cronExpression(schedule)).toBe(expr);
  });

  it('refuses malformed times and intervals', () => {
    expect(() => cronExpression({ kind: 'daily', at: '24:00' })).toThrow();
    expect(() => cronExpression({ kind: 'interval', minutes: 7 })).toThrow();
  });
});
