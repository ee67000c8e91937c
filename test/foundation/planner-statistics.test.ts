import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateLatest, openDb, type Db } from '../../src/platform/db';
import { createLogger } from '../../src/platform/logger';
import { createWalCheckpointer } from '../../src/platform/wal-checkpointer';
import { waitFor } from '../support/wait';

/**
 * SQLite's query planner trusts an index it has no statistics for: one added by a migration after the last ANALYZE
 * made the queue's page 140 times slower (43 ms). Statistics are taken where missing at start-up, after the
 * migrations, and hourly by the checkpoint thread, on a database that has statistics already.
 */
describe('query planner statistics (SQLite)', () => {
  jest.setTimeout(60000);
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-stats-'));
    db = openDb({ dataDir: dir });
    await migrateLatest(db);
    // A table with statistics, then an index added without any (as a migration of a later version would).
    await db.raw('CREATE TABLE sample (id INTEGER PRIMARY KEY, kind TEXT NOT NULL)');
    await db.raw("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO sample (kind) SELECT 'k' || (i % 7) FROM n");
    await db.raw('ANALYZE sample');
    await db.raw('CREATE INDEX sample_kind_idx ON sample (kind)');
    expect(await statsOf('sample_kind_idx')).toBeUndefined();
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const statsOf = async (index: string) => (await db('sqlite_stat1').where({ idx: index }).first<{ stat: string } | undefined>())?.stat;

  it('are taken at start-up for an index that has none', async () => {
    await migrateLatest(db);
    expect(await statsOf('sample_kind_idx')).toMatch(/^3000 \d+/);
  });

  it('are not created on a database that never had any (SQLite plans it by its uniform defaults)', async () => {
    const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-stats-fresh-'));
    const fresh = openDb({ dataDir: freshDir });
    try {
      await migrateLatest(fresh);
      await migrateLatest(fresh);
      expect(await fresh.raw("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).toEqual([]);
    } finally {
      await fresh.destroy();
      fs.rmSync(freshDir, { recursive: true, force: true });
    }
  });

  it('are taken by the checkpoint thread while the server runs', async () => {
    let optimized = 0;
    const checkpointer = createWalCheckpointer(db, createLogger('silent'), { optimizeEveryMs: 50, onOptimize: () => (optimized += 1) });
    checkpointer.start();
    try {
      await waitFor(() => optimized > 0, 20_000);
      expect(await statsOf('sample_kind_idx')).toMatch(/^3000 \d+/);
    } finally {
      await checkpointer.stop();
    }
  });
});
