/**
 * npm run soak — a bounded soak run of the real, built app (issue 12, item 8). Not a test and not part of .ci/run.
 *
 * 1. Starts dist/src/cli/start.js as a child process (same Node options as `npm start`) on a free loopback port, with
 *    SQLite in a temp DATA_DIR, the demo seed (development mode: dev sign-in, demo BCs, keys and administrators) and
 *    SMTP_URL pointing at a real SMTP server in this process (smtp-server) that records every Message-ID it accepts.
 * 2. Drives it for SOAK_MINUTES / --minutes (default 10) with SOAK_USERS (default 50) simulated users, one in five an
 *    administrator (sign in, list keys, initiate an application, look at the approval queue, approve what waits), the
 *    others employees (an application initiated for them, then entry with key and reference, the form's sections,
 *    save, a document upload, the signature with the code read from the SMTP server).
 * 3. From 40 % to 60 % of the run the SMTP server refuses every session (421 at the greeting): e-mails wait and are
 *    retried; signing codes that cannot arrive in time expire (the employee gives up that attempt).
 * 4. After the run, waits for the outbox to drain (SMTP back), then checks and reports:
 *    - errors: HTTP 5xx answers and network errors (must be 0);
 *    - memory: the app's resident memory (VmRSS) after the warm-up (the first 10 % of the run, at most 1 minute) and at
 *      the end (the end must be within 15 % of the start);
 *    - the outbox: no row left pending, sending or dead, and every e-mail delivered exactly once (each `sent` row's
 *      Message-ID received once by the SMTP server, no Message-ID received that no row sent, none received twice).
 *    Exit code 1 when a criterion fails. SOAK_KEEP=1 keeps the temp DATA_DIR (app.log inside).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './support';
import { VALID_CARDHOLDER } from '../test/support/employee';
import request from 'supertest';
import * as cheerio from 'cheerio';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { openDb } from '../src/platform/db';

const ROOT = path.resolve(__dirname, '..');
const argMinutes = (() => {
  const i = process.argv.indexOf('--minutes');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const MINUTES = Number(argMinutes ?? process.env.SOAK_MINUTES ?? 10);
const USERS = Number(process.env.SOAK_USERS ?? 50);
const DRAIN_MS = Number(process.env.SOAK_DRAIN_SECONDS ?? 600) * 1000;
if (!(MINUTES > 0) || !(USERS > 0)) throw new Error('--minutes and SOAK_USERS must be positive numbers');

type Agent = ReturnType<typeof request.agent>;
type Res = request.Response;

const stats = { requests: 0, byStatus: new Map<number, number>(), fiveXx: [] as string[], networkErrors: [] as string[], journeys: new Map<string, number>() };
const count = (what: string) => stats.journeys.set(what, (stats.journeys.get(what) ?? 0) + 1);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Every answer goes through here: counted by status, 5xx remembered. */
async function track(what: string, run: () => Promise<Res>): Promise<Res | undefined> {
  stats.requests++;
  try {
    const res = await run();
    stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
    if (res.status >= 500) stats.fiveXx.push(`${what}: ${res.status}`);
    return res;
  } catch (err) {
    stats.networkErrors.push(`${what}: ${(err as Error).message}`);
    return undefined;
  }
}

const csrfOf = (html: string) => cheerio.load(html)('input[name="_csrf"]').first().val() as string | undefined;

async function get(agent: Agent, url: string): Promise<Res | undefined> {
  return track(`GET ${url.replace(/\d+/g, ':n')}`, () => agent.get(url));
}

/** GET the page for its token, then POST the fields. */
async function post(agent: Agent, url: string, fields: Record<string, unknown>, getUrl = url): Promise<Res | undefined> {
  const page = await get(agent, getUrl);
  const token = page && page.status === 200 ? csrfOf(page.text) : undefined;
  if (!token) return undefined;
  return track(`POST ${url.replace(/\d+/g, ':n')}`, () =>
    agent
      .post(url)
      .type('form')
      .send({ _csrf: token, ...fields }),
  );
}

