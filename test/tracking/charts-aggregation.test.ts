import {
  addStoredTally,
  addToTally,
  aggregateEvents,
  CHART_WEEKS,
  chartData,
  chartWeeks,
  emptyTally,
  medianOf,
  phaseOf,
  planChart,
  settle,
  tallyToJson,
  type ChartEvent,
  type Distribution,
  type Tally,
} from '../../src/features/tracking/charts';

const PARIS = 'Europe/Paris';
const HOUR = 3_600_000;
const iso = (d: Date) => d.toISOString();

/** A distribution of these durations (hours). */
function dist(...hours: number[]): Distribution {
  const t = emptyTally();
  for (const h of hours) t.durations.signature.set(h, (t.durations.signature.get(h) ?? 0) + 1);
  return settle(t).durations.signature;
}

function event(at: string, to: string, opts: Partial<ChartEvent> = {}): ChartEvent {
  return { keyId: 1, from: 'in_progress', to, at, start: null, ...opts };
}

describe('tracking charts: the 26 weeks in the time zone', () => {
  it('are Monday to Monday in the zone, the current week last, across a year end', () => {
    const weeks = chartWeeks(new Date('2027-01-02T12:00:00Z'), PARIS); // Saturday 2 January 2027
    expect(weeks).toHaveLength(CHART_WEEKS);
    const last = weeks[CHART_WEEKS - 1]!;
    expect(last.start).toBe('2026-12-28');
    expect(iso(last.from)).toBe('2026-12-27T23:00:00.000Z'); // Monday 00:00 in Paris (UTC+1)
    expect(iso(last.to)).toBe('2027-01-03T23:00:00.000Z');
    expect(weeks[0]!.start).toBe('2026-07-06');
    expect(iso(weeks[0]!.from)).toBe('2026-07-05T22:00:00.000Z'); // summer time (UTC+2)
    for (let i = 1; i < weeks.length; i++) expect(weeks[i]!.from).toEqual(weeks[i - 1]!.to);
  });

  it('start on the local Monday even when it is still Sunday in UTC', () => {
    // Monday 4 January 2027, 00:30 in Paris = Sunday 23:30 UTC.
    const weeks = chartWeeks(new Date('2027-01-03T23:30:00Z'), PARIS);
    expect(weeks[CHART_WEEKS - 1]!.start).toBe('2027-01-04');
    // Sunday 3 January 2027, 23:30 in Paris: still the week of 28 December.
    expect(chartWeeks(new Date('2027-01-03T22:30:00Z'), PARIS)[CHART_WEEKS - 1]!.start).toBe('2026-12-28');
  });

  it('last 167 hours across the spring change and 169 across the autumn one', () => {
    const spring = chartWeeks(new Date('2026-04-10T12:00:00Z'), PARIS).find((w) => w.start === '2026-03-23')!;
    expect(iso(spring.from)).toBe('2026-03-22T23:00:00.000Z');
    expect(iso(spring.to)).toBe('2026-03-29T22:00:00.000Z');
    expect((spring.to.getTime() - spring.from.getTime()) / HOUR).toBe(167);
    const autumn = chartWeeks(new Date('2026-11-05T12:00:00Z'), PARIS).find((w) => w.start === '2026-10-19')!;
    expect((autumn.to.getTime() - autumn.from.getTime()) / HOUR).toBe(169);
  });
});

