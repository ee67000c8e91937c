/**
 * Time slots of scheduled jobs, computed in the configured time zone from an injected "now" (never the system clock),
 * so tests can move the clock.
 */
import { addDays, localDate, parseTime, zonedTimeToUtc } from '../lib/time-zone';

/** When a job is due: every day at a local time, or every N minutes (N divides 60, or is a multiple of 60 dividing 1440). */
export type JobSchedule = { kind: 'daily'; at: string } | { kind: 'interval'; minutes: number };

/**
 * The slot of a daily job: the local date ('YYYY-MM-DD') of its last due occurrence at or before `now`.
 * At 00:10 in Paris the 00:30 job's slot is the previous day's.
 */
export function dailySlot(now: Date, timeZone: string, at: string): string {
  const today = localDate(now, timeZone);
  return now.getTime() >= zonedTimeToUtc(today, at, timeZone).getTime() ? today : addDays(today, -1);
}

/** The slot of an interval job: the start of the current period, in UTC ('YYYY-MM-DDTHH:MMZ'), so DST never repeats one. */
export function intervalSlot(now: Date, minutes: number): string {
  const period = minutes * 60000;
  return `${new Date(Math.floor(now.getTime() / period) * period).toISOString().slice(0, 16)}Z`;
}

export function slotFor(schedule: JobSchedule, now: Date, timeZone: string): string {
  return schedule.kind === 'daily' ? dailySlot(now, timeZone, schedule.at) : intervalSlot(now, schedule.minutes);
}

/** The node-cron expression that fires at each slot's due time (evaluated by node-cron in the configured time zone). */
export function cronExpression(schedule: JobSchedule): string {
  if (schedule.kind === 'daily') {
    const { hour, minute } = parseTime(schedule.at);
    return `${minute} ${hour} * * *`;
  }
  const m = schedule.minutes;
  if (m > 0 && m < 60 && 60 % m === 0) return `*/${m} * * * *`;
  if (m >= 60 && m % 60 === 0 && 1440 % m === 0) return m === 60 ? '0 * * * *' : `0 */${m / 60} * * *`;
  throw new Error(`unsupported interval: ${m} minutes`);
}
