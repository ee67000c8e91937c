import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openDb, type Db } from '../../src/platform/db';
import { createLogger } from '../../src/platform/logger';
import { waitFor } from '../support/wait';
import type { BackgroundWorker } from '../../src/platform/background-worker';
import { createWalCheckpointer, type CheckpointResult } from '../../src/platform/wal-checkpointer';

/**
 * SQLite's checkpoints run in a worker thread (src/platform/wal-checkpointer.ts): the server's connection never copies
 * the write-ahead log back into the database file on commit (which stalled the request that committed for ~100 ms),
 * the worker does, and if the worker stops the connection checkpoints on commit again.
 */
describe('background WAL checkpoints (SQLite)', () => {
  jest.setTimeout(60000);
  let dir: string;
  let db: Db;
  const logs: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-ckpt-'));
    db = openDb({ dataDir: dir });
    await db.raw('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    logs.length = 0;
    started.length = 0;
  });
  const started: BackgroundWorker[] = [];
  const checkpointerFor = (opts: Parameters<typeof createWalCheckpointer>[2]) => {
    const checkpointer = createWalCheckpointer(db, logger, opts);
    started.push(checkpointer);
    return checkpointer;
  };
  afterEach(async () => {
    await Promise.all(started.map((c) => c.stop()));
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const autocheckpoint = async () => Number(Object.values(((await db.raw('PRAGMA wal_autocheckpoint')) as Record<string, unknown>[])[0]!)[0]);
  /** ~3,000 pages of the log, in 100 commits: three times SQLite's default checkpoint threshold. */
  const write = async () => {
    for (let i = 0; i < 100; i += 1) {
      await db.transaction(async (trx) => {
        for (let j = 0; j < 15; j += 1) await trx('filler').insert({ body: Buffer.alloc(8000, i) });
      });
    }
  };
  /** The rows the database file holds by itself, without its write-ahead log (what a checkpoint has copied into it). */
  const rowsInMainFile = async () => {
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-ckpt-copy-'));
    fs.copyFileSync(path.join(dir, 'sesame.sqlite'), path.join(copyDir, 'sesame.sqlite'));
    const copy = openDb({ dataDir: copyDir });
    try {
      return Number((await copy('filler').count({ n: '*' }))[0]!.n);
    } finally {
      await copy.destroy();
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
  };

  it('the worker copies the log into the database file; the server connection does not', async () => {
    const results: CheckpointResult[] = [];
    const checkpointer = checkpointerFor({ intervalMs: 50, onCheckpoint: (r) => results.push(r) });
    checkpointer.start();
    await waitFor(async () => (await autocheckpoint()) === 0, 20_000);
    await write();
    // A copy taken while the worker writes into the file may be torn: it then counts as not yet.
    await waitFor(async () => (await rowsInMainFile().catch(() => -1)) === 1500, 20_000);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.busy === 0 && r.checkpointed <= r.log)).toBe(true);
    await checkpointer.stop();
    expect(await autocheckpoint()).toBe(1000);
    expect(logs.join('')).not.toContain('stopped');
  });

  it('while the worker is running, a commit does not checkpoint (the stall is gone from requests)', async () => {
    // A worker that never gets round to checkpointing: whatever reaches the file was copied by the server's connection.
    const checkpointer = checkpointerFor({ intervalMs: 3_600_000 });
    checkpointer.start();
    await waitFor(async () => (await autocheckpoint()) === 0, 20_000);
    await write();
    expect(await rowsInMainFile()).toBe(0);
    await checkpointer.stop();
  });

  it('without it, SQLite checkpoints on commit (the default the server replaces)', async () => {
    expect(await autocheckpoint()).toBe(1000);
    await write();
    expect(await rowsInMainFile()).toBeGreaterThan(0);
  });

  it('falls back to checkpoints on commit, with a warning, when the worker cannot run', async () => {
    const checkpointer = checkpointerFor({ intervalMs: 50, driver: path.join(dir, 'no-such-driver.js') });
    checkpointer.start();
    await waitFor(() => logs.join('').includes('background checkpoints stopped'), 20_000);
    expect(await autocheckpoint()).toBe(1000);
    await write();
    expect(await rowsInMainFile()).toBeGreaterThan(0);
    await checkpointer.stop();
  });

  it('stops once, twice, and can start again', async () => {
    const checkpointer = checkpointerFor({ intervalMs: 50 });
    checkpointer.start();
    await waitFor(async () => (await autocheckpoint()) === 0, 20_000);
    await Promise.all([checkpointer.stop(), checkpointer.stop()]);
    expect(await autocheckpoint()).toBe(1000);
    checkpointer.start();
    await waitFor(async () => (await autocheckpoint()) === 0, 20_000);
    await checkpointer.stop();
    expect(await autocheckpoint()).toBe(1000);
    expect(logs.join('')).not.toContain('stopped');
  });
});
