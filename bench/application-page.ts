/**
 * npm run bench:application-page — the administrator's application page alone (issue 15): its server CPU time and
 * SQL statements per request, against the bare Express + Nunjucks page (bench/bare-server.ts) in the same run.
 *
 * The page's server is this script again in a child process (`--app`): the real createApp on a temporary SQLite
 * database (test/support/app.ts), NODE_ENV=production for Express (its view cache, as in production), one signed
 * application awaiting approval (cardholder form, PIN, a document, terms accepted, a signed version, e-mails, its
 * history) with one request for information, and its BC's administrator signed in. The bare page is a second child
 * (`--bare`). This process only sends the requests (keep-alive, BENCH_CONNECTIONS at a time) and asks each child for
 * its own process.cpuUsage() before and after; the app's child also counts the statements Knex sends ('query' events).
 *
 * Environment: BENCH_WARMUP (s, default 5), BENCH_REQUESTS (2000), BENCH_CONNECTIONS (20, as npm run bench; 1: one
 * request at a time, each view's audit row then commits alone), BENCH_LANG (fr), BENCH_SQL=1 (each statement's SQL,
 * count and mean time), BENCH_PROFILE (a directory: the app's CPU profile, node --cpu-prof).
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import crypto from 'node:crypto';
import request from 'supertest';
import { createTestContext, csrfFrom, $, TestClock } from '../test/support/app';
import { givenSignableApplication } from '../test/support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../test/support/employee';
import { paths } from '../src/platform/paths';

const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const LANG = process.env.BENCH_LANG === 'en' ? 'en' : 'fr';
/** Requests in flight at once (npm run bench's autocannon uses 20: concurrent views share the audit log's commits). */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

type Ask = { ask: 'cpu' } | { ask: 'statements'; report?: boolean } | { ask: 'exit' };
type Ready = { ready: true; port: number; path: string; cookie: string };

/** A child's side: answers the parent's questions with its CPU time (µs) or its statements since the last question. */
function answerParent(statements: (report: boolean) => number, close: () => Promise<void> = async () => {}): void {
  // The parent gone (it failed, or was stopped): this child goes too.
  process.once('disconnect', () => void close().finally(() => process.exit(0)));
  process.on('message', (m: Ask) => {
    if (m.ask === 'exit') void close().finally(() => process.exit(0));
    else if (m.ask === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpu: u.user + u.system, system: u.system });
    } else process.send?.({ statements: statements(m.report === true) });
  });
}

async function appChild(): Promise<void> {
  const ctx = await createTestContext({ LOG_LEVEL: 'silent' }, { clock: new TestClock(new Date('2026-11-24T09:00:00Z')) });
  // A signed application awaiting approval (the employee signs through the pages), with a request for information.
  const a = await givenSignableApplication(ctx, { email: `bench.${crypto.randomUUID()}@acme.example` });
  const employee = await employeeAgent(ctx, a);
  await acceptSignatureTerms(employee);
  const signed = await postCode(employee, await requestCode(ctx, employee, a.id));
  if (signed.status !== 303) throw new Error(`signature failed: ${signed.status}`);
  const signIn = await request(ctx.app).get(`/sign-in?lang=${LANG}`);
  const jar = (res: { headers: Record<string, unknown> }) => ((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
  let cookie = jar(signIn);
  const admin = await ctx.deps.db('administrator').where({ email: a.adminEmail }).first('id');
  const signedIn = await request(ctx.app)
    .post('/sign-in')
    .set('Cookie', cookie)
    .type('form')
    .send({ _csrf: csrfFrom(signIn.text), administratorId: admin.id, returnTo: '/admin' });
  if (signedIn.status !== 303) throw new Error(`sign-in failed: ${signedIn.status}`);
  cookie = jar(signedIn) || cookie;
  const form = await request(ctx.app).get(paths.admin.informationRequests.create(a.id)).set('Cookie', cookie);
  const asked = await request(ctx.app)
    .post(paths.admin.informationRequests.create(a.id))
    .set('Cookie', cookie)
    .type('form')
    .send({
      _csrf: csrfFrom(form.text),
      message: 'Merci de nous transmettre un justificatif de domicile récent.',
      documents: ['proof_of_address'],
      answerBy: '2026-12-10',
    });
  if (asked.status !== 303) throw new Error(`request for information failed: ${asked.status}`);
  const page = await request(ctx.app).get(paths.admin.applications.show(a.id)).set('Cookie', cookie);
  const shown = $(page.text);
  if (page.status !== 200 || !shown('#information-requests tbody tr').length || !shown('#history tbody tr').length) throw new Error('the page is not complete');

  let statements = 0;
  // BENCH_SQL=1: each statement of the measured requests, its count and its mean wall time until Knex has its answer.
  const started = new Map<string, { sql: string; at: number }>();
  const timed = new Map<string, { n: number; ms: number }>();
  ctx.deps.db.on('query', (q: { sql: string; __knexQueryUid: string }) => {
    statements++;
    if (process.env.BENCH_SQL) started.set(q.__knexQueryUid, { sql: q.sql, at: performance.now() });
  });
  ctx.deps.db.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    started.delete(q.__knexQueryUid);
    const t = timed.get(s.sql) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += performance.now() - s.at;
    timed.set(s.sql, t);
  });
  answerParent(
    (report) => {
      const n = statements;
      if (process.env.BENCH_SQL && report)
        for (const [sql, t] of [...timed].sort((x, y) => y[1].ms - x[1].ms))
          process.stderr.write(`${String(t.n).padStart(6)} × ${((t.ms / t.n) * 1000).toFixed(0).padStart(5)} µs  ${sql.slice(0, 150)}\n`);
      timed.clear();
      statements = 0;
      return n;
    },
    () => ctx.close(),
  );
  const server = ctx.app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.send?.({ ready: true, port, path: paths.admin.applications.show(a.id), cookie } satisfies Ready);
  });
  server.keepAliveTimeout = 60_000;
}

