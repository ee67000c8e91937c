import { monthsBefore, personalDataCutoff, archiveCutoff } from '../../src/core/retention/rules';
import { finalSince } from '../../src/core/application/status';
import { addBusinessDays } from '../../src/lib/business-days';

describe('retention rules (time is a parameter)', () => {
  it('counts whole calendar months back, clamping to the end of a shorter month', () => {
    expect(monthsBefore(new Date('2027-03-31T10:00:00Z'), 1).toISOString()).toBe('2027-02-28T10:00:00.000Z');
    expect(personalDataCutoff(new Date('2027-12-24T09:00:00Z'), 13).toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(archiveCutoff(new Date('2031-11-24T09:00:00Z'), 5).toISOString()).toBe('2026-11-24T09:00:00.000Z');
  });

  it('a cancelled application is final only once it can no longer be reactivated; open ones are never final', () => {
    const created = '2026-01-01T00:00:00.000Z';
    expect(finalSince({ status: 'cancelled', statusChangedAt: '2026-01-10T00:00:00.000Z', createdAt: created })?.toISOString()).toBe(
      '2026-04-01T00:00:00.000Z',
    );
    expect(finalSince({ status: 'cancelled', statusChangedAt: '2026-06-01T00:00:00.000Z', createdAt: created })?.toISOString()).toBe(
      '2026-06-01T00:00:00.000Z',
    );
    expect(finalSince({ status: 'card_delivered', statusChangedAt: '2026-06-01T00:00:00.000Z', createdAt: created })?.toISOString()).toBe(
      '2026-06-01T00:00:00.000Z',
    );
    expect(finalSince({ status: 'card_issued', statusChangedAt: '2026-06-01T00:00:00.000Z', createdAt: created })).toBeUndefined();
  });
});

describe('expected delivery in business days', () => {
  it('skips week-ends', () => {
    expect(addBusinessDays('2026-11-20', 7, 'FR')).toBe('2026-12-01'); // Friday + 7 business days = Tuesday
    expect(addBusinessDays('2026-12-04', 1, 'FR')).toBe('2026-12-07');
    expect(addBusinessDays('2026-12-05', 1, 'FR')).toBe('2026-12-07'); // from a Saturday
  });
});
