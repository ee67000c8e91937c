import { addDays, zonedTimeToUtc } from '../../lib/time-zone';
import { todayIn } from '../../lib/today';
import { STATUSES, type Status } from '../../core/application/status';

/**
 * The tracking page's charts, as numbers (pure: no database, no clock): over the last 26 weeks (Monday to Sunday in
 * the service's time zone, the current week last), the number of applications that reached each status per week,
 * and the median duration of the steps that ended in each week — invitation → signature, signature → approval,
 * approval → delivery — read from the status history.
 *
 * Finished stretches of time are counted once and stored (`tracking_chart_period`, see the migration); `planChart`
 * says which stretches a chart reads back and from when it counts the history itself.
 */

export const CHART_WEEKS = 26;

export const PHASES = ['signature', 'approval', 'delivery'] as const;
export type Phase = (typeof PHASES)[number];

/** A signature: the employee signs an application they are filling or that was returned to them. */
export const SIGNED_FROM: readonly Status[] = ['in_progress', 'returned'];
export const SIGNED_TO: readonly Status[] = ['pending_approval', 'awaiting_additional_approval'];

const HOUR_MS = 3_600_000;

/**
 * History rows are final this long after their time: a transaction that read the clock just before a boundary may
 * commit a moment after it (and another instance's clock may be a little behind).
 */
export const SETTLE_MS = 10 * 60_000;

export interface ChartWeek {
  /** Its Monday, 'YYYY-MM-DD' in the time zone. */
  start: string;
  /** Monday 00:00 in the time zone, and the next Monday 00:00 (a week of 167 or 169 hours across a DST change). */
  from: Date;
  to: Date;
}

/**
 * Midnight of a date in a time zone, remembered (Intl does the zone's arithmetic, ~10 µs a call; a chart needs 53
 * midnights and they change once a day).
 */
const midnights = new Map<string, number>();
const MIDNIGHTS_MAX = 5_000;

function midnight(date: string, timeZone: string): number {
  const id = `${timeZone}|${date}`;
  let ms = midnights.get(id);
  if (ms === undefined) {
    ms = zonedTimeToUtc(date, '00:00', timeZone).getTime();
    if (midnights.size >= MIDNIGHTS_MAX) midnights.clear();
    midnights.set(id, ms);
  }
  return ms;
}

/** The `count` weeks that end with the current one, oldest first. */
export function chartWeeks(now: Date, timeZone: string, count = CHART_WEEKS): ChartWeek[] {
  const today = todayIn(timeZone, now);
  const sinceMonday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7;
  const monday = addDays(today, -sinceMonday);
  const weeks: ChartWeek[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const start = addDays(monday, -7 * i);
    weeks.push({ start, from: new Date(midnight(start, timeZone)), to: new Date(midnight(addDays(start, 7), timeZone)) });
  }
  return weeks;
}

/** A stretch of time whose counts are stored, and the week (index in `weeks`) it belongs to. */
export interface StoredPeriod {
  from: Date;
  to: Date;
  week: number;
}

export interface ChartPlan {
  weeks: ChartWeek[];
  /** Read back from the stored counts (counted and stored first when missing). */
  stored: StoredPeriod[];
  /** Counted from the history on each request: at most the last hour or two. */
  live: { from: Date; to: Date };
}

/**
 * Where each part of the chart comes from. Settled time (up to SETTLE_MS ago) is stored in nested stretches: each
 * finished week whole; the current week up to the start of the (settled) day; that day up to the start of its last
 * hour. What is left — the last hour or two — is counted live. Each stored stretch lies within one week, so the
 * stretches a chart needs change once an hour (one stretch of at most a day to count), once a day (the week so far)
 * and once a week; a longer stretch replaces the shorter ones inside it.
 */
export function planChart(now: Date, timeZone: string, count = CHART_WEEKS): ChartPlan {
  const weeks = chartWeeks(now, timeZone, count);
  const first = (weeks[0] as ChartWeek).from.getTime();
  const settled = new Date(now.getTime() - SETTLE_MS);
  const dayCut = Math.max(first, midnight(todayIn(timeZone, settled), timeZone));
  const hourCut = Math.max(dayCut, Math.floor(settled.getTime() / HOUR_MS) * HOUR_MS);
  const stored: StoredPeriod[] = [];
  weeks.forEach((w, week) => {
    if (w.to.getTime() <= dayCut) stored.push({ from: w.from, to: w.to, week });
    else if (w.from.getTime() < dayCut) stored.push({ from: w.from, to: new Date(dayCut), week });
  });
  if (hourCut > dayCut) stored.push({ from: new Date(dayCut), to: new Date(hourCut), week: weekOf(weeks, dayCut) });
  return { weeks, stored, live: { from: new Date(hourCut), to: now } };
}

