import type { Status } from '../../core/application/status';
import { formatDate, formatNumber, tFor, type Language } from '../../platform/i18n';
import { PHASES, type ChartData, type Phase } from './charts';

/**
 * The charts' drawing, computed here (pure, unit-tested) so the template only writes it out: the scales, each bar and
 * line point in SVG coordinates (viewBox units, one decimal), the axis labels and the tables' cells as text in the
 * page's language.
 */

export interface ChartFormat {
  /** A count: "1 234" / "1,234". */
  number(n: number): string;
  /** An axis value: at most one decimal ("2,5" / "2.5", "10"). */
  decimal(n: number): string;
  /** A median in days: always one decimal ("2,0" / "2.0"). */
  days(n: number): string;
  /** A week's Monday ('YYYY-MM-DD'): short for axes ("8 juin" / "8 Jun"), long for tables ("8 juin 2026"). */
  shortDate(date: string): string;
  longDate(date: string): string;
}

interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A status panel: 300 × 150, its bars between x 48–294 and y 12–118 (its scale on the left), the week labels below. */
const PANEL: Box = { width: 300, height: 150, left: 48, right: 294, top: 12, bottom: 118 };
/** The durations chart: 960 × 340. */
const LINES: Box = { width: 960, height: 340, left: 56, right: 940, top: 24, bottom: 292 };

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The smallest "round" number (1, 2, 3, 4, 5, 6, 8 times a power of ten) at or above a count, at least 1. */
export function niceCeil(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 3, 4, 5, 6, 8, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

/** Axis ticks from 0 to at least `max` in about `steps` steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(max: number, steps = 4): number[] {
  const target = max > 0 ? max / steps : 1;
  const power = 10 ** Math.floor(Math.log10(target));
  const step = ([1, 2, 5, 10].find((m) => m * power >= target - 1e-9) as number) * power;
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StatusPanel {
  status: Status;
  total: number;
  totalText: string;
  /** The busiest week (the latest of equal ones), null when the status was never reached. */
  peak: { count: number; text: string; week: string } | null;
  latest: { count: number; text: string };
  /** The value at the top of the panel's scale. */
  topText: string;
  bars: Bar[];
}

export interface StatusChartView {
  width: number;
  height: number;
  plot: Box;
  /** The first and the last week, under the bars. */
  firstWeek: string;
  lastWeek: string;
  panels: StatusPanel[];
  table: { rows: Array<{ week: string; cells: string[] }>; totals: string[] };
}

/** One small bar chart per status (in `statuses` order), each on its own scale, and the table of the same numbers. */
export function statusChartView(data: ChartData, statuses: readonly Status[], format: ChartFormat): StatusChartView {
  const n = data.weeks.length;
  const band = (PANEL.right - PANEL.left) / Math.max(1, n);
  const barWidth = r1(band * 0.7);
  const plotHeight = PANEL.bottom - PANEL.top;
  const longWeeks = data.weeks.map((w) => format.longDate(w));
  const panels = statuses.map((status): StatusPanel => {
    const counts = data.counts[status];
    const total = counts.reduce((a, b) => a + b, 0);
    const max = Math.max(0, ...counts);
    const top = niceCeil(max);
    const bars: Bar[] = [];
    counts.forEach((count, i) => {
      if (count <= 0) return;
      const height = Math.max(1, r1((count / top) * plotHeight));
      bars.push({ x: r1(PANEL.left + i * band + (band - barWidth) / 2), y: r1(PANEL.bottom - height), width: barWidth, height });
    });
    const peakIndex = max > 0 ? counts.lastIndexOf(max) : -1;
    const latest = counts[n - 1] ?? 0;
    return {
      status,
      total,
      totalText: format.number(total),
      peak: peakIndex >= 0 ? { count: max, text: format.number(max), week: longWeeks[peakIndex] as string } : null,
      latest: { count: latest, text: format.number(latest) },
      topText: format.number(top),
      bars,
    };
  });
  return {
    width: PANEL.width,
    height: PANEL.height,
    plot: PANEL,
    firstWeek: format.shortDate(data.weeks[0] ?? ''),
    lastWeek: format.shortDate(data.weeks[n - 1] ?? ''),
    panels,
    table: {
      rows: data.weeks.map((_w, i) => ({ week: longWeeks[i] as string, cells: statuses.map((s) => format.number(data.counts[s][i] ?? 0)) })),
      totals: panels.map((p) => p.totalText),
    },
  };
}

export type MarkerShape = 'circle' | 'square' | 'triangle';

/** Each step's line: its own dash pattern and marker shape (and colour, in the stylesheet), so colour is not needed. */
export const STEP_STYLES: Record<Phase, { marker: MarkerShape; dash: string }> = {
  signature: { marker: 'circle', dash: '' },
  approval: { marker: 'square', dash: '10 5' },
  delivery: { marker: 'triangle', dash: '3 4' },
};

/** A marker centred on (x, y), as a path. */
export function markerPath(shape: MarkerShape, x: number, y: number): string {
  const [cx, cy] = [r1(x), r1(y)];
  if (shape === 'circle') return `M${r1(cx - 4.5)} ${cy}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0Z`;
  if (shape === 'square') return `M${r1(cx - 4)} ${r1(cy - 4)}h8v8h-8Z`;
  return `M${cx} ${r1(cy - 5.5)}L${r1(cx + 5.5)} ${r1(cy + 4)}L${r1(cx - 5.5)} ${r1(cy + 4)}Z`;
}

