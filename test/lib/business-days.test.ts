import { addDays } from '../../src/lib/time-zone';
import { addBusinessDays, businessDaysBetween, isBusinessDay, publicHolidays } from '../../src/lib/business-days';

describe('business days (FR and BE public holidays from date-holidays)', () => {
  it.each([
    ['2026-04-06', 'Easter Monday'],
    ['2026-05-01', '1 May'],
    ['2026-05-14', 'Ascension'],
    ['2026-05-25', 'Whit Monday'],
    ['2026-11-11', '11 November'],
    ['2026-12-25', 'Christmas'],
    ['2027-01-01', 'New Year'],
    ['2027-03-29', 'Easter Monday 2027'],
    ['2027-05-06', 'Ascension 2027'],
    ['2027-05-17', 'Whit Monday 2027'],
  ])('%s (%s) is a day off in both countries', (day) => {
    expect(isBusinessDay(day, 'FR')).toBe(false);
    expect(isBusinessDay(day, 'BE')).toBe(false);
  });

  it('knows each country’s own days: 8 May and 14 July in France, 21 July in Belgium', () => {
    expect(isBusinessDay('2026-05-08', 'FR')).toBe(false);
    expect(isBusinessDay('2026-05-08', 'BE')).toBe(true);
    expect(isBusinessDay('2026-07-14', 'FR')).toBe(false);
    expect(isBusinessDay('2026-07-14', 'BE')).toBe(true);
    expect(isBusinessDay('2026-07-21', 'BE')).toBe(false);
    expect(isBusinessDay('2026-07-21', 'FR')).toBe(true);
  });

  it('skips weekends', () => {
    expect(isBusinessDay('2026-12-05', 'FR')).toBe(false); // Saturday
    expect(isBusinessDay('2026-12-06', 'FR')).toBe(false); // Sunday
    expect(isBusinessDay('2026-12-07', 'FR')).toBe(true); // Monday
  });

  it('counts 15 business days from a complaint received on 2027-04-30, across Ascension and Whit Monday', () => {
    // 1 and 8 May 2027 are Saturdays; Ascension is 6 May, Whit Monday 17 May.
    expect(addBusinessDays('2027-04-30', 15, 'FR')).toBe('2027-05-25');
    expect(addBusinessDays('2027-04-30', 15, 'BE')).toBe('2027-05-25');
    expect(addBusinessDays('2027-04-30', 35, 'FR')).toBe('2027-06-22');
    expect(addBusinessDays('2027-04-30', 35, 'BE')).toBe('2027-06-22');
  });

  it('differs between the countries when their holidays differ (14 July, 21 July)', () => {
    expect(addBusinessDays('2026-07-10', 5, 'FR')).toBe('2026-07-20'); // 13, 15, 16, 17, 20 (14 July off)
    expect(addBusinessDays('2026-07-10', 5, 'BE')).toBe('2026-07-17'); // 13, 14, 15, 16, 17
    expect(addBusinessDays('2026-07-17', 3, 'BE')).toBe('2026-07-23'); // 20, 22, 23 (21 July off)
    expect(addBusinessDays('2026-05-07', 1, 'FR')).toBe('2026-05-11'); // Friday 8 May off in France
    expect(addBusinessDays('2026-05-07', 1, 'BE')).toBe('2026-05-08');
  });

  it('crosses the year end (Christmas, the weekend and New Year)', () => {
    expect(addBusinessDays('2026-12-23', 3, 'FR')).toBe('2026-12-29'); // 24, 28, 29
    expect(addBusinessDays('2026-12-30', 2, 'BE')).toBe('2027-01-04'); // 31, 4 January
    expect(businessDaysBetween('2026-12-23', '2027-01-04', 'FR')).toBe(6); // 24, 28, 29, 30, 31, 4
  });

  it('businessDaysBetween is the inverse of addBusinessDays, and 0 for a day already past', () => {
    for (const n of [0, 1, 5, 15, 35, 260]) expect(businessDaysBetween('2027-04-30', addBusinessDays('2027-04-30', n, 'FR'), 'FR')).toBe(n);
    expect(businessDaysBetween('2027-05-25', '2027-05-20', 'FR')).toBe(0);
    expect(() => addBusinessDays('2027-04-30', -1, 'FR')).toThrow(RangeError);
  });

  it('takes public holidays only, not observances', () => {
    expect([...publicHolidays('FR', 2026)]).toHaveLength(11);
    expect([...publicHolidays('BE', 2026)]).toHaveLength(10);
  });

  it('agrees with counting day by day, for random dates across year ends and spans up to 400 business days', () => {
    const naiveAdd = (date: string, n: number, country: 'FR' | 'BE') => {
      let day = date;
      for (let left = n; left > 0;) {
        day = addDays(day, 1);
        if (isBusinessDay(day, country)) left--;
      }
      return day;
    };
    const naiveBetween = (from: string, to: string, country: 'FR' | 'BE') => {
      let count = 0;
      for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isBusinessDay(day, country)) count++;
      return count;
    };
    let seed = 20261207;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const country = i % 2 ? 'FR' : 'BE';
      const from = addDays('2025-06-01', random(1200));
      const n = [0, 1, 2, 5, 15, 35][i % 6]! + random(i % 3 ? 10 : 400);
      const to = addDays(from, random(500) - 50);
      expect([from, n, addBusinessDays(from, n, country)]).toEqual([from, n, naiveAdd(from, n, country)]);
      expect([from, to, businessDaysBetween(from, to, country)]).toEqual([from, to, naiveBetween(from, to, country)]);
    }
  });
});
