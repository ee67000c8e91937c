import { absenceDatesError, hasAbsenceEnded, isAbsenceCurrent, onBehalfOf } from '../../src/core/administrators/absence';

/** Issue 16 item 2: the out-of-office rule compares dates in TIME_ZONE with `now`. */
describe('absence rules', () => {
  const paris = 'Europe/Paris';
  const absence = { startsOn: '2026-12-01', endsOn: '2026-12-05' };

  it('is current from its first day to its last day inclusive, in the time zone', () => {
    // 30 Nov 23:30 UTC is already 1 Dec in Paris.
    expect(isAbsenceCurrent(absence, new Date('2026-11-30T22:59:00Z'), paris)).toBe(false);
    expect(isAbsenceCurrent(absence, new Date('2026-11-30T23:30:00Z'), paris)).toBe(true);
    expect(isAbsenceCurrent(absence, new Date('2026-11-30T23:30:00Z'), 'UTC')).toBe(false);
    expect(isAbsenceCurrent(absence, new Date('2026-12-05T22:59:00Z'), paris)).toBe(true);
    // 5 Dec 23:30 UTC is 6 Dec in Paris: over.
    expect(isAbsenceCurrent(absence, new Date('2026-12-05T23:30:00Z'), paris)).toBe(false);
  });

  it('has ended once its last day is past (it ends by itself)', () => {
    expect(hasAbsenceEnded(absence, new Date('2026-12-05T12:00:00Z'), paris)).toBe(false);
    expect(hasAbsenceEnded(absence, new Date('2026-12-05T23:30:00Z'), paris)).toBe(true);
    expect(hasAbsenceEnded(absence, new Date('2026-11-20T12:00:00Z'), paris)).toBe(false);
  });

  it('validates the dates: not in the past, the end not before the start, at most a year', () => {
    const now = new Date('2026-11-24T09:00:00Z');
    expect(absenceDatesError({ startsOn: '2026-11-24', endsOn: '2026-11-24' }, now, paris)).toBeUndefined();
    expect(absenceDatesError({ startsOn: '2026-11-23', endsOn: '2026-11-30' }, now, paris)).toEqual({
      field: 'startsOn',
      message: 'absence:errors.startsInPast',
    });
    expect(absenceDatesError({ startsOn: '2026-12-10', endsOn: '2026-12-09' }, now, paris)).toEqual({
      field: 'endsOn',
      message: 'absence:errors.endsBeforeStart',
    });
    expect(absenceDatesError({ startsOn: '2026-12-10', endsOn: '2027-11-25' }, now, paris)).toBeUndefined();
    expect(absenceDatesError({ startsOn: '2026-12-10', endsOn: '2027-11-26' }, now, paris)).toEqual({ field: 'endsOn', message: 'absence:errors.tooLong' });
    // Late evening UTC of the 23rd is already the 24th in Paris: today, not the past.
    expect(absenceDatesError({ startsOn: '2026-11-24', endsOn: '2026-11-24' }, new Date('2026-11-23T23:30:00Z'), paris)).toBeUndefined();
    expect(absenceDatesError({ startsOn: '2026-11-24', endsOn: '2026-11-24' }, new Date('2026-11-23T23:30:00Z'), 'UTC')).toBeUndefined();
  });

  it('names the absent administrator only for a delegated BC', () => {
    const actor = { delegations: [{ accountId: 7, absentId: 3, absentName: 'Claire' }] };
    expect(onBehalfOf(actor, 7)).toEqual({ accountId: 7, absentId: 3, absentName: 'Claire' });
    expect(onBehalfOf(actor, 8)).toBeUndefined();
    expect(onBehalfOf({}, 7)).toBeUndefined();
  });
});
