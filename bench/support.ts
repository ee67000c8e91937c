import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TEST_SIGNING_CERT } from '../test/support/app';

/** A TCP port free on loopback right now, for a process the bench starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface CliRun {
  ms: number;
  /** CPU time (user + system) of the command's process: unlike the wall time, independent of other load. */
  cpuMs: number;
  /** The command's peak resident memory (its own process, as an operator runs it). */
  peakMb: number;
  out: string;
}

/** Runs a built command-line tool (dist/src/cli/<name>.js) on `dataDir` in its own process, timed and measured. */
export function runBuiltCli(name: string, args: string[], dataDir: string): Promise<CliRun> {
  const cli = path.resolve(__dirname, '..', 'dist/src/cli', `${name}.js`);
  if (!fs.existsSync(cli)) throw new Error('dist/ is missing: run npm run build first');
  const script =
    "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('maxRSS ' + u.maxRSS + ' cpu ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });" +
    `process.argv.splice(1, 0, ${JSON.stringify(cli)}); require(${JSON.stringify(cli)});`;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['-e', script, ...args], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      const ms = performance.now() - start;
      const m = /maxRSS (\d+) cpu (\d+)/.exec(out);
      resolve({ ms, cpuMs: Number(m?.[2] ?? NaN) / 1000, peakMb: Number(m?.[1] ?? NaN) / 1024, out });
    });
  });
}

/**
 * The environment of the built app as the benchmarks run it: production mode on loopback, header authentication
 * behind a "proxy" (`proxySecret`), secrets generated for the run, SMTP pointed at port 9 where nothing listens (the
 * dispatcher would only retry; the seeded outbox has nothing pending).
 */
export function productionAppEnv(opts: {
  port: number;
  dataDir: string;
  proxySecret: string;
  timeZone: string;
  logLevel: string;
  databaseUrl?: string;
}): Record<string, string> {
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(opts.port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${opts.port}`,
    DATA_DIR: opts.dataDir,
    AUTH_MODE: 'header',
    AUTH_PROXY_SECRET: opts.proxySecret,
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
    SMTP_URL: 'smtp://127.0.0.1:9',
    PIN_ISSUER_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    OTP_SECRET: crypto.randomBytes(32).toString('hex'),
    ...TEST_SIGNING_CERT,
    TIME_ZONE: opts.timeZone,
    LOG_LEVEL: opts.logLevel,
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  };
}