/** The index of the period holding an instant (periods sorted and not overlapping), or -1. */
function weekOf(periods: ReadonlyArray<{ from: Date; to: Date }>, ms: number): number {
  let lo = 0;
  let hi = periods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = periods[mid] as { from: Date; to: Date };
    if (ms < p.from.getTime()) hi = mid - 1;
    else if (ms >= p.to.getTime()) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** One row of the status history, as the charts read it. */
export interface ChartEvent {
  keyId: number;
  from: string | null;
  to: string;
  at: string;
  /**
   * When the step this row ends began: the invitation for a signature, the last signature for an approval, the last
   * approval for a delivery; null for other rows.
   */
  start: string | null;
}

/** Durations in whole hours → how many steps took that long, while counting. */
export type Histogram = Map<number, number>;

/** What a stretch of time counts, while counting (and as stored). */
export interface Tally {
  /** Applications that reached each status (an application reaching one twice counts twice). */
  counts: Partial<Record<Status, number>>;
  durations: Record<Phase, Histogram>;
}

export function emptyTally(): Tally {
  return { counts: {}, durations: { signature: new Map(), approval: new Map(), delivery: new Map() } };
}

/**
 * Counted durations, sorted: each distinct value once (ascending) with how many durations are at most that value,
 * so a median is two binary searches and the median of several is found without merging them.
 */
export interface Distribution {
  values: number[];
  cumulative: number[];
}

/** A stretch's counts once counted (never changed afterwards: it may be shared and remembered). */
export interface PeriodStats {
  counts: Partial<Record<Status, number>>;
  durations: Record<Phase, Distribution>;
}

/** The step a status change ends, if it ends one. */
export function phaseOf(from: string | null, to: string): Phase | null {
  if (to === 'approved') return 'approval';
  if (to === 'card_delivered') return 'delivery';
  if ((SIGNED_TO as readonly string[]).includes(to) && from !== null && (SIGNED_FROM as readonly string[]).includes(from)) return 'signature';
  return null;
}

function addEvent(tally: Tally, e: ChartEvent): void {
  // A row that keeps the status (a priority change) is not a status reached.
  if (e.from === e.to || !(STATUSES as readonly string[]).includes(e.to)) return;
  const to = e.to as Status;
  tally.counts[to] = (tally.counts[to] ?? 0) + 1;
  const phase = phaseOf(e.from, e.to);
  if (!phase || !e.start) return;
  const ms = Date.parse(e.at) - Date.parse(e.start);
  if (!(ms >= 0)) return;
  const hours = Math.round(ms / HOUR_MS);
  const histogram = tally.durations[phase];
  histogram.set(hours, (histogram.get(hours) ?? 0) + 1);
}

/**
 * History rows counted per period (sorted, not overlapping: weeks, or one stretch), for every key together (key 0)
 * and, with `perKey`, for each key. A row outside every period is left out. Returns one map (key → tally) per period.
 */
export function aggregateEvents(
  events: readonly ChartEvent[],
  periods: ReadonlyArray<{ from: Date; to: Date }>,
  opts: { perKey: boolean },
): Array<Map<number, Tally>> {
  const out = periods.map(() => new Map<number, Tally>());
  const tallyOf = (byKey: Map<number, Tally>, keyId: number): Tally => {
    let t = byKey.get(keyId);
    if (!t) byKey.set(keyId, (t = emptyTally()));
    return t;
  };
  for (const e of events) {
    const i = weekOf(periods, Date.parse(e.at));
    if (i < 0) continue;
    const byKey = out[i] as Map<number, Tally>;
    addEvent(tallyOf(byKey, 0), e);
    if (opts.perKey) addEvent(tallyOf(byKey, e.keyId), e);
  }
  return out;
}

/** Adds a tally, or a stretch's counts, into a tally. */
export function addToTally(into: Tally, more: Tally | PeriodStats): void {
  for (const [status, n] of Object.entries(more.counts) as Array<[Status, number]>) into.counts[status] = (into.counts[status] ?? 0) + n;
  for (const phase of PHASES) {
    const target = into.durations[phase];
    const source = more.durations[phase];
    if (source instanceof Map) {
      for (const [hours, n] of source) target.set(hours, (target.get(hours) ?? 0) + n);
    } else {
      source.values.forEach((hours, i) => {
        const n = (source.cumulative[i] as number) - (i ? (source.cumulative[i - 1] as number) : 0);
        target.set(hours, (target.get(hours) ?? 0) + n);
      });
    }
  }
}

/** A tally's durations sorted: the stretch's counts as the charts read them. */
export function settle(tally: Tally): PeriodStats {
  const durations = {} as Record<Phase, Distribution>;
  for (const phase of PHASES) {
    const values = [...tally.durations[phase].keys()].sort((a, b) => a - b);
    let total = 0;
    const cumulative = values.map((v) => (total += tally.durations[phase].get(v) as number));
    durations[phase] = { values, cumulative };
  }
  return { counts: { ...tally.counts }, durations };
}

/** Stored form: `{"c":{status:n},"d":{phase:[hours,n,hours,n,…]}}`, hours ascending. */
export function tallyToJson(tally: Tally): string {
  const d: Record<string, number[]> = {};
  for (const phase of PHASES) {
    const flat: number[] = [];
    for (const [hours, n] of [...tally.durations[phase]].sort((a, b) => a[0] - b[0])) flat.push(hours, n);
    if (flat.length) d[phase] = flat;
  }
  return JSON.stringify({ c: tally.counts, d });
}

/** Adds a stored form's counts into a tally (read back and summed in one go: no intermediate object). */
export function addStoredTally(into: Tally, json: string): void {
  const parsed = JSON.parse(json) as { c?: Record<string, number>; d?: Record<string, number[]> };
  for (const [status, n] of Object.entries(parsed.c ?? {})) {
    if ((STATUSES as readonly string[]).includes(status) && typeof n === 'number') into.counts[status as Status] = (into.counts[status as Status] ?? 0) + n;
  }
  for (const phase of PHASES) {
    const flat = parsed.d?.[phase];
    if (!Array.isArray(flat)) continue;
    const target = into.durations[phase];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const hours = flat[i] as number;
      target.set(hours, (target.get(hours) ?? 0) + (flat[i + 1] as number));
    }
  }
}

