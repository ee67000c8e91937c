/**
 * The tracking page's charts (issue 17 part 4), timed on a seeded benchmark database: the server's work for the
 * charts section of /admin/tracking — the service (stored weeks read back, the last hour or two counted from the
 * history), the view model and the Nunjucks template of the section — called directly, as `npm run bench` step 7.
 *
 * Alone, on a database seeded by `tsx bench/seed.ts DIR`: `tsx bench/charts.ts DIR`.
 */
import { performance } from 'node:perf_hooks';
import { openDb, type Db } from '../src/platform/db';
import { configureViews } from '../src/platform/views';
import { tFor, type Language } from '../src/platform/i18n';
import { keysOfAccounts } from '../src/features/tracking/repository';
import { trackingCharts } from '../src/features/tracking/service';
import { chartsModel } from '../src/features/tracking/charts-view';
import { planChart } from '../src/features/tracking/charts';
import { SUMMARY_STATUSES } from '../src/features/tracking/summary-view';

export const TARGET_CHARTS_MS = 50;
const RUNS = Number(process.env.BENCH_CHART_RUNS ?? 100);
const READ_BACK_RUNS = 10;

export interface ChartsWho {
  label: string;
  accountIds: number[];
  isPlatform: boolean;
  /** One key of theirs, or every key. */
  oneKey?: boolean;
  lang: Language;
}

export interface ChartsTiming {
  label: string;
  p50: number;
  p95: number;
  /** CPU time (user + system) of the process per view, median: unlike the times above, not lengthened by other load. */
  cpu: number;
  /** The median of a view with nothing in memory (a new process, or a new hour): the stored weeks read back and summed. */
  readBack: number;
  /** The section's HTML. */
  bytes: number;
  /** What it shows: statuses reached in 26 weeks. */
  total: number;
}

export interface ChartsResult {
  /** The very first view, with nothing stored: 26 weeks of history counted and stored. */
  firstMs: number;
  /** The first view of a new hour (today up to the last hour counted and stored) and of a new week (the week before too). */
  newHourMs: number;
  newWeekMs: number;
  timings: ChartsTiming[];
}

/** The charts section of the tracking page, as the route builds it, for one administrator. */
async function chartsSection(
  db: Db,
  env: ReturnType<typeof configureViews>,
  who: ChartsWho,
  now: Date,
  timeZone: string,
): Promise<{ html: string; total: number }> {
  const keys = await keysOfAccounts(db, who.accountIds);
  const chartKey = who.oneKey ? keys[0] : undefined;
  const data = await trackingCharts(
    db,
    { everyBc: who.isPlatform, accountIds: who.accountIds, keyIds: keys.map((k) => k.id), ...(chartKey ? { keyId: chartKey.id } : {}) },
    { now, timeZone },
  );
  const html = env.render('tracking/charts-section.njk', {
    t: tFor(who.lang),
    lang: who.lang,
    chartKeys: keys,
    chartKey: chartKey ?? null,
    chartKeyId: chartKey?.id ?? null,
    everyBc: who.isPlatform,
    charts: chartsModel(data, { lang: who.lang, timeZone, now, statuses: SUMMARY_STATUSES }),
  });
  return { html, total: data.total };
}

/**
 * Forgets the stored weeks, times the first view (which counts and stores them), then RUNS views per administrator
 * after a warm-up: p50 and p95 in ms.
 */
export async function timeCharts(dataDir: string, who: ChartsWho[], now: Date, timeZone: string): Promise<ChartsResult> {
  const db = openDb({ dataDir });
  const env = configureViews(undefined);
  try {
    await db('tracking_chart_period').delete();
    const first = who[0] as ChartsWho;
    const t0 = performance.now();
    await chartsSection(db, env, first, now, timeZone);
    const firstMs = performance.now() - t0;
    // What the first view after a boundary counts: the stretches stored last are forgotten, then counted again.
    const plan = planChart(now, timeZone);
    const newest = plan.stored[plan.stored.length - 1];
    const afterForgetting = async (forget: () => Promise<unknown>): Promise<number> => {
      await forget();
      const fresh = openDb({ dataDir });
      try {
        await fresh.raw('select 1');
        const start = performance.now();
        await chartsSection(fresh, env, first, now, timeZone);
        return performance.now() - start;
      } finally {
        await fresh.destroy();
      }
    };
    const newHourMs = newest
      ? await afterForgetting(() =>
          db('tracking_chart_period').where({ period_start: newest.from.toISOString(), period_end: newest.to.toISOString() }).delete(),
        )
      : 0;
    const lastWeek = plan.weeks[plan.weeks.length - 2] as { from: Date };
    const newWeekMs = await afterForgetting(() => db('tracking_chart_period').where('period_end', '>', lastWeek.from.toISOString()).delete());
    const timings: ChartsTiming[] = [];
    for (const w of who) {
      let last = { html: '', total: 0 };
      for (let i = 0; i < 10; i++) last = await chartsSection(db, env, w, now, timeZone);
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const cpuStart = process.cpuUsage();
        last = await chartsSection(db, env, w, now, timeZone);
        const used = process.cpuUsage(cpuStart);
        times.push(performance.now() - start);
        cpu.push((used.user + used.system) / 1000);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      // The sums of the stored weeks are remembered per database handle: a new handle starts with nothing in memory.
      const readBack: number[] = [];
      for (let i = 0; i < READ_BACK_RUNS; i++) {
        const fresh = openDb({ dataDir });
        try {
          await fresh.raw('select 1');
          const start = performance.now();
          await chartsSection(fresh, env, w, now, timeZone);
          readBack.push(performance.now() - start);
        } finally {
          await fresh.destroy();
        }
      }
      readBack.sort((a, b) => a - b);
      timings.push({
        label: w.label,
        p50: times[Math.floor(times.length * 0.5)] ?? 0,
        p95: times[Math.floor(times.length * 0.95)] ?? 0,
        cpu: cpu[Math.floor(cpu.length / 2)] ?? 0,
        readBack: readBack[Math.floor(readBack.length / 2)] ?? 0,
        bytes: Buffer.byteLength(last.html),
        total: last.total,
      });
    }
    return { firstMs, newHourMs, newWeekMs, timings };
  } finally {
    await db.destroy();
  }
}

