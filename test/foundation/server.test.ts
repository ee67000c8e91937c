import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/platform/config';
import { startServer } from '../../src/server';
import { waitFor } from '../support/wait';

describe('startServer', () => {
  it('migrates, seeds the demo once, serves, and shuts down cleanly', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-server-'));
    const config = loadConfig({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const running = await startServer(config);
    try {
      const res = await request(running.server).get('/readyz');
      expect(res.body).toEqual({ status: 'ready' });
      const admins = await running.deps.db('administrator').count<{ n: number }[]>({ n: '*' });
      expect(Number(admins[0]?.n)).toBe(3);
      expect(Number((await running.deps.db('account').count<{ n: number }[]>({ n: '*' }))[0]?.n)).toBe(5);
    } finally {
      await running.close();
    }
    expect(running.server.listening).toBe(false);
    // a second start on the same data keeps the data and does not seed twice
    const again = await startServer(config);
    try {
      expect(Number((await again.deps.db('administrator').count<{ n: number }[]>({ n: '*' }))[0]?.n)).toBe(3);
    } finally {
      await again.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on SQLite, leaves checkpoints to its worker thread while it runs, and closes with the log emptied into the file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-server-'));
    const config = loadConfig({ NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const running = await startServer(config);
    try {
      const autocheckpoint = async () => Object.values(((await running.deps.db.raw('PRAGMA wal_autocheckpoint')) as Record<string, number>[])[0]!)[0];
      await waitFor(async () => (await autocheckpoint()) === 0, 10_000);
      expect(await autocheckpoint()).toBe(0);
    } finally {
      await running.close();
    }
    // The last connection's close copied the log into the database file and removed it.
    const wal = path.join(dataDir, 'sesame.sqlite-wal');
    expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
