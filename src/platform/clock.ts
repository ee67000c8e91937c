/** The source of the current time: the system clock in production, a test clock in tests (deps.clock). */
export interface Clock {
  now(): Date;
}

/** The one place the application reads the system's time; everything else asks a Clock or takes `now`. */
export const systemClock: Clock = { now: () => new Date() };