describe('tracking charts: which stretches are stored and which are counted live', () => {
  /** What is wrong with the plan at `now`: stored stretches and the live part must cover the 26 weeks up to now, in order. */
  function coverageProblems(now: Date): string[] {
    const plan = planChart(now, PARIS);
    const problems: string[] = [];
    let at = plan.weeks[0]!.from.getTime();
    for (const p of plan.stored) {
      const week = plan.weeks[p.week]!;
      if (p.from.getTime() !== at) problems.push(`gap or overlap before ${iso(p.from)}`);
      if (p.to.getTime() <= p.from.getTime()) problems.push(`empty stretch at ${iso(p.from)}`);
      if (p.from < week.from || p.to > week.to) problems.push(`stretch ${iso(p.from)} outside its week ${week.start}`);
      at = p.to.getTime();
    }
    if (plan.live.from.getTime() !== at) problems.push(`live part from ${iso(plan.live.from)}, stored up to ${new Date(at).toISOString()}`);
    if (plan.live.to.getTime() !== now.getTime()) problems.push('live part not up to now');
    // Ten minutes to settle, then at most an hour counted live.
    const live = now.getTime() - plan.live.from.getTime();
    if (live < 10 * 60_000 || live >= 70 * 60_000) problems.push(`live part of ${live / 60_000} min`);
    return problems.map((p) => `${iso(now)}: ${p}`);
  }

  function expectCoverage(now: Date): ReturnType<typeof planChart> {
    expect(coverageProblems(now)).toEqual([]);
    return planChart(now, PARIS);
  }

  it('stores finished weeks whole, the week up to today, today up to the last hour; counts the rest live', () => {
    const now = new Date('2026-11-24T09:05:00Z'); // Tuesday 10:05 in Paris
    const plan = expectCoverage(now);
    expect(plan.stored).toHaveLength(CHART_WEEKS + 1);
    const [weekSoFar, today] = plan.stored.slice(-2);
    expect([iso(weekSoFar!.from), iso(weekSoFar!.to)]).toEqual(['2026-11-22T23:00:00.000Z', '2026-11-23T23:00:00.000Z']);
    expect([iso(today!.from), iso(today!.to)]).toEqual(['2026-11-23T23:00:00.000Z', '2026-11-24T08:00:00.000Z']);
    expect(iso(plan.live.from)).toBe('2026-11-24T08:00:00.000Z');
  });

  it('just after midnight on a Monday, counts the end of Sunday live into both weeks', () => {
    const now = new Date('2026-11-22T23:05:00Z'); // Monday 23 November, 00:05 in Paris
    const plan = expectCoverage(now);
    expect(plan.weeks[CHART_WEEKS - 1]!.start).toBe('2026-11-23');
    // Nothing of the current week is stored yet; the previous week so far (to Sunday 00:00) and Sunday so far are.
    expect(plan.stored.every((p) => p.week < CHART_WEEKS - 1)).toBe(true);
    expect(iso(plan.live.from)).toBe('2026-11-22T22:00:00.000Z');
  });

  it('covers the 26 weeks whatever the moment (every 7 hours 13 minutes over a year, both DST changes included)', () => {
    const problems: string[] = [];
    let moments = 0;
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 7 * HOUR + 13 * 60_000, moments++) {
      problems.push(...coverageProblems(new Date(t)));
    }
    expect(moments).toBeGreaterThan(1200);
    expect(problems).toEqual([]);
  });
});

