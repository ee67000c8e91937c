import { Worker } from 'node:worker_threads';
import type { BackgroundWorker } from './background-worker';
import type { Logger } from './logger';
import { isSqlite, setSqliteAutocheckpoint, sqliteFile, SQLITE_ANALYSIS_LIMIT, SQLITE_HAS_STATISTICS, SQLITE_OPTIMIZE_ALL_TABLES, type Db } from './db';

/**
 * SQLite's checkpoints, off the event loop.
 *
 * In WAL mode each commit appends its pages to the write-ahead log; a checkpoint copies them back into the database
 * file and syncs it. By default the connection that commits when the log passes 1,000 pages does that checkpoint
 * itself, synchronously: the request that happens to commit then (an application page's view audit, a save) waits for
 * it. Measured on this project's 100,000-application database: commits take 0.2–0.7 ms, and the one that checkpoints
 * 110 ms; under load the bench saw application page views of 294–619 ms.
 *
 * Here the server's connection never checkpoints (wal_autocheckpoint = 0). A worker thread with its own connection to
 * the same file runs a PASSIVE checkpoint every few hundred milliseconds: it copies what no reader still needs, never
 * waits for a lock and never blocks a writer or a reader. The log starts over from its beginning at the next commit
 * after everything in it was copied, so its size stays that of a few hundred milliseconds of writes.
 *
 * Durability does not change: a commit is durable once it is in the log (synchronous = FULL syncs the log at each
 * commit); the checkpoint only moves it. Should the worker stop for any reason, the connection goes back to SQLite's
 * own checkpoints (every 1,000 pages) at once, and a warning says so. Closing the database checkpoints what remains.
 * Command-line tools and tests keep SQLite's default. On PostgreSQL this does nothing.
 *
 * The same thread refreshes the query planner's statistics hourly where the database has some (PRAGMA optimize, see
 * updatePlannerStatistics), so that one that grows while the server runs keeps good plans; it waits for the write
 * lock in its own thread.
 */
/** What one checkpoint did: the log's size in pages and how many of them are now in the database file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** SQLite's own threshold, restored when the worker stops. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** How often the worker checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 250;

/** How often the worker refreshes the planner's statistics where they are missing or stale. */
export const OPTIMIZE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The worker's code, as plain JavaScript: it runs in its own thread, loads nothing of the app (only the SQLite driver,
 * by the path resolved here) and so needs no build step. It reports each checkpoint that copied pages, and any error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// Only the statistics need the write lock: waiting for it here blocks no request.
db.pragma('busy_timeout = 5000');
db.pragma('analysis_limit = ' + workerData.analysisLimit);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let last = -1;
function run() {
  try {
    const r = checkpoint.get();
    if (r.log !== last || r.busy) parentPort.postMessage({ type: 'checkpoint', busy: r.busy, log: r.log, checkpointed: r.checkpointed });
    last = r.log;
  } catch (err) {
    parentPort.postMessage({ type: 'error', what: 'checkpoint', message: String((err && err.message) || err) });
  }
}
const hasStatistics = db.prepare(workerData.hasStatistics);
function optimize() {
  try {
    if (!hasStatistics.get()) return;
    db.pragma('optimize = ' + workerData.optimizeMask);
    parentPort.postMessage({ type: 'optimized' });
  } catch (err) {
    parentPort.postMessage({ type: 'error', what: 'planner statistics', message: String((err && err.message) || err) });
  }
}
const timer = setInterval(run, workerData.intervalMs);
const optimizer = setInterval(optimize, workerData.optimizeEveryMs);
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  clearInterval(optimizer);
  db.close();
  parentPort.close();
});
`;

interface WorkerMessage {
  type: 'ready' | 'checkpoint' | 'optimized' | 'error';
  busy?: number;
  log?: number;
  checkpointed?: number;
  what?: string;
  message?: string;
}

export function createWalCheckpointer(
  db: Db,
  logger: Logger,
  opts: { intervalMs?: number; optimizeEveryMs?: number; onCheckpoint?: (r: CheckpointResult) => void; onOptimize?: () => void; driver?: string } = {},
): BackgroundWorker {
  let worker: Worker | undefined;
  let stopping: Promise<void> | undefined;

  const fallBack = (reason: string) => {
    if (!worker) return;
    worker = undefined;
    setSqliteAutocheckpoint(db, SQLITE_DEFAULT_AUTOCHECKPOINT);
    if (!stopping) logger.warn({ reason }, 'background checkpoints stopped; SQLite checkpoints on commit again');
  };

  return {
    name: 'wal-checkpointer',
    start() {
      if (!isSqlite(db) || worker) return;
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          file: sqliteFile(db),
          driver: opts.driver ?? require.resolve('better-sqlite3'),
          intervalMs: opts.intervalMs ?? CHECKPOINT_INTERVAL_MS,
          optimizeEveryMs: opts.optimizeEveryMs ?? OPTIMIZE_INTERVAL_MS,
          analysisLimit: SQLITE_ANALYSIS_LIMIT,
          optimizeMask: SQLITE_OPTIMIZE_ALL_TABLES,
          hasStatistics: SQLITE_HAS_STATISTICS,
        },
      });
      worker = w;
      // Only once the worker has its connection does the server's stop checkpointing on commit.
      w.on('message', (m: WorkerMessage) => {
        if (worker !== w) return;
        if (m.type === 'ready') setSqliteAutocheckpoint(db, 0);
        else if (m.type === 'checkpoint') opts.onCheckpoint?.({ busy: m.busy ?? 0, log: m.log ?? 0, checkpointed: m.checkpointed ?? 0 });
        else if (m.type === 'optimized') opts.onOptimize?.();
        else logger.warn({ reason: m.message }, `background ${m.what ?? 'checkpoint'} failed`);
      });
      w.on('error', (err) => {
        if (worker === w) fallBack(err.message);
      });
      w.on('exit', (code) => {
        if (worker === w) fallBack(`worker exited (${code})`);
      });
      // The process may exit without stopping it (after its listeners: adding one would hold the process again).
      w.unref();
    },
    stop() {
      const w = worker;
      if (!w) return Promise.resolve();
      return (stopping ??= new Promise<void>((resolve) => {
        // Its exit puts SQLite's own checkpoints back (fallBack, silent while stopping); the database's own close
        // (db.destroy, after this) checkpoints what the log still holds.
        // A checkpoint in progress finishes first; one that hangs is not waited for beyond this.
        const force = setTimeout(() => void w.terminate(), 5_000);
        w.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        w.postMessage('stop');
      }).finally(() => {
        stopping = undefined;
      }));
    },
  };
}
