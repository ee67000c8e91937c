import type { ChartData, Phase, StepSeries } from '../../src/features/tracking/charts';
import {
  chartFormat,
  chartsModel,
  durationChartView,
  markerPath,
  niceCeil,
  niceTicks,
  statusChartView,
  type ChartFormat,
} from '../../src/features/tracking/charts-view';
import { STATUSES, type Status } from '../../src/core/application/status';

/** Plain formatting, so the tests read the numbers the view model chose. */
const FORMAT: ChartFormat = {
  number: (n) => `#${n}`,
  decimal: (n) => `~${n}`,
  days: (n) => n.toFixed(1),
  shortDate: (d) => `s${d.slice(5)}`,
  longDate: (d) => `l${d}`,
};

const WEEKS = Array.from({ length: 26 }, (_, i) => new Date(Date.UTC(2026, 5, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10));

function data(overrides: { counts?: Partial<Record<Status, number[]>>; steps?: Partial<Record<Phase, Partial<StepSeries>>> } = {}): ChartData {
  const zero = () => Array<number>(26).fill(0);
  const step = (s: Partial<StepSeries> = {}): StepSeries => ({ medians: Array(26).fill(null), counts: zero(), median: null, count: 0, ...s });
  const counts = Object.fromEntries(STATUSES.map((s) => [s, overrides.counts?.[s] ?? zero()])) as Record<Status, number[]>;
  return {
    weeks: WEEKS,
    counts,
    steps: { signature: step(overrides.steps?.signature), approval: step(overrides.steps?.approval), delivery: step(overrides.steps?.delivery) },
    total: STATUSES.reduce((n, s) => n + counts[s].reduce((a, b) => a + b, 0), 0),
  };
}

describe('tracking charts view: scales', () => {
  it('round a panel’s top up to 1, 2, 3, 4, 5, 6 or 8 times a power of ten', () => {
    expect([0, 1, 2, 3, 7, 9, 11, 37, 81, 140, 999, 1001].map(niceCeil)).toEqual([1, 1, 2, 3, 8, 10, 20, 40, 100, 200, 1000, 2000]);
  });

  it('tick an axis from 0 past its maximum in steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(11.5)).toEqual([0, 5, 10, 15]);
    expect(niceTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(73)).toEqual([0, 20, 40, 60, 80]);
  });
});

describe('tracking charts view: the statuses’ small bar charts', () => {
  const counts = Array<number>(26).fill(0);
  counts[0] = 4;
  counts[10] = 7;
  counts[25] = 2;
  const view = statusChartView(data({ counts: { invited: counts } }), ['invited', 'cancelled'], FORMAT);

  it('draws one bar per week with a count, on the panel’s own scale, from its base line', () => {
    const invited = view.panels[0]!;
    expect(invited.status).toBe('invited');
    expect(invited.topText).toBe('#8');
    expect(invited.bars).toHaveLength(3);
    const { left, right, top, bottom } = view.plot;
    const band = (right - left) / 26;
    for (const b of invited.bars) {
      expect(b.y + b.height).toBeCloseTo(bottom, 1);
      expect(b.x).toBeGreaterThanOrEqual(left);
      expect(b.x + b.width).toBeLessThanOrEqual(right);
    }
    // 7 of 8: seven eighths of the height; each bar in its week's band.
    expect(invited.bars[1]!.height).toBeCloseTo(((bottom - top) * 7) / 8, 0);
    expect(Math.floor((invited.bars[1]!.x - left) / band)).toBe(10);
    expect(Math.floor((invited.bars[2]!.x - left) / band)).toBe(25);
  });

  it('says the total, the busiest week and the current week', () => {
    const invited = view.panels[0]!;
    expect([invited.total, invited.totalText]).toEqual([13, '#13']);
    expect(invited.peak).toEqual({ count: 7, text: '#7', week: `l${WEEKS[10]}` });
    expect(invited.latest).toEqual({ count: 2, text: '#2' });
    const cancelled = view.panels[1]!;
    expect(cancelled.bars).toEqual([]);
    expect(cancelled.peak).toBeNull();
    expect(cancelled.topText).toBe('#1');
  });

  it('gives the same numbers as a table: a row per week, a column per status, the totals', () => {
    expect(view.table.rows).toHaveLength(26);
    expect(view.table.rows[10]).toEqual({ week: `l${WEEKS[10]}`, cells: ['#7', '#0'] });
    expect(view.table.totals).toEqual(['#13', '#0']);
    expect([view.firstWeek, view.lastWeek]).toEqual([`s${WEEKS[0]!.slice(5)}`, `s${WEEKS[25]!.slice(5)}`]);
  });
});

