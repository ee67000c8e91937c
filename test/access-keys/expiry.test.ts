import { maxExpiry } from '../../src/features/access-keys/schema';
import { todayIn } from '../../src/features/access-keys/service';

describe('the 20-year cap of an access key’s expiry', () => {
  it.each([
    ['2026-11-24', '2046-11-24'],
    ['2026-12-07', '2046-12-07'],
    ['2028-02-29', '2048-02-29'],
    ['2080-02-29', '2100-02-28'],
    ['2026-12-31', '2046-12-31'],
  ])('a key created on %s may run until %s', (createdOn, cap) => {
    expect(maxExpiry(createdOn)).toBe(cap);
  });

  it('is counted from the creation day in the time zone, not the UTC date (00:30 in Paris on 7 December 2026)', () => {
    const now = new Date('2026-12-06T23:30:00Z');
    expect(maxExpiry(todayIn('Europe/Paris', now))).toBe('2046-12-07');
    expect(maxExpiry(todayIn('UTC', now))).toBe('2046-12-06');
  });
});
