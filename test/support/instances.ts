import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT_DIR = path.resolve(__dirname, '..', '..');

/** One instance of the app as a real process (`src/cli/start.ts` run by tsx, as `npm run dev` does). */
export interface Instance {
  /** http://127.0.0.1:<port> once it listens. */
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<number | null>;
}

/** What a process that ended before listening printed, with its exit code. */
export class InstanceExited extends Error {
  constructor(
    readonly code: number | null,
    readonly printed: string,
  ) {
    super(`the instance exited (code ${code}) before listening:\n${printed}`);
  }
}

/**
 * Starts `src/cli/start.ts` in a child process on port 0 with `env` (NODE_ENV=development, DATA_DIR, DATABASE_URL…) and
 * resolves once its "Sésame listening" log line gives the port; rejects with InstanceExited if it ends first.
 */
/**
 * The test's own clock, passed on to the instances: under `faketime` (.ci/run's +400-days stage) the server and the
 * test's HTTP client must agree on the time, or the client drops the session cookie as already expired.
 */
const FAKED_CLOCK: Record<string, string> = Object.fromEntries(
  ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC'].flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])),
);

export function startInstance(env: Record<string, string>, opts: { timeoutMs?: number } = {}): Promise<Instance> {
  const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [path.join(ROOT_DIR, 'src', 'cli', 'start.ts')], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', ...FAKED_CLOCK, NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
    try {
      return await exited;
    } finally {
      clearTimeout(killer);
    }
  };
  return new Promise<Instance>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the instance did not listen within ${opts.timeoutMs ?? 120000} ms:\n${printed}`));
    }, opts.timeoutMs ?? 120000);
    const onData = () => {
      const port = /"port":(\d+)[^\n]*"msg":"Sésame listening"/.exec(printed)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ url: `http://127.0.0.1:${port}`, child, output: () => printed, stop });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new InstanceExited(code, printed));
    });
  });
}