async function bareChild(): Promise<void> {
  answerParent(() => 0);
  const log = console.log;
  console.log = (line: string) => {
    const m = /^listening (\d+)$/.exec(line);
    if (m) process.send?.({ ready: true, port: Number(m[1]), path: '/queue', cookie: '' } satisfies Ready);
    else log(line);
  };
  // The bare server starts listening when loaded (it is a script).
  await import('./bare-server.js');
}

/** Starts this script as a child in `mode`; resolves with the child and what it said when ready. */
function start(mode: '--app' | '--bare'): Promise<{ child: ChildProcess; ready: Ready }> {
  // BENCH_PROFILE=<dir>: the app's child writes a CPU profile there (node --cpu-prof) when it exits.
  const profile = mode === '--app' && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(__filename, [mode], { env: { ...process.env, NODE_ENV: 'production' }, execArgv: [...process.execArgv, ...profile] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${mode} exited with ${code}`)));
    child.on('message', (m: Ready) => {
      if (m && 'ready' in m) resolve({ child, ready: m });
    });
  });
}

/** The child's answer to one question (its CPU time so far, or its statements since the last question). */
function askChild(child: ChildProcess, ask: 'cpu' | 'statements', report = false): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    const on = (m: Record<string, number>) => {
      if (ask in m) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send({ ask, report });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function get(port: number, path: string, cookie: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: cookie ? { cookie } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
  });
}

/** `count` GETs of the page over CONNECTIONS connections, each sending its next request when its answer is in. */
async function load(name: string, ready: Ready, count: number | { until: number }, status = 200): Promise<number> {
  let sent = 0;
  let bytes = 0;
  const more = () => (typeof count === 'number' ? sent < count : Date.now() < count.until);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (more()) {
        sent++;
        const r = await get(ready.port, ready.path, ready.cookie);
        if (r.status !== status) throw new Error(`${name}: status ${r.status}`);
        bytes = r.bytes;
      }
    }),
  );
  return bytes;
}

interface Measured {
  cpuUs: number;
  systemUs: number;
  statements: number;
  bytes: number;
}

async function measure(name: string, child: ChildProcess, ready: Ready, status = 200): Promise<Measured> {
  await load(name, ready, { until: Date.now() + WARMUP_S * 1000 }, status);
  await askChild(child, 'statements');
  const before = await askChild(child, 'cpu');
  const bytes = await load(name, ready, REQUESTS, status);
  const after = await askChild(child, 'cpu');
  const { statements } = await askChild(child, 'statements', true);
  return {
    cpuUs: (Number(after.cpu) - Number(before.cpu)) / REQUESTS,
    systemUs: (Number(after.system) - Number(before.system)) / REQUESTS,
    statements: Number(statements) / REQUESTS,
    bytes,
  };
}

async function main(): Promise<void> {
  const bare = await start('--bare');
  const app = await start('--app').catch((err: unknown) => {
    bare.child.kill();
    throw err;
  });
  try {
    const b = await measure('bare page', bare.child, bare.ready);
    // The floor (as npm run bench): the not-found page as the same administrator, what every page of theirs costs.
    const f = await measure('floor (404)', app.child, { ...app.ready, path: '/admin/no-such-page' }, 404);
    const p = await measure('application page', app.child, app.ready);
    const line = (label: string, r: Measured) =>
      `${label.padEnd(18)} ${r.cpuUs.toFixed(0).padStart(6)} µs CPU/request (system ${r.systemUs.toFixed(0)})  ${r.statements.toFixed(1).padStart(5)} statements/request  ${(r.bytes / 1024).toFixed(1)} KB`;
    console.log(`${REQUESTS} GETs of each page after ${WARMUP_S} s of warm-up, ${CONNECTIONS} connection(s), lang ${LANG}`);
    console.log(line('bare page', b));
    console.log(line('floor (404)', f));
    console.log(line('application page', p));
    console.log(`the page's own part (page − floor): ${(p.cpuUs - f.cpuUs).toFixed(0)} µs CPU, ${(p.statements - f.statements).toFixed(1)} statements`);
    console.log(`ratio ${(p.cpuUs / b.cpuUs).toFixed(2)}× the bare page's CPU/request (issue 15's target: ≤ 5×)`);
  } finally {
    for (const { child } of [bare, app]) {
      child.removeAllListeners('exit');
      child.send({ ask: 'exit' });
    }
    agent.destroy();
  }
}

const mode = process.argv[2];
(mode === '--app' ? appChild() : mode === '--bare' ? bareChild() : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
