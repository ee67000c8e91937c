/**
 * Browser-journey support: the real app served in-process, Debian's Chromium driven by playwright-core, axe-core.
 *
 * Typical journey file (test/e2e/<name>.e2e.ts, run with `npm run test:e2e`):
 *
 *   import { useE2E, expectNoSeriousA11yViolations } from './support';
 *   import { AdminPages } from './pages/admin';
 *
 *   describe('…', () => {
 *     const e2e = useE2E();                 // one app + one browser for this file, a fresh page per test
 *     it('…', async () => {
 *       const admin = new AdminPages(e2e.page);
 *       await admin.signIn('Claire Martin');
 *       await expectNoSeriousA11yViolations(e2e.page);
 *     });
 *   });
 *
 * API
 * - useE2E(options?) → E2E. Registers beforeAll/afterAll (start the app on a free port with the demo data, launch
 *   Chromium) and beforeEach/afterEach (fresh BrowserContext + Page per test; on failure, a screenshot and the page's
 *   HTML go to test-results/<test name>.png|.html). Fields of the returned handle are usable inside tests and hooks:
 *     e2e.page / e2e.context   this test's page and context (locale fr-FR by default, baseURL set: goto('/sign-in'))
 *     e2e.baseUrl              http://127.0.0.1:<port>
 *     e2e.deps                 the running app's Deps ({ config, db, clock, logger, … }) — read the database to assert
 *     e2e.browser              the shared Browser (open a second context with newContext(e2e) for a second person)
 *     e2e.consoleErrors        console errors and page errors seen on this test's page (CSP violations land here)
 *     e2e.logs                 every line the app logged (JSON strings)
 *   options: { env?: extra environment for loadConfig (e.g. { URGENT_FEE_EUR: '40' }); locale?: 'fr-FR' | 'en-GB';
 *              clock?: a Clock (e.g. TestClock from test/support/app) passed to startServer }
 * - expectNoSeriousA11yViolations(page, { exclude?: string[] (CSS selectors), label?: string }) injects axe-core into
 *   the current page and throws, listing each violation readably, if any has impact 'serious' or 'critical'.
 * - expectNoConsoleErrors(e2e) throws when the page logged console errors (e.g. a CSP violation).
 * - Lower-level pieces, for unusual set-ups: startApp(options) → RunningApp, launchChromium(), newContext(e2e, locale).
 *
 * Environment: NODE_ENV=test, AUTH_MODE=dev (the dev sign-in page), SEED_DEMO=true (src/seed/demo.ts: Claire Martin
 * manages the ACME BCs, Marc Dupont the Globex ones, Paula Plateforme is platform administrator), no SMTP_URL (so the
 * development mailbox at /dev/mailbox receives the e-mails), OUTBOX_POLL_MS=100 so queued e-mails arrive quickly.
 * Chromium: CHROMIUM_PATH or /usr/bin/chromium (CI installs Debian's `chromium` package).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../../src/platform/config';
import type { Clock, Deps } from '../../../src/platform/deps';
import { createLogger } from '../../../src/platform/logger';
import { startServer } from '../../../src/server';

export const RESULTS_DIR = path.resolve(__dirname, '../../../test-results');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface StartOptions {
  env?: Record<string, string>;
  clock?: Clock;
}

export interface RunningApp {
  baseUrl: string;
  deps: Deps;
  dataDir: string;
  logs: string[];
  close(): Promise<void>;
}

/** A port nobody listens on right now (the app must know its public URL before it starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the real server (migrations, demo data, background workers) on 127.0.0.1 with a temporary database. */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    AUTH_MODE: 'dev',
    SESSION_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0000',
    LOG_LEVEL: 'info',
    OUTBOX_POLL_MS: '100',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const running = await startServer(config, { logger: createLogger(config.logLevel, sink), ...(options.clock ? { clock: options.clock } : {}) });
  return {
    baseUrl,
    deps: running.deps,
    dataDir,
    logs,
    close: async () => {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, without the background chatter that slows CI machines down. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface E2E {
  readonly baseUrl: string;
  readonly deps: Deps;
  readonly logs: string[];
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly consoleErrors: string[];
}

export interface UseE2EOptions extends StartOptions {
  /** Browser locale, which sets Accept-Language (the app's first-visit language). Default fr-FR. */
  locale?: string;
}

interface CurrentTest {
  name: string;
  failed: boolean;
}

/** A new browser context on the app (own cookies), with short action timeouts and console errors collected. */
export async function newContext(
  e2e: Pick<E2E, 'browser' | 'baseUrl'>,
  locale = 'fr-FR',
  consoleErrors: string[] = [],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext({ baseURL: e2e.baseUrl, locale, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10000);
  context.setDefaultNavigationTimeout(15000);
  const page = await context.newPage();
  page.on('console', (msg) => {
    // The document's own error status (a 404 or 400 page on purpose) is not a console error worth failing on.
    if (msg.type() === 'error' && !(msg.text().startsWith('Failed to load resource') && msg.location().url === page.url())) {
      consoleErrors.push(`${page.url()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: ${err.message}`));
  return { context, page };
}

/** One app and one browser per test file, a fresh context and page per test, artefacts kept on failure. */
export function useE2E(options: UseE2EOptions = {}): E2E {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let consoleErrors: string[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`e2e.${what} is only available inside tests and hooks (after useE2E's beforeAll/beforeEach)`);
    return value;
  };
  const handle: E2E = {
    get baseUrl() {
      return need(app, 'baseUrl').baseUrl;
    },
    get deps() {
      return need(app, 'deps').deps;
    },
    get logs() {
      return need(app, 'logs').logs;
    },
    get browser() {
      return need(browser, 'browser');
    },
    get context() {
      return need(context, 'context');
    },
    get page() {
      return need(page, 'page');
    },
    get consoleErrors() {
      return consoleErrors;
    },
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(options), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    consoleErrors = [];
    ({ context, page } = await newContext(handle, options.locale, consoleErrors));
  });
  afterEach(async () => {
    const current = (globalThis as { __E2E_CURRENT_TEST__?: CurrentTest }).__E2E_CURRENT_TEST__;
    if (current?.failed && page) await saveFailureArtifacts(page, current.name);
    await context?.close();
    context = undefined;
    page = undefined;
  });
  return handle;
}

/** Keeps a full-page screenshot and the HTML of the page a failed test ended on. */
export async function saveFailureArtifacts(page: Page, testName: string): Promise<void> {
  try {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(
      RESULTS_DIR,
      testName
        .replace(/[^\p{L}\p{N}]+/gu, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 120) || 'test',
    );
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5000 });
    fs.writeFileSync(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    console.error(`Failure artefacts: ${base}.png, ${base}.html (page ${page.url()})`);
  } catch (err) {
    console.error(`Could not save failure artefacts for "${testName}": ${(err as Error).message}`);
  }
}

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

let axeSource: string | undefined;
function axeScript(): string {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/**
 * Runs axe-core (all default rules) on the page as it is now; fails listing every 'serious' or 'critical' violation.
 * axe is injected with page.evaluate, which the app's CSP (script-src 'self') does not block.
 */
export async function expectNoSeriousA11yViolations(page: Page, opts: { exclude?: string[]; label?: string } = {}): Promise<void> {
  await page.waitForLoadState('load');
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(`${axeScript()}\n;void 0`);
  const violations = await page.evaluate(async (exclude: string[]) => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : { exclude: [] as string[][] };
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  }, opts.exclude ?? []);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length) {
    const where = `${opts.label ? `${opts.label} – ` : ''}${page.url()}`;
    const lines = serious.flatMap((v) => [
      `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.nodes
        .slice(0, 5)
        .flatMap((n) => [
          `      at ${n.target.map(String).join(' ')}`,
          `         ${n.html.slice(0, 200)}`,
          ...(n.failureSummary ? [`         ${n.failureSummary.replace(/\n/g, '\n         ')}`] : []),
        ]),
      ...(v.nodes.length > 5 ? [`      … and ${v.nodes.length - 5} more element(s)`] : []),
    ]);
    throw new Error(`axe found ${serious.length} serious or critical accessibility violation(s) on ${where}:\n${lines.join('\n')}`);
  }
}

/** Fails when the page logged console errors (CSP violations, script errors, failed resources). */
export function expectNoConsoleErrors(e2e: Pick<E2E, 'consoleErrors'>): void {
  if (e2e.consoleErrors.length) throw new Error(`The browser logged errors:\n  ${e2e.consoleErrors.join('\n  ')}`);
}
