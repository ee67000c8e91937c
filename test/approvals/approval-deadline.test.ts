import { approvalDeadline, isOverdue, overdueBefore, overdueCutoffs } from '../../src/core/application/approval-deadline';
import { addDays } from '../../src/lib/time-zone';

const rules = { timeZone: 'Europe/Paris', country: 'FR' as const };
/** Noon in Paris on a local date (winter: UTC+1). */
const at = (date: string) => new Date(`${date}T11:00:00.000Z`);

describe('the approval deadline rule (issue 16 item 3)', () => {
  // Pending since Monday 21 December 2026; Friday 25 December is Christmas, then a weekend.
  const since = '2026-12-21T09:00:00.000Z';

  it('counts business days across a weekend and a public holiday: 5 days from Monday 21 December end on Tuesday 29', () => {
    expect(approvalDeadline(since, 5, at('2026-12-29'), rules)).toEqual({ dueOn: '2026-12-29', overdue: false, businessDaysLate: 0, escalated: false });
    expect(approvalDeadline(since, 5, at('2026-12-30'), rules)).toEqual({ dueOn: '2026-12-29', overdue: true, businessDaysLate: 1, escalated: false });
    // Christmas and the weekend do not count: on Monday 28 it is only 4 business days old.
    expect(approvalDeadline(since, 4, at('2026-12-28'), rules).overdue).toBe(false);
    expect(approvalDeadline(since, 4, at('2026-12-29'), rules).overdue).toBe(true);
  });

  it('escalates after twice the deadline (10 business days across New Year’s Day: from Thursday 7 January 2027)', () => {
    expect(approvalDeadline(since, 5, at('2027-01-06'), rules)).toMatchObject({ overdue: true, escalated: false });
    expect(approvalDeadline(since, 5, at('2027-01-07'), rules)).toMatchObject({ overdue: true, escalated: true, businessDaysLate: 6 });
  });

  it('counts from the local date in TIME_ZONE, not the UTC date', () => {
    // 23:30 UTC on Monday 21 is already Tuesday 22 in Paris: due one business day later.
    expect(approvalDeadline('2026-12-21T23:30:00.000Z', 5, at('2026-12-30'), rules)).toMatchObject({ dueOn: '2026-12-30', overdue: false });
  });

  it('uses the holidays of HOLIDAY_COUNTRY: 14 July counts as a business day in Belgium, not in France', () => {
    // 14 July is a holiday in France, not in Belgium: pending on Monday 12 July 2027, 2 business days.
    const july = '2027-07-12T09:00:00.000Z';
    expect(approvalDeadline(july, 2, at('2027-07-14'), rules).dueOn).toBe('2027-07-15');
    expect(approvalDeadline(july, 2, at('2027-07-14'), { ...rules, country: 'BE' }).dueOn).toBe('2027-07-14');
  });

  it('gives the instant a query compares with: pending before it ⇔ overdue, for every deadline and day of a month', () => {
    for (let d = 0; d < 40; d += 3) {
      const now = at(addDays('2026-12-01', d));
      for (const days of [1, 2, 5, 10, 30]) {
        const cutoff = overdueBefore(days, now, rules);
        for (let back = 0; back < 60; back += 1) {
          const pendingSince = new Date(now.getTime() - back * 86400000 - 3600000).toISOString();
          expect([days, pendingSince, pendingSince < cutoff]).toEqual([days, pendingSince, approvalDeadline(pendingSince, days, now, rules).overdue]);
        }
      }
    }
  });

  it('gives every deadline’s instant in one walk, the same as one by one, across Christmas, Easter and both countries', () => {
    for (const country of ['FR', 'BE'] as const)
      for (const day of ['2026-12-24', '2026-12-28', '2027-01-01', '2027-03-29', '2027-04-05', '2027-05-14', '2027-07-15']) {
        const now = at(day);
        const all = overdueCutoffs(30, now, { ...rules, country });
        expect(all).toHaveLength(30);
        for (let days = 1; days <= 30; days++) {
          const cutoff = all[days - 1] as string;
          // Pending the day before the cut-off's day: overdue; pending on that day: not.
          expect(approvalDeadline(new Date(Date.parse(cutoff) - 3600000).toISOString(), days, now, { ...rules, country }).overdue).toBe(true);
          expect(approvalDeadline(cutoff, days, now, { ...rules, country }).overdue).toBe(false);
        }
      }
  });

  it('gives the same cut-offs all day long (starts of days), and the next day its own', () => {
    const early = overdueCutoffs(30, new Date('2026-12-28T23:30:00.000Z'), rules); // 00:30 on the 29th in Paris
    const late = overdueCutoffs(30, new Date('2026-12-29T22:30:00.000Z'), rules); // 23:30 on the 29th
    expect(late).toEqual(early);
    expect(early[0]).toBe('2026-12-27T23:00:00.000Z'); // 1 business day: overdue if pending before Monday 28, 00:00
    const nextDay = overdueCutoffs(30, new Date('2026-12-29T23:30:00.000Z'), rules); // 00:30 on the 30th
    expect(nextDay[0]).toBe('2026-12-28T23:00:00.000Z');
    expect(overdueCutoffs(30, new Date('2026-12-29T22:30:00.000Z'), { ...rules, country: 'BE' })).not.toBe(late);
  });
});

describe('isOverdue (the queue tag, from the page rows)', () => {
  const cutoffs = ['2026-12-03T23:00:00.000Z', '2026-12-02T23:00:00.000Z'];
  it('compares the pending instant with its deadline’s cut-off, and never tags an unknown deadline', () => {
    expect(isOverdue('2026-12-03T22:59:59.999Z', 1, cutoffs)).toBe(true);
    expect(isOverdue('2026-12-03T23:00:00.000Z', 1, cutoffs)).toBe(false);
    expect(isOverdue('2026-12-02T22:00:00.000Z', 2, cutoffs)).toBe(true);
    expect(isOverdue('2026-12-02T23:30:00.000Z', 2, cutoffs)).toBe(false);
    expect(isOverdue('2020-01-01T00:00:00.000Z', 3, cutoffs)).toBe(false);
    expect(isOverdue('2020-01-01T00:00:00.000Z', 0, cutoffs)).toBe(false);
  });
});