describe('tracking charts: counting the history', () => {
  it('counts each status reached, but not a row that keeps the status (a priority change)', () => {
    const [week] = aggregateEvents(
      [
        event('2026-11-24T10:00:00.000Z', 'invited', { from: null }),
        event('2026-11-24T11:00:00.000Z', 'in_progress', { from: 'invited' }),
        event('2026-11-24T12:00:00.000Z', 'in_progress', { from: 'in_progress' }),
        event('2026-11-24T13:00:00.000Z', 'no_such_status'),
      ],
      [{ from: new Date('2026-11-23T23:00:00Z'), to: new Date('2026-11-30T23:00:00Z') }],
      { perKey: false },
    );
    expect(week!.get(0)!.counts).toEqual({ invited: 1, in_progress: 1 });
  });

  it('knows which status changes end a step', () => {
    expect(phaseOf('in_progress', 'pending_approval')).toBe('signature');
    expect(phaseOf('returned', 'awaiting_additional_approval')).toBe('signature');
    // The additional approver's approval moves the application on, it is not a signature.
    expect(phaseOf('awaiting_additional_approval', 'pending_approval')).toBeNull();
    expect(phaseOf('pending_approval', 'approved')).toBe('approval');
    expect(phaseOf('card_issued', 'card_delivered')).toBe('delivery');
    expect(phaseOf('approved', 'transmitted')).toBeNull();
  });

  it('measures each step in whole hours from its start, leaving out a step without a start or ending before it', () => {
    const [week] = aggregateEvents(
      [
        event('2026-11-24T10:00:00.000Z', 'pending_approval', { start: '2026-11-22T22:00:00.000Z' }), // 36 h
        event('2026-11-24T10:00:00.000Z', 'pending_approval', { start: '2026-11-24T09:40:00.000Z' }), // 20 min → 0 h
        event('2026-11-24T10:00:00.000Z', 'approved', { from: 'pending_approval', start: '2026-11-24T07:29:00.000Z' }), // 2 h 31 → 3 h
        event('2026-11-24T10:00:00.000Z', 'approved', { from: 'pending_approval', start: null }),
        event('2026-11-24T10:00:00.000Z', 'card_delivered', { from: 'card_issued', start: '2026-11-25T10:00:00.000Z' }),
      ],
      [{ from: new Date('2026-11-23T23:00:00Z'), to: new Date('2026-11-30T23:00:00Z') }],
      { perKey: false },
    );
    const tally = week!.get(0)!;
    expect(tally.counts).toEqual({ pending_approval: 2, approved: 2, card_delivered: 1 });
    expect([...tally.durations.signature].sort()).toEqual([
      [0, 1],
      [36, 1],
    ]);
    expect([...tally.durations.approval]).toEqual([[3, 1]]);
    expect(tally.durations.delivery.size).toBe(0);
  });

  it('puts each row in its local week: across a year end and across the spring DST change', () => {
    const weeks = chartWeeks(new Date('2027-01-05T12:00:00Z'), PARIS);
    const index = (start: string) => weeks.findIndex((w) => w.start === start);
    const byWeek = aggregateEvents(
      [
        event('2026-12-27T22:30:00.000Z', 'invited', { from: null }), // Sunday 27 December, 23:30 in Paris
        event('2026-12-27T23:30:00.000Z', 'invited', { from: null }), // Monday 28 December, 00:30
        event('2027-01-03T22:59:59.999Z', 'invited', { from: null }), // Sunday 3 January, 23:59:59.999
        event('2027-01-03T23:00:00.000Z', 'invited', { from: null }), // Monday 4 January, 00:00
        event('2027-01-05T11:00:00.000Z', 'invited', { from: null }), // this week
        event('2027-02-01T11:00:00.000Z', 'invited', { from: null }), // after the weeks: left out
        event('2026-01-01T11:00:00.000Z', 'invited', { from: null }), // before them: left out
      ],
      weeks,
      { perKey: false },
    );
    const invited = (start: string) => byWeek[index(start)]!.get(0)?.counts.invited ?? 0;
    expect(invited('2026-12-21')).toBe(1);
    expect(invited('2026-12-28')).toBe(2);
    expect(invited('2027-01-04')).toBe(2); // Monday 00:00 and this week
    expect(byWeek.reduce((n, w) => n + (w.get(0)?.counts.invited ?? 0), 0)).toBe(5);

    const spring = chartWeeks(new Date('2026-04-10T12:00:00Z'), PARIS);
    const springWeeks = aggregateEvents(
      [
        event('2026-03-29T21:30:00.000Z', 'invited', { from: null }), // Sunday 29 March, 23:30 summer time
        event('2026-03-29T22:30:00.000Z', 'invited', { from: null }), // Monday 30 March, 00:30
        event('2026-03-22T22:30:00.000Z', 'invited', { from: null }), // Sunday 22 March, 23:30 winter time
      ],
      spring,
      { perKey: false },
    );
    const springCount = (start: string) => springWeeks[spring.findIndex((w) => w.start === start)]!.get(0)?.counts.invited ?? 0;
    expect(springCount('2026-03-16')).toBe(1);
    expect(springCount('2026-03-23')).toBe(1);
    expect(springCount('2026-03-30')).toBe(1);
  });

  it('counts per key and for every key together', () => {
    const [week] = aggregateEvents(
      [event('2026-11-24T10:00:00.000Z', 'invited', { from: null, keyId: 7 }), event('2026-11-24T10:00:00.000Z', 'invited', { from: null, keyId: 9 })],
      [{ from: new Date('2026-11-23T23:00:00Z'), to: new Date('2026-11-30T23:00:00Z') }],
      { perKey: true },
    );
    expect([...week!.keys()].sort()).toEqual([0, 7, 9]);
    expect(week!.get(0)!.counts.invited).toBe(2);
    expect(week!.get(7)!.counts.invited).toBe(1);
  });
});