// ---- SMTP --------------------------------------------------------------------------------------------------------
const received: Array<{ to: string; messageId: string; subject: string; text: string }> = [];
let smtpFailing = false;

async function startSmtp(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 20 * 1024 * 1024,
    onConnect(_session, cb) {
      if (!smtpFailing) return cb();
      const err = new Error('Service not available, try again later') as Error & { responseCode: number };
      err.responseCode = 421;
      cb(err);
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            messageId: parsed.messageId ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          });
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// ---- Journeys ----------------------------------------------------------------------------------------------------
interface World {
  base: string;
  admins: Array<{ id: number; name: string }>;
}

async function signIn(world: World, adminId: number): Promise<Agent | undefined> {
  const agent = request.agent(world.base);
  const res = await post(agent, '/sign-in', { administratorId: adminId, returnTo: '/admin' }, '/sign-in?lang=fr');
  return res?.status === 303 ? agent : undefined;
}

let seq = 0;
/** A number as letters (names accept no digits): 1 → b, 27 → bb… */
const letters = (n: number) => n.toString(26).replace(/[0-9a-p]/g, (c) => String.fromCharCode(97 + parseInt(c, 26)));

/** An administrator initiates an application on one of their keys; returns its reference, key number and e-mail. */
async function initiate(agent: Agent): Promise<{ id: number; reference: string; keyNumber: string; email: string } | undefined> {
  const list = await get(agent, '/admin/access-keys');
  if (!list || list.status !== 200) return undefined;
  const keyIds = [...new Set([...list.text.matchAll(/\/admin\/access-keys\/(\d+)\/applications\/new/g)].map((m) => m[1] as string))];
  const keyId = keyIds[Math.floor(Math.random() * keyIds.length)];
  if (!keyId) return undefined;
  const show = await get(agent, `/admin/access-keys/${keyId}`);
  const keyNumber = show ? /class="key-number[^"]*">([^<]+)</.exec(show.text)?.[1]?.trim() : undefined;
  if (!keyNumber) return undefined;
  const email = `soak.${process.pid}.${++seq}@soak.example`;
  const res = await post(agent, `/admin/access-keys/${keyId}/applications/new`, {
    priority: 'normal',
    title: 'ms',
    firstName: 'Zoé',
    lastName: `Soak ${letters(seq)}`,
    email,
    language: seq % 2 ? 'fr' : 'en',
  });
  const location = res?.status === 303 ? String(res.headers.location) : '';
  const id = Number(/\/admin\/applications\/(\d+)/.exec(location)?.[1]);
  if (!id) return undefined;
  const page = await get(agent, location);
  const reference = page ? cheerio.load(page.text)('#reference').text().trim() : '';
  return reference ? { id, reference, keyNumber, email } : undefined;
}

async function adminJourney(world: World, deadline: number): Promise<void> {
  const admin = world.admins[Math.floor(Math.random() * world.admins.length)] as World['admins'][number];
  const agent = await signIn(world, admin.id);
  if (!agent) return void count('admin: sign-in failed');
  await get(agent, '/admin');
  await initiate(agent);
  const queue = await get(agent, '/admin/approvals');
  if (Date.now() > deadline || !queue || queue.status !== 200) return void count('admin: journey done');
  const ids = cheerio
    .load(queue.text)('input[name="ids"]')
    .map((_i, el) => cheerio.load(el)('input').attr('value'))
    .get()
    .slice(0, 3);
  if (ids.length) {
    const token = csrfOf(queue.text);
    const sel = await track('POST /admin/approvals/selection', () =>
      agent.post('/admin/approvals/selection').type('form').send({ _csrf: token, action: 'approve', ids }),
    );
    if (sel?.status === 303) {
      const confirmUrl = String(sel.headers.location);
      const confirmed = await post(agent, confirmUrl, {});
      if (confirmed?.status === 303) {
        await get(agent, String(confirmed.headers.location));
        count('admin: approved');
      }
    }
  }
  await get(agent, '/admin/tracking');
  count('admin: journey done');
}

