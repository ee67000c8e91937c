/**
 * npx tsx bench/page-sql.ts PATH [DATA_DIR] — the SQL statements one request of PATH runs, in the app built in this
 * process on a bench database (bench/profile-page.ts seeds one), as the bench's measured administrator (header mode).
 * A development aid for issue 15.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../src/platform/config';
import { buildDeps } from '../src/platform/deps';
import { createApp } from '../src/app';
import { productionAppEnv } from './support';
import type { SeededAdmin } from './seed';

async function main() {
  const page = process.argv[2] ?? '/admin/no-such-page';
  const dataDir = process.argv[3] ?? path.join(os.tmpdir(), 'sesame-profile-20000');
  const seed = JSON.parse(fs.readFileSync(path.join(dataDir, 'seed.json'), 'utf8')) as { admins: SeededAdmin[] };
  const admin = seed.admins.find((a) => a.role === 'admin') as SeededAdmin;
  const proxySecret = 'proxy-secret-for-the-sql-listing';
  const config = loadConfig(productionAppEnv({ port: 1, dataDir, proxySecret, timeZone: 'Europe/Paris', logLevel: 'silent' }));

  const deps = buildDeps(config);
  deps.secrets.prepare();
  const app = createApp(deps);
  const headers = { 'x-forwarded-email': admin.email, 'x-sesame-proxy-secret': proxySecret };
  let cookie = '';
  const get = () =>
    request(app)
      .get(page)
      .set(cookie ? { ...headers, cookie } : headers);
  const first = await get();
  // As a browser does: the session cookie of the first answer on the next request.
  cookie = (first.headers['set-cookie'] as unknown as string[] | undefined)?.map((c) => c.split(';')[0]).join('; ') ?? '';
  const seen: Array<{ sql: string; bindings: unknown[] }> = [];
  const listen = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  deps.db.on('query', listen);
  const res = await get();
  deps.db.removeListener('query', listen);
  console.log(`GET ${page} → ${res.status}, ${seen.length} statements (µs: each run 500 times on its own, through Knex's raw):`);
  for (const s of seen) {
    // Only reads are run again (a write or a transaction's BEGIN / COMMIT would change the database or fail).
    if (!/^\s*select/i.test(s.sql)) {
      console.log(`       -  ${s.sql.slice(0, 200)}`);
      continue;
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < 500; i++) await deps.db.raw(s.sql, s.bindings as never);
    const us = Number(process.hrtime.bigint() - started) / 500 / 1000;
    console.log(
      `  ${us.toFixed(0).padStart(6)}  ${s.sql.length > 200 && !process.env.SQL_FULL ? `${s.sql.slice(0, 200)}…` : `${s.sql}  ${JSON.stringify(s.bindings)}`}`,
    );
  }
  await deps.db.destroy();
}
void main();
