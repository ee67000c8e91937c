import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Clock } from '../platform/clock';

/**
 * express-rate-limit's per-address windows, kept in memory on the injected clock (its own MemoryStore reads the system
 * clock): a window starts at a client's first hit and lasts `windowMs`, and the wait the 429 page states is measured
 * on the same clock as everything else. Expired windows are dropped when the map grows past MAX_CLIENTS.
 */
const MAX_CLIENTS = 10_000;

export class ClockedMemoryStore implements Store {
  private windowMs = 60_000;
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();

  constructor(private readonly clock: Clock) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private windowOf(key: string): { hits: number; resetAt: number } {
    const now = this.clock.now().getTime();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= MAX_CLIENTS) for (const [k, old] of this.windows) if (old.resetAt <= now) this.windows.delete(k);
      w = { hits: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    return w;
  }

  increment(key: string): IncrementResponse {
    const w = this.windowOf(key);
    w.hits++;
    return { totalHits: w.hits, resetTime: new Date(w.resetAt) };
  }

  decrement(key: string): void {
    const w = this.windows.get(key);
    if (w && w.hits > 0) w.hits--;
  }

  resetKey(key: string): void {
    this.windows.delete(key);
  }
}