export interface StepLine {
  phase: Phase;
  marker: MarkerShape;
  dash: string;
  /** The line through the weeks that have a median ("M…L…", broken where a week has none). */
  path: string;
  markers: string[];
  /** The legend's sample: a short line and the marker in a 44 × 14 box. */
  legendMarker: string;
  /** Over the 26 weeks. */
  median: number | null;
  medianText: string | null;
  count: number;
  countText: string;
}

export interface DurationChartView {
  width: number;
  height: number;
  plot: Box;
  yTicks: Array<{ y: number; label: string }>;
  xTicks: Array<{ x: number; label: string }>;
  lines: StepLine[];
  /** No step ended in the 26 weeks. */
  empty: boolean;
  table: { rows: Array<{ week: string; cells: Array<{ median: string | null; count: string }> }> };
}

const daysOf = (hours: number) => hours / 24;

/** The median days of each step per week as three lines on one scale, and the table of the same numbers. */
export function durationChartView(data: ChartData, format: ChartFormat): DurationChartView {
  const n = data.weeks.length;
  const band = (LINES.right - LINES.left) / Math.max(1, n);
  const xOf = (i: number) => r1(LINES.left + (i + 0.5) * band);
  let maxDays = 0;
  for (const phase of PHASES) for (const m of data.steps[phase].medians) if (m !== null) maxDays = Math.max(maxDays, daysOf(m));
  const ticks = niceTicks(maxDays);
  const top = ticks[ticks.length - 1] as number;
  const yOf = (days: number) => r1(LINES.bottom - (days / top) * (LINES.bottom - LINES.top));
  const lines = PHASES.map((phase): StepLine => {
    const step = data.steps[phase];
    const style = STEP_STYLES[phase];
    let path = '';
    let drawing = false;
    const markers: string[] = [];
    step.medians.forEach((hours, i) => {
      if (hours === null) {
        drawing = false;
        return;
      }
      const [x, y] = [xOf(i), yOf(daysOf(hours))];
      path += `${drawing ? 'L' : 'M'}${x} ${y}`;
      drawing = true;
      markers.push(markerPath(style.marker, x, y));
    });
    return {
      phase,
      marker: style.marker,
      dash: style.dash,
      path,
      markers,
      legendMarker: markerPath(style.marker, 22, 7),
      median: step.median === null ? null : daysOf(step.median),
      medianText: step.median === null ? null : format.days(daysOf(step.median)),
      count: step.count,
      countText: format.number(step.count),
    };
  });
  const xTicks: DurationChartView['xTicks'] = [];
  for (let i = n - 1; i >= 0; i -= 4) xTicks.unshift({ x: xOf(i), label: format.shortDate(data.weeks[i] as string) });
  return {
    width: LINES.width,
    height: LINES.height,
    plot: LINES,
    yTicks: ticks.map((t) => ({ y: yOf(t), label: format.decimal(t) })),
    xTicks,
    lines,
    empty: PHASES.every((p) => data.steps[p].count === 0),
    table: {
      rows: data.weeks.map((w, i) => ({
        week: format.longDate(w),
        cells: PHASES.map((phase) => {
          const hours = data.steps[phase].medians[i] ?? null;
          return { median: hours === null ? null : format.days(daysOf(hours)), count: format.number(data.steps[phase].counts[i] ?? 0) };
        }),
      })),
    },
  };
}

/** The charts' numbers and dates in a language (formatters built once per language and zone). */
const chartFormats = new Map<string, ChartFormat>();

export function chartFormat(lang: Language, timeZone: string): ChartFormat {
  const id = `${lang}|${timeZone}`;
  let format = chartFormats.get(id);
  if (!format) {
    const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
    const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const days = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const short = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
    format = {
      number: (n) => formatNumber(lang, n),
      decimal: (n) => decimal.format(n),
      days: (n) => days.format(n),
      // A 'YYYY-MM-DD' date is that calendar day whatever the zone (formatDate reads it at noon UTC).
      shortDate: (date) => short.format(new Date(`${date}T12:00:00Z`)),
      longDate: (date) => formatDate(lang, date, timeZone),
    };
    chartFormats.set(id, format);
  }
  return format;
}

export interface ChartsModel {
  /** Nothing happened in the 26 weeks: the page says so instead of drawing empty charts. */
  empty: boolean;
  /** "Du 15 juin 2026 au 7 décembre 2026". */
  range: string;
  statusLabels: Record<Status, string>;
  stepLabels: Record<Phase, string>;
  statuses: StatusChartView;
  steps: DurationChartView;
}

/** What views/tracking/charts-section.njk shows, in the page's language. */
export function chartsModel(data: ChartData, opts: { lang: Language; timeZone: string; now: Date; statuses: readonly Status[] }): ChartsModel {
  const t = tFor(opts.lang);
  const format = chartFormat(opts.lang, opts.timeZone);
  return {
    empty: data.total === 0,
    range: t('tracking:charts.range', { from: format.longDate(data.weeks[0] as string), to: formatDate(opts.lang, opts.now, opts.timeZone) }),
    statusLabels: Object.fromEntries(opts.statuses.map((s) => [s, t(`applications:statuses.${s}`)])) as Record<Status, string>,
    stepLabels: Object.fromEntries(PHASES.map((p) => [p, t(`tracking:charts.steps.phases.${p}`)])) as Record<Phase, string>,
    statuses: statusChartView(data, opts.statuses, format),
    steps: durationChartView(data, format),
  };
}