/** The step's lines, as `npm run bench` prints them, and the targets missed. */
export function formatCharts(result: ChartsResult, applications: number): { lines: string[]; failures: string[] } {
  const lines = [
    `Charts (issue 17: server time of the tracking page's charts over ${applications} applications — service, view model and template — ${RUNS} views each; target p95 < ${TARGET_CHARTS_MS} ms)`,
    `  ${'first view with nothing stored (counts and stores 26 weeks)'.padEnd(62)} ${result.firstMs.toFixed(0).padStart(6)} ms  (once)`,
    `  ${'first view of a new hour (counts and stores today so far)'.padEnd(62)} ${result.newHourMs.toFixed(0).padStart(6)} ms`,
    `  ${'first view of a new week (counts and stores last week)'.padEnd(62)} ${result.newWeekMs.toFixed(0).padStart(6)} ms`,
  ];
  const notes = [
    '  CPU: median CPU time of a view (not lengthened by other load on the machine). Read back: median of a view in a new process',
    '  (nothing in memory: the 26 weeks’ stored counts read back from the database and summed).',
  ];
  const failures: string[] = [];
  for (const r of result.timings) {
    const ok = r.p95 < TARGET_CHARTS_MS;
    if (!ok) failures.push(`charts, ${r.label}: p95 ${r.p95.toFixed(1)} ms`);
    lines.push(
      `  ${r.label.padEnd(44)} p50 ${r.p50.toFixed(2).padStart(6)} ms  p95 ${r.p95.toFixed(2).padStart(6)} ms  CPU ${r.cpu.toFixed(2).padStart(5)} ms  read back ${r.readBack.toFixed(1).padStart(5)} ms  ${String(Math.round(r.bytes / 1024)).padStart(3)} KB  ${ok ? 'PASS' : 'FAIL'}`,
    );
  }
  return { lines: [...lines, ...notes], failures };
}

/** The administrators the bench measures: the regular one of the pages (all their keys, then one key), the platform one. */
export function chartsWho(admins: ReadonlyArray<{ role: 'admin' | 'platform'; accountIds: number[] }>): ChartsWho[] {
  const admin = admins.find((a) => a.role === 'admin');
  const platform = admins.find((a) => a.role === 'platform');
  const out: ChartsWho[] = [];
  if (platform)
    out.push({ label: `platform administrator, all ${platform.accountIds.length} BCs`, accountIds: platform.accountIds, isPlatform: true, lang: 'fr' });
  if (admin) {
    out.push({ label: `administrator of ${admin.accountIds.length} BCs, all keys`, accountIds: admin.accountIds, isPlatform: false, lang: 'fr' });
    out.push({ label: `administrator of ${admin.accountIds.length} BCs, one key`, accountIds: admin.accountIds, isPlatform: false, oneKey: true, lang: 'en' });
  }
  if (platform) out.push({ label: 'platform administrator, one key', accountIds: platform.accountIds, isPlatform: true, oneKey: true, lang: 'en' });
  return out;
}

if (require.main === module) {
  (async () => {
    const dataDir = process.argv[2];
    if (!dataDir) throw new Error('usage: tsx bench/charts.ts DATA_DIR (a database seeded by bench/seed.ts)');
    const db = openDb({ dataDir });
    const admins = (await db('administrator').select('id', 'role')) as Array<{ id: number; role: 'admin' | 'platform' }>;
    const all = ((await db('account').select('id')) as Array<{ id: number }>).map((r) => r.id);
    const withAccounts = [];
    for (const a of admins) {
      const mine = ((await db('administrator_account').where({ administrator_id: a.id }).select('account_id')) as Array<{ account_id: number }>).map(
        (r) => r.account_id,
      );
      withAccounts.push({ role: a.role, accountIds: a.role === 'platform' ? all : mine });
    }
    const latest = (await db('application_status_history').max({ at: 'at' }))[0] as { at: string };
    const applications = Number(((await db('application').count({ n: '*' }))[0] as { n: number }).n);
    await db.destroy();
    const now = new Date(Date.parse(latest.at) + 60_000);
    const { lines } = formatCharts(await timeCharts(dataDir, chartsWho(withAccounts), now, process.env.TIME_ZONE ?? 'Europe/Paris'), applications);
    for (const line of lines) console.log(line);
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