describe('tracking charts: medians', () => {
  it('is the middle duration of an odd number, the mean of the two middle ones of an even number, none of none', () => {
    expect(medianOf([dist(5, 1, 3)])).toBe(3);
    expect(medianOf([dist(1, 2, 3, 10)])).toBe(2.5);
    expect(medianOf([dist(4, 4, 4, 9)])).toBe(4);
    expect(medianOf([dist(7)])).toBe(7);
    expect(medianOf([dist()])).toBeNull();
    expect(medianOf([])).toBeNull();
  });

  it('is the median of all the durations of several distributions (weeks, keys) without merging them', () => {
    expect(medianOf([dist(1, 5), dist(2, 3, 100)])).toBe(3);
    expect(medianOf([dist(1, 5), dist(2, 3)])).toBe(2.5);
    expect(medianOf([dist(), dist(8, 8), dist(1)])).toBe(8);
    // Against sorting everything, on pseudo-random data.
    let seed = 42;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 200; round++) {
      const lists = Array.from({ length: 1 + rnd(6) }, () => Array.from({ length: rnd(9) }, () => rnd(500)));
      const all = lists.flat().sort((a, b) => a - b);
      const expected = all.length ? (all[Math.floor((all.length - 1) / 2)]! + all[Math.floor(all.length / 2)]!) / 2 : null;
      expect(medianOf(lists.map((l) => dist(...l)))).toBe(expected);
    }
  });
});

describe('tracking charts: stored counts and the charts’ numbers', () => {
  function tally(): Tally {
    const t = emptyTally();
    t.counts = { invited: 3, approved: 1 };
    t.durations.signature.set(40, 2).set(12, 1);
    t.durations.delivery.set(200, 1);
    return t;
  }

  it('store a stretch’s counts as JSON and add them back', () => {
    const json = tallyToJson(tally());
    expect(JSON.parse(json)).toEqual({ c: { invited: 3, approved: 1 }, d: { signature: [12, 1, 40, 2], delivery: [200, 1] } });
    const sum = emptyTally();
    addStoredTally(sum, json);
    addStoredTally(sum, json);
    expect(sum.counts).toEqual({ invited: 6, approved: 2 });
    expect([...sum.durations.signature].sort((a, b) => a[0] - b[0])).toEqual([
      [12, 2],
      [40, 4],
    ]);
    const settled = settle(sum);
    expect(settled.durations.signature).toEqual({ values: [12, 40], cumulative: [2, 6] });
    const again = emptyTally();
    addToTally(again, settled);
    addToTally(again, tally());
    expect(settle(again).durations.signature).toEqual({ values: [12, 40], cumulative: [3, 9] });
  });

  it('give each status’s count per week, each step’s median per week and over the 26 weeks', () => {
    const weeks = chartWeeks(new Date('2026-11-24T09:00:00Z'), PARIS);
    const perWeek = weeks.map(() => settle(emptyTally()));
    perWeek[24] = settle(tally());
    const last = emptyTally();
    last.counts = { invited: 2 };
    last.durations.signature.set(100, 1);
    perWeek[25] = settle(last);
    const data = chartData(weeks, perWeek);
    expect(data.weeks).toEqual(weeks.map((w) => w.start));
    expect(data.counts.invited).toEqual([...Array(24).fill(0), 3, 2]);
    expect(data.counts.approved[24]).toBe(1);
    expect(data.total).toBe(6);
    expect(data.steps.signature.medians.slice(23)).toEqual([null, 40, 100]);
    expect(data.steps.signature.counts.slice(23)).toEqual([0, 3, 1]);
    // 12, 40, 40, 100: the mean of 40 and 40.
    expect(data.steps.signature.median).toBe(40);
    expect(data.steps.signature.count).toBe(4);
    expect(data.steps.delivery.median).toBe(200);
    expect(data.steps.approval).toEqual({ medians: Array(26).fill(null), counts: Array(26).fill(0), median: null, count: 0 });
  });

  it('are all zero and without medians when nothing happened', () => {
    const weeks = chartWeeks(new Date('2026-11-24T09:00:00Z'), PARIS);
    const data = chartData(
      weeks,
      weeks.map(() => settle(emptyTally())),
    );
    expect(data.total).toBe(0);
    expect(data.counts.card_delivered).toEqual(Array(26).fill(0));
    expect(data.steps.delivery.median).toBeNull();
    expect(data.steps.signature.medians.every((m) => m === null)).toBe(true);
  });
});
