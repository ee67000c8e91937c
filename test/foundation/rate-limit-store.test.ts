import type { Options } from 'express-rate-limit';
import { ClockedMemoryStore } from '../../src/middleware/rate-limit-store';
import { TestClock } from '../support/app';

describe('the per-address rate-limit windows, on the injected clock', () => {
  it('counts hits in a window that starts at the first hit and ends windowMs later on that clock', () => {
    const clock = new TestClock(new Date('2026-12-07T09:00:00.000Z'));
    const store = new ClockedMemoryStore(clock);
    store.init({ windowMs: 15 * 60 * 1000 } as Options);
    expect(store.increment('1.2.3.4')).toEqual({ totalHits: 1, resetTime: new Date('2026-12-07T09:15:00.000Z') });
    clock.current = new Date('2026-12-07T09:14:59.000Z');
    expect(store.increment('1.2.3.4').totalHits).toBe(2);
    store.decrement('1.2.3.4');
    expect(store.increment('5.6.7.8').totalHits).toBe(1);
    clock.current = new Date('2026-12-07T09:15:00.000Z');
    expect(store.increment('1.2.3.4')).toEqual({ totalHits: 1, resetTime: new Date('2026-12-07T09:30:00.000Z') });
    store.resetKey('1.2.3.4');
    expect(store.increment('1.2.3.4').totalHits).toBe(1);
  });
});
