import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

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
