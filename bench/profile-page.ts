/**
 * npx tsx bench/profile-page.ts PATH [--seconds S] [--applications N] [--cpu-prof] — one page of the built app under
 * closed-loop load (20 connections), as the bench's measured administrator: CPU per request, SQL statements per
 * request (from the app's debug counter), and with --cpu-prof a V8 CPU profile of the app written to $PROFILE_DIR.
 * A development aid for issue 15, not part of the bench's verdicts.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, productionAppEnv } from './support';
import { markJobSlotsDone, seedBenchDatabase, type SeededAdmin } from './seed';

const ROOT = path.resolve(__dirname, '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const PAGE = process.argv[2] ?? '/admin/no-such-page';
const SECONDS = Number(arg('--seconds') ?? 15);
const APPLICATIONS = Number(arg('--applications') ?? 20_000);
const PROF = process.argv.includes('--cpu-prof');
const DATA = arg('--data') ?? path.join(os.tmpdir(), `sesame-profile-${APPLICATIONS}`);

function cpuTicks(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function main() {
  let seed: { admins: SeededAdmin[] };
  const seedFile = path.join(DATA, 'seed.json');
  if (fs.existsSync(seedFile)) seed = JSON.parse(fs.readFileSync(seedFile, 'utf8'));
  else {
    const s = await seedBenchDatabase(DATA, { applications: APPLICATIONS });
    await markJobSlotsDone(DATA, s.now, 'Europe/Paris');
    seed = { admins: s.admins };
    fs.writeFileSync(seedFile, JSON.stringify(seed));
  }
  const admin = seed.admins.find((a) => a.role === 'admin') as SeededAdmin;
  const port = await freePort();
  const proxySecret = crypto.randomBytes(24).toString('hex');
  const profDir = process.env.PROFILE_DIR ?? '/tmp/prof';
  const app = spawn(
    process.execPath,
    ['--max-old-space-size=256', ...(PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), path.join(ROOT, 'dist/src/cli/start.js')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        ...productionAppEnv({ port, dataDir: DATA, proxySecret, timeZone: 'Europe/Paris', logLevel: arg('--log-level') ?? 'info' }),
      },
      stdio: ['ignore', fs.openSync(path.join(DATA, 'app.log'), 'a'), 'inherit'],
    },
  );
  const headers: Record<string, string> = { 'x-forwarded-email': admin.email, 'x-sesame-proxy-secret': proxySecret };
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const first = await fetch(`http://127.0.0.1:${port}${PAGE}`, { headers });
  // As a browser does: the session cookie of the first answer on every later request (unless --no-cookie).
  const cookie = first.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (cookie && !process.argv.includes('--no-cookie')) headers.cookie = cookie;
  console.log(`GET ${PAGE} → ${first.status} (${(await first.text()).length} bytes)`);
  const run = (duration: number) => autocannon({ url: `http://127.0.0.1:${port}${PAGE}`, connections: 20, duration, headers });
  await run(5);
  const t0 = cpuTicks(app.pid!);
  const r = await run(SECONDS);
  const t1 = cpuTicks(app.pid!);
  const tick = 1000 / 100;
  console.log(
    `${r.requests.total} requests, ${r.requests.average.toFixed(0)} req/s, mean ${r.latency.mean.toFixed(2)} ms, p99 ${r.latency.p99} ms; CPU ${(((t1 - t0) * tick) / r.requests.total).toFixed(3)} ms/request`,
  );
  if (process.argv.includes('--open')) {
    // 50 requests/s in an open loop, two ways: autocannon's overallRate over 10 connections (their timers tick
    // together: bursts of 10 every 200 ms), and 10 single connections of 5/s started 20 ms apart (evenly spread).
    const url = `http://127.0.0.1:${port}${PAGE}`;
    const burst = await autocannon({ url, connections: 10, overallRate: 50, duration: SECONDS, headers });
    console.log(`open loop, overallRate 50 on 10 connections: p50 ${burst.latency.p50} ms, p99 ${burst.latency.p99} ms, max ${burst.latency.max} ms`);
    const spread = await Promise.all(
      Array.from({ length: 10 }, (_v, i) =>
        new Promise((r) => setTimeout(r, i * 20)).then(() => autocannon({ url, connections: 1, connectionRate: 5, duration: SECONDS, headers })),
      ),
    );
    const lat = spread.flatMap((r) => [r.latency.p99]);
    console.log(
      `open loop, 10 × 5/s spread 20 ms apart: p50 ${Math.max(...spread.map((r) => r.latency.p50))} ms, worst p99 ${Math.max(...lat)} ms, max ${Math.max(...spread.map((r) => r.latency.max))} ms`,
    );
  }
  app.kill('SIGINT');
  await new Promise((res) => app.once('exit', res));
}
void main();