describe('tracking charts view: the steps’ medians', () => {
  const medians: Array<number | null> = Array(26).fill(null);
  medians[3] = 48; // 2 days
  medians[4] = 24;
  medians[6] = 240; // 10 days, after a week without any
  const view = durationChartView(
    data({
      steps: {
        signature: { medians, counts: medians.map((m) => (m === null ? 0 : 3)), median: 48, count: 9 },
        delivery: { medians: [...Array(25).fill(null), 12], counts: [...Array(25).fill(0), 1], median: 12, count: 1 },
      },
    }),
    FORMAT,
  );

  it('scales the days axis past the largest median', () => {
    expect(view.yTicks.map((t) => t.label)).toEqual(['~0', '~5', '~10']);
    expect(view.yTicks[0]!.y).toBe(view.plot.bottom);
    expect(view.yTicks[2]!.y).toBe(view.plot.top);
  });

  it('draws a line through the weeks with a median, broken where a week has none, with a marker on each', () => {
    const signature = view.lines.find((l) => l.phase === 'signature')!;
    const moves = signature.path.match(/[ML]/g);
    expect(moves).toEqual(['M', 'L', 'M']);
    expect(signature.markers).toHaveLength(3);
    const [x3, y3] = signature.path.slice(1).split(/[ L]/).map(Number);
    expect(y3).toBeCloseTo(view.plot.bottom - ((view.plot.bottom - view.plot.top) * 2) / 10, 1);
    expect(x3).toBeCloseTo(view.plot.left + (3.5 * (view.plot.right - view.plot.left)) / 26, 1);
    const approval = view.lines.find((l) => l.phase === 'approval')!;
    expect([approval.path, approval.markers, approval.medianText]).toEqual(['', [], null]);
    const delivery = view.lines.find((l) => l.phase === 'delivery')!;
    expect(delivery.path.startsWith('M')).toBe(true);
    expect(delivery.markers).toHaveLength(1);
  });

  it('tells the lines apart without colour: each its own dash pattern and marker shape', () => {
    expect(new Set(view.lines.map((l) => l.dash)).size).toBe(3);
    expect(new Set(view.lines.map((l) => l.marker)).size).toBe(3);
    expect(markerPath('square', 10, 10)).toBe('M6 6h8v8h-8Z');
    expect(markerPath('triangle', 10, 10)).toBe('M10 4.5L15.5 14L4.5 14Z');
    expect(markerPath('circle', 10, 10)).toMatch(/^M5.5 10a4.5/);
  });

  it('labels every fourth week back from the current one, and gives the medians over 26 weeks', () => {
    expect(view.xTicks.map((t) => t.label)).toEqual([1, 5, 9, 13, 17, 21, 25].map((i) => `s${WEEKS[i]!.slice(5)}`));
    const signature = view.lines[0]!;
    expect([signature.median, signature.medianText, signature.countText]).toEqual([2, '2.0', '#9']);
    expect(view.empty).toBe(false);
  });

  it('gives the same numbers as a table, "none" where no step ended', () => {
    expect(view.table.rows[3]).toEqual({
      week: `l${WEEKS[3]}`,
      cells: [
        { median: '2.0', count: '#3' },
        { median: null, count: '#0' },
        { median: null, count: '#0' },
      ],
    });
    expect(view.table.rows[25]!.cells[2]).toEqual({ median: '0.5', count: '#1' });
  });

  it('says when no step ended at all', () => {
    expect(durationChartView(data(), FORMAT).empty).toBe(true);
  });
});

describe('tracking charts view: in the page’s language', () => {
  it('formats counts, days and dates in French and in English', () => {
    const fr = chartFormat('fr', 'Europe/Paris');
    const en = chartFormat('en', 'Europe/Paris');
    expect(fr.number(12345).replace(/\s/g, ' ')).toBe('12 345');
    expect(en.number(12345)).toBe('12,345');
    expect([fr.days(2.5), en.days(2.5), fr.days(3), fr.decimal(10), fr.decimal(0.5)]).toEqual(['2,5', '2.5', '3,0', '10', '0,5']);
    expect(fr.shortDate('2026-06-08')).toBe('8 juin');
    expect(en.shortDate('2026-06-08')).toBe('8 Jun');
    expect(fr.longDate('2026-12-28')).toBe('28 décembre 2026');
    expect(en.longDate('2026-12-28')).toBe('28 December 2026');
  });

  it('names the statuses and steps, and the 26 weeks, in the page’s language', () => {
    const now = new Date('2026-11-24T09:00:00Z');
    const d = { ...data({ counts: { invited: [...Array(25).fill(0), 1] } }), weeks: WEEKS };
    const fr = chartsModel(d, { lang: 'fr', timeZone: 'Europe/Paris', now, statuses: STATUSES });
    const en = chartsModel(d, { lang: 'en', timeZone: 'Europe/Paris', now, statuses: STATUSES });
    expect(fr.statusLabels.card_delivered).toBe('Carte reçue');
    expect(en.statusLabels.card_delivered).toBe('Card delivered');
    expect(fr.stepLabels.signature).toBe('De l’invitation à la signature');
    expect(en.stepLabels.delivery).toBe('From approval to card delivery');
    expect(fr.range).toBe('Du 1 juin 2026 au 24 novembre 2026');
    expect(en.range).toBe('From 1 June 2026 to 24 November 2026');
    expect(fr.empty).toBe(false);
    expect(chartsModel(data(), { lang: 'en', timeZone: 'Europe/Paris', now, statuses: STATUSES }).empty).toBe(true);
  });
});
