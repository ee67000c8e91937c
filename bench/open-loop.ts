/**
 * An open-loop load generator (used by `npm run bench`, in a process of its own): requests arrive at RATE per second
 * as a Poisson process (independent arrivals, exponential gaps drawn from a seeded generator, so every run sends the
 * same pattern), each sent when it is due whatever the earlier ones are doing: no connection waits for its previous
 * answer, so a slow answer never delays the next arrival. The latency of a request counts from the moment it was due,
 * so a late start (the generator's own timer) is counted too, never hidden.
 *
 * Why not autocannon's overallRate: it divides the rate between its connections, whose timers tick together, so that
 * at 50/s over 10 connections the requests come 10 at once every 200 ms (bursts, not a rate). The bench prints that
 * figure too, for information.
 *
 *   tsx bench/open-loop.ts --url URL --rate 50 --duration 10 [--warmup 2] [--status 200] [--seed 1] [--header name=value]…
 *
 * Prints one JSON object: { requests, mean, p50, p90, p99, max, errors, unexpected, rate }.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { prng } from './prng';

interface Options {
  url: URL;
  rate: number;
  duration: number;
  warmup: number;
  status: number;
  seed: number;
  headers: Record<string, string>;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { url: new URL('http://127.0.0.1/'), rate: 50, duration: 10, warmup: 2, status: 200, seed: 1, headers: {} };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1] ?? ''];
    if (name === '--url') opts.url = new URL(value);
    else if (name === '--rate') opts.rate = Number(value);
    else if (name === '--duration') opts.duration = Number(value);
    else if (name === '--warmup') opts.warmup = Number(value);
    else if (name === '--status') opts.status = Number(value);
    else if (name === '--seed') opts.seed = Number(value);
    else if (name === '--header') {
      const at = value.indexOf('=');
      opts.headers[value.slice(0, at)] = value.slice(at + 1);
    } else throw new Error(`unknown option ${name}`);
  }
  return opts;
}

export interface OpenLoopResult {
  requests: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  unexpected: number;
  rate: number;
}

/** Sends Poisson arrivals at opts.rate for opts.warmup s (not counted), then opts.duration s (counted). */
export async function openLoop(opts: Options): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const random = prng(opts.seed);
  const latencies: number[] = [];
  let errors = 0;
  let unexpected = 0;
  const send = (due: number, counted: boolean) =>
    new Promise<void>((resolve) => {
      const req = http.get(opts.url, { agent, headers: opts.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (counted) {
            latencies.push(performance.now() - due);
            if (res.statusCode !== opts.status) unexpected++;
          }
          resolve();
        });
      });
      req.on('error', () => {
        if (counted) errors++;
        resolve();
      });
    });
  const start = performance.now();
  const warmEnd = start + opts.warmup * 1000;
  const end = warmEnd + opts.duration * 1000;
  const inFlight: Array<Promise<void>> = [];
  let due = start;
  for (;;) {
    due += (-Math.log(1 - random()) / opts.rate) * 1000;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(due, due >= warmEnd));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    requests: sorted.length,
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    errors,
    unexpected,
    rate: round(sorted.length / opts.duration),
  };
}

if (require.main === module) {
  openLoop(parseArgs(process.argv.slice(2))).then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
