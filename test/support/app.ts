import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import * as cheerio from 'cheerio';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/platform/config';
import { buildDeps, type Clock, type Deps, type Faults } from '../../src/platform/deps';
import { createApp } from '../../src/app';
import { migrateLatest } from '../../src/platform/db';
import { freshDatabase, migratedSqliteFile, type FreshDatabase } from './database';
import { createLogger } from '../../src/platform/logger';

export interface TestContext {
  app: Express;
  deps: Deps;
  config: Config;
  dataDir: string;
  /** Every line the app logged, for "no personal data in logs" checks. */
  logs: string[];
  close(): Promise<void>;
}

/** A fixed, movable clock for tests. */
export class TestClock implements Clock {
  constructor(public current: Date = new Date('2026-11-24T09:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advanceDays(days: number): void {
    this.advance(days * 86400000);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * The real createApp on a temporary SQLite file — or, when TEST_DATABASE_URL=postgres://… is set, on a new PostgreSQL
 * database of that server, dropped by close() — with sessions, CSRF and everything else on. `faults`: the app's test
 * hooks (see Faults in src/platform/deps), an object the test may fill and empty again between its tests.
 */
export async function createTestContext(env: Record<string, string> = {}, opts: { clock?: Clock; faults?: Faults } = {}): Promise<TestContext> {
  const onPostgres = process.env.TEST_DATABASE_URL?.startsWith('postgres') && !env.DATABASE_URL;
  const fresh = onPostgres ? await freshDatabase() : undefined;
  const dataDir = fresh?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-test-'));
  // The default SQLite database starts as a copy of the migrated template (see test/support/database.ts).
  if (!fresh && !env.DATABASE_URL) await migratedSqliteFile(path.join(dataDir, 'sesame.sqlite'));
  const database = fresh ? { DATABASE_URL: fresh.url } : {};
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-00',
    LOG_LEVEL: 'info',
    ...database,
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const deps = buildDeps(config, {
    logger: createLogger(config.logLevel, sink),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  await migrateLatest(deps.db);
  const app = createApp(deps);
  return {
    app,
    deps,
    config,
    dataDir,
    logs,
    close: async () => {
      await deps.db.destroy();
      if (fresh) await fresh.drop();
      else fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Agent = ReturnType<typeof request.agent>;

/** Reads the CSRF token from a page's first form. */
export function csrfFrom(html: string): string {
  const token = cheerio.load(html)('input[name="_csrf"]').first().val();
  if (typeof token !== 'string' || !token) throw new Error('no _csrf field on the page');
  return token;
}

/** GETs a page and returns the CSRF token it carries. */
export async function getCsrf(agent: Agent, url: string): Promise<string> {
  const res = await agent.get(url);
  return csrfFrom(res.text);
}

/** Signs in through the dev sign-in page as the administrator with that e-mail; returns the agent. */
export async function signInAs(app: Express, deps: Deps, email: string, lang: 'fr' | 'en' = 'fr'): Promise<Agent> {
  const agent = request.agent(app);
  const admin = await deps.db('administrator').where({ email }).first();
  if (!admin) throw new Error(`no administrator ${email}`);
  const token = await getCsrf(agent, `/sign-in?lang=${lang}`);
  const res = await agent.post('/sign-in').type('form').send({ _csrf: token, administratorId: admin.id, returnTo: '/admin' });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return agent;
}

export function $(html: string): cheerio.CheerioAPI {
  return cheerio.load(html);
}

/**
 * The organisation's signing certificate of the tests' production configurations: a PKCS#12 file made by OpenSSL 3
 * (its defaults: AES-256-CBC, PBKDF2, an HMAC-SHA256 MAC), self-signed, valid for a hundred years. Not a secret.
 */
export const TEST_SIGNING_CERT = {
  SIGNING_CERT_FILE: path.resolve(__dirname, '..', 'fixtures', 'signing-cert.p12'),
  SIGNING_CERT_PASSWORD: 'test-signing-password',
};

/** A complete production environment (header authentication, every secret given), for tests of production behaviour. */
export function productionEnv(): Record<string, string> {
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    NODE_ENV: 'production',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    AUTH_MODE: 'header',
    AUTH_PROXY_SECRET: 'proxy-secret-proxy-secret',
    PIN_ISSUER_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    OTP_SECRET: crypto.randomBytes(32).toString('hex'),
    ...TEST_SIGNING_CERT,
    LOG_LEVEL: 'silent',
  };
}

/**
 * A new app on a new database for each test of the describe block (PostgreSQL when TEST_DATABASE_URL is set), closed
 * and dropped after it; call the returned function inside a test (or a later beforeEach) to get it.
 */
export function contextPerTest(): () => TestContext {
  let ctx: TestContext;
  let database: FreshDatabase;
  beforeEach(async () => {
    database = await freshDatabase();
    ctx = await createTestContext({ DATABASE_URL: database.url });
  });
  afterEach(async () => {
    await ctx.close();
    await database.drop();
  });
  return () => ctx;
}