/** The tests' valid cardholder section, as a soak employee. */
const CARDHOLDER = { ...VALID_CARDHOLDER, firstName: 'Zoé', lastName: 'Soak', businessEmail: 'zoe.soak@acme.example', jobTitle: 'Acheteuse' };
const PDF = Buffer.from('%PDF-1.4\n% soak\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

async function employeeJourney(world: World, initiator: Agent, deadline: number): Promise<void> {
  const app = await initiate(initiator);
  if (!app) return void count('employee: initiation failed');
  count('employee: application initiated');
  const agent = request.agent(world.base);
  const entered = await post(agent, '/access', { accessKey: app.keyNumber, reference: app.reference }, '/access?lang=fr');
  if (entered?.status !== 303) return void count('employee: entry refused');
  await get(agent, '/application');
  await post(agent, '/application/company', { action: 'continue' });
  await post(agent, '/application/priority', { action: 'continue', priority: 'normal' });
  await post(agent, '/application/cardholder', { action: 'save', ...CARDHOLDER });
  await post(agent, '/application/cardholder', { action: 'continue', ...CARDHOLDER });
  // Keys where direct debit is optional ask for the choice first; the others ignore it.
  await post(agent, '/application/payment', {
    action: 'continue',
    directDebit: 'yes',
    iban: 'FR76 3000 6000 0112 3456 7890 189',
    bic: 'BNPAFRPP',
    accountHolder: 'Zoé Soak',
  });
  await post(agent, '/application/pin', { action: 'continue', pin: '5827', pinConfirmation: '5827' });
  // Every document the BC requires (the documents page lists them), one PDF each.
  const docs = await get(agent, '/application/documents');
  const $docs = docs ? cheerio.load(docs.text) : undefined;
  const uploadToken = $docs ? ($docs('#upload-form input[name="_csrf"]').val() as string | undefined) : undefined;
  const required = $docs
    ? $docs('li[data-kind]')
        .map((_i, el) => $docs(el).attr('data-kind') as string)
        .get()
    : [];
  for (const kind of uploadToken ? (required.length ? required : ['identity']) : []) {
    await track('POST /application/documents/upload', () =>
      agent
        .post('/application/documents/upload')
        .field('_csrf', uploadToken as string)
        .field('kind', kind)
        .attach('file', PDF, { filename: `${kind}.pdf`, contentType: 'application/pdf' }),
    );
  }
  await post(agent, '/application/documents', { action: 'continue' });
  // Keys with an additional approver: the approver's details, and the request sent.
  const approval = await get(agent, '/application/additional-approval');
  if (approval?.status === 200 && /id="send"/.test(approval.text))
    await post(agent, '/application/additional-approval', {
      action: 'send',
      approverName: 'Paul Approver',
      approverEmail: `approver.${app.reference}@soak.example`,
      approverLanguage: 'fr',
    });
  const terms = await get(agent, '/application/terms');
  const termsId = terms ? /name="termsId" value="(\d+)"/.exec(terms.text)?.[1] : undefined;
  if (termsId) await post(agent, '/application/terms', { termsId, accept: 'yes', action: 'continue' });
  const review = await get(agent, '/application/review');
  if (Date.now() > deadline) return void count('employee: stopped before signing');
  // Signature: step 1 (terms), step 2 (the PDF, send me a code), step 3 (the code from the SMTP server).
  const sig = await get(agent, '/application/signature');
  const sigTermsId = sig?.status === 200 ? /name="termsId" value="(\d+)"/.exec(sig.text)?.[1] : undefined;
  if (!sigTermsId) {
    // Which sections the review calls incomplete, so a journey that cannot sign says why.
    const $review = review ? cheerio.load(review.text) : undefined;
    const incomplete = $review
      ? $review('h2[id^="section-"]')
          .filter((_i, el) => $review(el).find('.tag--urgent').length > 0)
          .map((_i, el) => ($review(el).attr('id') ?? '').replace(/^section-|-title$/g, ''))
          .get()
          .join(', ')
      : '';
    return void count(`employee: form incomplete, no signature (${incomplete || 'review not shown'})`);
  }
  await track('POST /application/signature', async () =>
    agent
      .post('/application/signature')
      .type('form')
      .send({ _csrf: csrfOf(sig!.text), termsId: sigTermsId, accept: 'yes' }),
  );
  await get(agent, '/application/signature/document/pdf');
  const before = received.length;
  const sent = await post(agent, '/application/signature/send-code', { from: 'document' }, '/application/signature/document');
  if (sent?.status !== 303) return void count('employee: code not requested');
  let code: string | undefined;
  const waitUntil = Date.now() + 120_000;
  while (!code && Date.now() < waitUntil) {
    const mail = received.slice(before).find((m) => m.to === app.email && /\b\d{6}\b/.test(m.text) && !/\d{10}/.test(m.subject));
    code = mail ? /\b(\d{6})\b/.exec(mail.text)?.[1] : undefined;
    if (!code) await sleep(1000);
  }
  if (!code) return void count('employee: code not received in 2 minutes (SMTP outage)');
  const signed = await post(agent, '/application/signature/code', { code }, '/application/signature/code');
  count(signed?.status === 303 ? 'employee: signed' : `employee: code answered ${signed?.status}`);
}

async function user(world: World, index: number, deadline: number): Promise<void> {
  const isAdmin = index % 5 === 0;
  let initiator: Agent | undefined;
  while (Date.now() < deadline) {
    try {
      if (isAdmin) await adminJourney(world, deadline);
      else {
        initiator ??= await signIn(world, (world.admins[index % world.admins.length] as World['admins'][number]).id);
        if (initiator) await employeeJourney(world, initiator, deadline);
        else await sleep(1000);
      }
    } catch (err) {
      stats.networkErrors.push(`journey: ${(err as Error).message}`);
    }
    await sleep(200 + Math.random() * 800);
  }
}

// ---- Main --------------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const dist = path.join(ROOT, 'dist/src/cli/start.js');
  if (!fs.existsSync(dist)) throw new Error('dist/ is missing: npm run build (npm run soak builds first)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-soak-'));
  const smtp = await startSmtp();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const startScript = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const nodeOptions = startScript.split(/\s+/).filter((arg) => arg.startsWith('--'));
  const appLog = fs.openSync(path.join(dataDir, 'app.log'), 'a');
  const child = spawn(process.execPath, [...nodeOptions, dist], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      DATA_DIR: dataDir,
      AUTH_MODE: 'dev',
      SEED_DEMO: 'true',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      OUTBOX_POLL_MS: '1000',
      LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', appLog, appLog],
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const startedAt = Date.now();
  for (;;) {
    if (exited) throw new Error(`the app exited at start; see ${path.join(dataDir, 'app.log')}`);
    const ok = await request(base)
      .get('/readyz')
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (Date.now() - startedAt > 60_000) throw new Error('the app did not become ready in 60 s');
    await sleep(250);
  }
  console.log(`Soak: ${MINUTES} min, ${USERS} users (1 in 5 administrator), app pid ${child.pid} on ${base}, DATA_DIR ${dataDir}`);
  console.log(`App started as: node ${[...nodeOptions, 'dist/src/cli/start.js'].join(' ')} (NODE_ENV=development, demo seed, SQLite)`);

  const db = openDb({ dataDir });
  const admins = (
    (await db('administrator').where({ active: true, role: 'admin' }).select('id', 'display_name')) as Array<{ id: number; display_name: string }>
  ).map((a) => ({ id: a.id, name: a.display_name }));
  const world: World = { base, admins };

  const durationMs = MINUTES * 60_000;
  const t0 = Date.now();
  const deadline = t0 + durationMs;
  const outage = { from: t0 + durationMs * 0.4, to: t0 + durationMs * 0.6 };
  const warmupMs = Math.min(60_000, durationMs * 0.1);
  let rssStart = 0;
  let rssMax = 0;
  const samples: Array<{ t: number; rss: number }> = [];
  const outageSnapshots: string[] = [];
  // The V8 heap as the app's own /metrics reports it (prom-client's process metrics), every 5 s: the smallest "heap used"
  // of each minute is close to what survives a collection, so a leak shows as a rising minimum, a settling heap does not.
  const heapSamples: Array<{ t: number; used: number; total: number; external: number }> = [];
  const metricValue = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const heapMonitor = setInterval(() => {
    void request(base)
      .get('/metrics')
      .then((r) =>
        heapSamples.push({
          t: Date.now() - t0,
          used: metricValue(r.text, 'nodejs_heap_size_used_bytes'),
          total: metricValue(r.text, 'nodejs_heap_size_total_bytes'),
          external: metricValue(r.text, 'nodejs_external_memory_bytes'),
        }),
      )
      .catch(() => undefined);
  }, 5000);
  const monitor = setInterval(() => {
    const now = Date.now();
    const rss = rssKb(child.pid as number);
    samples.push({ t: now - t0, rss });
    rssMax = Math.max(rssMax, rss);
    if (!rssStart && now - t0 >= warmupMs) rssStart = rss;
    const failing = now >= outage.from && now < outage.to;
    if (failing !== smtpFailing) {
      smtpFailing = failing;
      console.log(`[${((now - t0) / 1000).toFixed(0)} s] SMTP ${failing ? 'refuses every session (421) from now' : 'accepts again'}`);
    }
  }, 1000);

  // What monitoring sees in the middle of the outage.
  const snapshotAt = setTimeout(async () => {
    const ready = await request(base)
      .get('/readyz')
      .then((r) => `${r.status} ${JSON.stringify(r.body)}`)
      .catch((e: Error) => e.message);
    const metrics = await request(base)
      .get('/metrics')
      .then((r) => r.text.split('\n').filter((l) => /^sesame_outbox|^sesame_job/.test(l)))
      .catch(() => []);
    outageSnapshots.push(`GET /readyz → ${ready}`, ...metrics.map((l) => `  ${l}`));
  }, durationMs * 0.55);

  await Promise.all(Array.from({ length: USERS }, (_v, i) => user(world, i, deadline)));
  clearTimeout(snapshotAt);
  smtpFailing = false;
  const loadEnded = Date.now();
  const rssEndOfLoad = rssKb(child.pid as number);

  // Drain: every e-mail out (the rows retried after the outage may wait a few minutes of backoff).
  let left = -1;
  while (Date.now() - loadEnded < DRAIN_MS) {
    const [row] = (await db('outbox').whereIn('status', ['pending', 'sending']).count({ n: '*' })) as Array<{ n: number | string }>;
    left = Number(row?.n ?? 0);
    if (left === 0) break;
    await sleep(2000);
  }
  clearInterval(monitor);
  clearInterval(heapMonitor);
  const rssEnd = rssKb(child.pid as number);
  const byState = (await db('outbox').select('status').count({ n: '*' }).groupBy('status')) as Array<{ status: string; n: number | string }>;
  const sentRows = (await db('outbox').where({ status: 'sent' }).select('id', 'message_id')) as Array<{ id: number; message_id: string }>;
  const deadRows = (await db('outbox').where({ status: 'dead' }).select('id', 'template', 'last_error')) as Array<{
    id: number;
    template: string;
    last_error: string;
  }>;
  const readyAfter = await request(base)
    .get('/readyz')
    .then((r) => `${r.status} ${JSON.stringify(r.body)}`)
    .catch((e: Error) => e.message);
  await db.destroy();
  child.kill('SIGTERM');
  await new Promise<void>((r) => (exited ? r() : child.once('exit', () => r())));
  await smtp.close();

  // ---- Report --------------------------------------------------------------------------------------------------
  const receivedIds = new Map<string, number>();
  for (const m of received) receivedIds.set(m.messageId, (receivedIds.get(m.messageId) ?? 0) + 1);
  const sentIds = new Set(sentRows.map((r) => r.message_id));
  const notReceived = sentRows.filter((r) => !receivedIds.has(r.message_id)).length;
  const twice = [...receivedIds.values()].filter((n) => n > 1).length;
  const unknown = [...receivedIds.keys()].filter((id) => !sentIds.has(id)).length;
  const growth = rssStart ? (rssEnd - rssStart) / rssStart : 0;

  console.log('\n== Load');
  console.log(
    `requests: ${stats.requests}; by status: ${[...stats.byStatus.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(', ')}`,
  );
  for (const [what, n] of [...stats.journeys.entries()].sort()) console.log(`  ${what}: ${n}`);
  console.log(`5xx: ${stats.fiveXx.length}${stats.fiveXx.length ? ` (${[...new Set(stats.fiveXx)].slice(0, 10).join('; ')})` : ''}`);
  console.log(
    `network errors: ${stats.networkErrors.length}${stats.networkErrors.length ? ` (${[...new Set(stats.networkErrors)].slice(0, 5).join('; ')})` : ''}`,
  );
  console.log('\n== During the SMTP outage (at 55 % of the run)');
  for (const line of outageSnapshots) console.log(line);
  console.log('\n== Memory (app VmRSS)');
  // One sample a minute (the last of each minute): a leak climbs steadily, a heap settling after warm-up flattens out.
  const perMinute = new Map<number, number>();
  for (const s of samples) perMinute.set(Math.floor(s.t / 60_000), s.rss);
  console.log(`per minute (MB): ${[...perMinute.values()].map((kb) => (kb / 1024).toFixed(0)).join(' ')}`);
  const heapPerMinute = new Map<number, { used: number; total: number; external: number }>();
  for (const h of heapSamples) {
    const minute = Math.floor(h.t / 60_000);
    const seen = heapPerMinute.get(minute);
    heapPerMinute.set(minute, {
      used: Math.min(seen?.used ?? Infinity, h.used),
      total: Math.max(seen?.total ?? 0, h.total),
      external: Math.max(seen?.external ?? 0, h.external),
    });
  }
  const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
  console.log(`V8 heap used, smallest of each minute (MB): ${[...heapPerMinute.values()].map((h) => mb(h.used)).join(' ')}`);
  console.log(`V8 heap size, largest of each minute (MB): ${[...heapPerMinute.values()].map((h) => mb(h.total)).join(' ')}`);
  console.log(`external memory, largest of each minute (MB): ${[...heapPerMinute.values()].map((h) => mb(h.external)).join(' ')}`);
  console.log(
    `after warm-up (${(warmupMs / 1000).toFixed(0)} s): ${(rssStart / 1024).toFixed(1)} MB; end of load: ${(rssEndOfLoad / 1024).toFixed(1)} MB; end (after drain): ${(rssEnd / 1024).toFixed(1)} MB; max ${(rssMax / 1024).toFixed(1)} MB; growth ${(growth * 100).toFixed(1)} %`,
  );
  console.log('\n== Outbox at the end');
  console.log(`rows by state: ${byState.map((r) => `${r.status} ${r.n}`).join(', ')}; left waiting: ${left}`);
  console.log(`messages received by the SMTP server: ${received.length} (distinct Message-IDs ${receivedIds.size})`);
  console.log(`sent rows not received: ${notReceived}; Message-IDs received twice or more: ${twice}; received but no sent row: ${unknown}`);
  if (deadRows.length) console.log(`dead: ${deadRows.map((r) => `${r.id} ${r.template} ${r.last_error}`).join('; ')}`);
  console.log(`GET /readyz after the drain → ${readyAfter}`);

  const criteria: Array<[string, boolean]> = [
    ['no 5xx and no network error', stats.fiveXx.length === 0 && stats.networkErrors.length === 0],
    ['memory flat (end within 15 % of the start)', rssStart > 0 && growth <= 0.15],
    ['outbox drained (nothing pending or sending), nothing dead', left === 0 && deadRows.length === 0],
    ['every e-mail delivered exactly once', notReceived === 0 && twice === 0 && unknown === 0 && received.length === sentRows.length],
    [
      'the journeys did their work (applications initiated, e-mails sent, applications signed)',
      sentRows.length > 0 && (stats.journeys.get('employee: signed') ?? 0) > 0,
    ],
  ];
  console.log('\n== Criteria');
  for (const [name, ok] of criteria) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
  if (process.env.SOAK_KEEP !== '1') fs.rmSync(dataDir, { recursive: true, force: true });
  else console.log(`DATA_DIR kept: ${dataDir}`);
  process.exit(criteria.every(([, ok]) => ok) ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