/** How many durations a distribution counts. */
export function distributionCount(d: Distribution): number {
  return d.cumulative.length ? (d.cumulative[d.cumulative.length - 1] as number) : 0;
}

/** How many durations are at most `value`. */
function countAtMost(d: Distribution, value: number): number {
  let lo = 0;
  let hi = d.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((d.values[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo ? (d.cumulative[lo - 1] as number) : 0;
}

/** The value of rank `rank` (0: the smallest) among the durations of several distributions (whole hours). */
function valueAtRank(ds: readonly Distribution[], rank: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of ds) {
    if (!d.values.length) continue;
    lo = Math.min(lo, d.values[0] as number);
    hi = Math.max(hi, d.values[d.values.length - 1] as number);
  }
  // The smallest value with more than `rank` durations at most it.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    let n = 0;
    for (const d of ds) n += countAtMost(d, mid);
    if (n > rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The median of the durations of one or several distributions (the mean of the two middle ones when there is an
 * even number of them); null when there is none.
 */
export function medianOf(ds: readonly Distribution[]): number | null {
  let n = 0;
  for (const d of ds) n += distributionCount(d);
  if (n === 0) return null;
  const low = valueAtRank(ds, Math.floor((n - 1) / 2));
  const high = n % 2 ? low : valueAtRank(ds, n / 2);
  return (low + high) / 2;
}

export interface StepSeries {
  /** Median hours per week (null: no step ended that week). */
  medians: Array<number | null>;
  counts: number[];
  /** Over the whole 26 weeks. */
  median: number | null;
  count: number;
}

export interface ChartData {
  /** The weeks' Mondays, oldest first. */
  weeks: string[];
  /** Applications that reached each status, per week. */
  counts: Record<Status, number[]>;
  steps: Record<Phase, StepSeries>;
  /** Every status reached in the 26 weeks (0: nothing happened). */
  total: number;
}

/** The charts' numbers from each week's counts. */
export function chartData(weeks: readonly ChartWeek[], perWeek: readonly PeriodStats[]): ChartData {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, perWeek.map((w) => w.counts[s] ?? 0)])) as Record<Status, number[]>;
  const steps = {} as Record<Phase, StepSeries>;
  for (const phase of PHASES) {
    const ds = perWeek.map((w) => w.durations[phase]);
    const weekCounts = ds.map(distributionCount);
    steps[phase] = {
      medians: ds.map((d) => medianOf([d])),
      counts: weekCounts,
      median: medianOf(ds),
      count: weekCounts.reduce((a, b) => a + b, 0),
    };
  }
  const total = STATUSES.reduce((sum, s) => sum + counts[s].reduce((a, b) => a + b, 0), 0);
  return { weeks: weeks.map((w) => w.start), counts, steps, total };
}
