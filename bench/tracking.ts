/**
 * Tracking benchmark (npm run bench:tracking): 100,000 applications (BENCH_APPLICATIONS) over 200 BCs with one
 * active key each (and a few deleted keys), on a temp SQLite file. Times, for an administrator of 20 BCs
 * (~10,000 applications) and for one of all 200 BCs:
 *  - the status summary (its one grouped query + the keys),
 *  - the applications list: count + first page, a deep page (deferred join), a filtered page, a text search,
 *  - the summary page over HTTP.
 * Prints median and min over a few runs. Not a test: figures depend on the machine.
 */
import { summary as formatSummary, time } from './timing';
import { createTestContext, signInAs } from '../test/support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../test/support/builders';
import { STATUSES } from '../src/core/application/status';
import { trackingSummary } from '../src/features/tracking/service';
import { countMatching, listPage } from '../src/features/tracking/repository';
import type { TrackingFilters } from '../src/features/tracking/schema';
import { paths } from '../src/platform/paths';

const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 100_000);
const ACCOUNTS = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const summary = (label: string, ms: number[]) => formatSummary(label, ms, { labelWidth: 62, decimals: 1 });

async function main(): Promise<void> {
  const ctx = await createTestContext({ LOG_LEVEL: 'silent' });
  const { db } = ctx.deps;
  try {
    const accounts: number[] = [];
    const keys: Array<{ id: number; accountId: number }> = [];
    const creator = await givenAdministrator(db);
    for (let i = 0; i < ACCOUNTS; i++) {
      const account = await givenAccount(db);
      accounts.push(account);
      if (i % 10 === 0) keys.push({ ...(await givenAccessKey(db, account, creator.id, { deleted_at: '2026-01-01T00:00:00.000Z' })), accountId: account });
      keys.push({ ...(await givenAccessKey(db, account, creator.id)), accountId: account });
    }
    const start = Date.parse('2026-01-01T00:00:00Z');
    let rows: Record<string, unknown>[] = [];
    const flush = async () => {
      await db.batchInsert('application', rows, 500);
      rows = [];
    };
    const [insertMs] = await time(async () => {
      for (let i = 0; i < APPLICATIONS; i++) {
        const key = keys[i % keys.length] as { id: number; accountId: number };
        const at = new Date(start + i * 60_000).toISOString();
        rows.push({
          reference: String(1_000_000_000 + i),
          access_key_id: key.id,
          account_id: key.accountId,
          origin: i % 3 === 0 ? 'bulk' : i % 3 === 1 ? 'controlled' : 'self_service',
          priority: i % 7 === 0 ? 'urgent' : 'normal',
          status: STATUSES[(i * 7) % STATUSES.length],
          title: 'mrs',
          first_name: `Prénom${i}`,
          last_name: `Nom${i}`,
          email: `person${i}@bench.example`,
          language: 'fr',
          status_changed_at: at,
          created_at: at,
          updated_at: at,
        });
        if (rows.length === 5000) await flush();
      }
      await flush();
      await db.raw('ANALYZE');
    });
    console.log(
      `Tracking over ${APPLICATIONS.toLocaleString('en')} applications, ${ACCOUNTS} BCs, ${keys.length} keys (inserted in ${(insertMs / 1000).toFixed(1)} s); Node ${process.version}\n`,
    );

    const some = { id: creator.id, accountIds: accounts.slice(0, 20) };
    const all = { id: creator.id, accountIds: accounts };
    const none: TrackingFilters = { statuses: [], q: '' };
    const results: Record<string, number[]> = {};
    const add = (label: string, ms: number) => (results[label] ??= []).push(ms);
    for (let run = 0; run < RUNS; run++) {
      for (const [who, actor] of [
        ['20 BCs', some],
        ['200 BCs', all],
      ] as const) {
        add(`summary (${who})`, (await time(() => trackingSummary(db, actor)))[0]);
        add(
          `list: count + first page, newest first (${who})`,
          (
            await time(async () => {
              await countMatching(db, actor.accountIds, none);
              await listPage(db, actor.accountIds, none, { sort: 'createdAt', dir: 'desc', limit: 25, offset: 0 });
            })
          )[0],
        );
        add(
          `list: page 200, sorted by name (${who})`,
          (await time(() => listPage(db, actor.accountIds, none, { sort: 'name', dir: 'asc', limit: 25, offset: 199 * 25 })))[0],
        );
        const filtered: TrackingFilters = { statuses: ['pending_approval', 'approved'], priority: 'urgent', q: '' };
        add(
          `list: 2 statuses + urgent, count + page (${who})`,
          (
            await time(async () => {
              await countMatching(db, actor.accountIds, filtered);
              await listPage(db, actor.accountIds, filtered, { sort: 'status', dir: 'asc', limit: 25, offset: 0 });
            })
          )[0],
        );
        const text: TrackingFilters = { statuses: [], q: 'person4242' };
        add(
          `list: text search, count + page (${who})`,
          (
            await time(async () => {
              await countMatching(db, actor.accountIds, text);
              await listPage(db, actor.accountIds, text, { sort: 'createdAt', dir: 'desc', limit: 25, offset: 0 });
            })
          )[0],
        );
      }
    }
    const admin = await givenAdministrator(db, {}, accounts);
    const agent = await signInAs(ctx.app, ctx.deps, admin.email, 'fr');
    for (let run = 0; run < RUNS; run++) {
      add('GET summary page over HTTP (200 BCs)', (await time(() => agent.get(paths.admin.tracking.summary)))[0]);
      add('GET list page over HTTP (200 BCs)', (await time(() => agent.get(paths.admin.tracking.list)))[0]);
    }
    for (const [label, ms] of Object.entries(results)) console.log(summary(label, ms));
    const plan = (await db.raw(
      `EXPLAIN QUERY PLAN SELECT access_key_id, status, priority, count(*) FROM application WHERE account_id IN (${accounts.slice(0, 20).join(',')}) GROUP BY account_id, access_key_id, status, priority`,
    )) as Array<{ detail: string }>;
    console.log(`\nSummary query plan: ${plan.map((p) => p.detail).join(' | ')}`);
  } finally {
    await ctx.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
