import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { auditHash, GENESIS_HASH, recordAudit, verifyAuditChain, type AuditEntry } from '../../src/core/audit/audit';
import type { Db } from '../../src/platform/db';
import { ROOT_DIR } from '../../src/platform/root';
import { freshDatabase, type FreshDatabase } from '../support/database';

const entry = (n: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 24, 9, n)),
  actor: { type: 'admin', id: 7, email: 'Claire@Test.example' },
  action: 'application.view',
  applicationId: 100 + n,
  object: { type: 'application', id: 100 + n },
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 '.repeat(40),
  details: { section: 'identity', n },
  ...overrides,
});

function verifyCli(database: FreshDatabase): { status: number | null; out: string } {
  const res = spawnSync(process.execPath, [path.join(ROOT_DIR, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT_DIR, 'src/cli/audit-verify.ts')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', DATA_DIR: database.dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

/**
 * The message a query fails with. Not `rejects.toThrow`: better-sqlite3's native addon is loaded once per jest worker,
 * so its SqliteError may come from another test file's realm and fail jest's `instanceof Error` check.
 */
async function failureOf(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    return String((err as { message?: unknown }).message ?? err);
  }
  return 'no error';
}

/** What someone with direct access to the database could do: remove the append-only triggers. */
async function dropAppendOnlyTriggers(db: Db, isPostgres: boolean): Promise<void> {
  if (isPostgres) {
    await db.raw('DROP TRIGGER audit_log_no_change ON audit_log');
  } else {
    await db.raw('DROP TRIGGER audit_log_no_update');
    await db.raw('DROP TRIGGER audit_log_no_delete');
  }
}

/** On a SQLite file, or on PostgreSQL with TEST_DATABASE_URL. */
describe('the audit log', () => {
  let database: FreshDatabase;
  let ctx: { deps: { db: Db } };
  beforeEach(async () => {
    database = await freshDatabase();
    ctx = { deps: { db: database.open() } };
  });
  afterEach(async () => {
    await ctx.deps.db.destroy();
    await database.drop();
  });

  it('chains each entry to the previous one by hash, and verifies', async () => {
    for (let n = 1; n <= 3; n++) await recordAudit(ctx.deps.db, entry(n));
    const rows = await ctx.deps.db('audit_log').orderBy('id');
    expect(rows).toHaveLength(3);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2].prev_hash).toBe(rows[1].hash);
    expect(rows[0].hash).toBe(auditHash(GENESIS_HASH, rows[0]));
    expect(rows[0]).toMatchObject({
      actor_email: 'claire@test.example',
      action: 'application.view',
      application_id: 101,
      object_type: 'application',
      object_id: '101',
      ip: '203.0.113.9',
    });
    expect(rows[0].user_agent).toHaveLength(200);
    expect(JSON.parse(rows[0].details)).toEqual({ n: 1, section: 'identity' });
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 3 });
  });

  it('writes the entry in the caller’s transaction: no entry when the action rolls back', async () => {
    await expect(
      ctx.deps.db.transaction(async (trx) => {
        await recordAudit(trx, entry(1));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(Number((await ctx.deps.db('audit_log').count({ n: '*' }))[0]?.n)).toBe(0);
    await ctx.deps.db.transaction((trx) => recordAudit(trx, entry(2)));
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 1 });
  });

  it('refuses UPDATE and DELETE (append-only)', async () => {
    await recordAudit(ctx.deps.db, entry(1));
    expect(Number((await ctx.deps.db('audit_log').count({ n: '*' }))[0]?.n)).toBe(1);
    expect(await failureOf(ctx.deps.db('audit_log').update({ action: 'nothing' }))).toMatch(/append-only/);
    expect(await failureOf(ctx.deps.db('audit_log').delete())).toMatch(/append-only/);
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 1 });
    expect((await ctx.deps.db('audit_log').first('action')).action).toBe('application.view');
  });

  it('reports an edited entry, and a removed one, by the first broken id', async () => {
    for (let n = 1; n <= 4; n++) await recordAudit(ctx.deps.db, entry(n));
    const ids: number[] = (await ctx.deps.db('audit_log').orderBy('id').select('id')).map((r: { id: number }) => r.id);
    // someone with access to the database file gets past the triggers
    await dropAppendOnlyTriggers(ctx.deps.db, database.isPostgres);
    await ctx.deps.db('audit_log').where({ id: ids[1] }).update({ actor_email: 'someone.else@test.example' });
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: false, count: 1, brokenId: ids[1], reason: 'hash' });

    // recomputing that row's hash does not help: the next entry no longer links to it
    const row = await ctx.deps.db('audit_log').where({ id: ids[1] }).first();
    await ctx.deps
      .db('audit_log')
      .where({ id: ids[1] })
      .update({ hash: auditHash(row.prev_hash, row) });
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: false, count: 2, brokenId: ids[2], reason: 'prev_hash' });

    await ctx.deps.db('audit_log').where({ id: ids[1] }).delete();
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, brokenId: ids[2], reason: 'prev_hash' });
  });

  it('keeps one chain when appends race (one instance; two instances on PostgreSQL)', async () => {
    const other = database.isPostgres ? database.open() : ctx.deps.db;
    try {
      await Promise.all(Array.from({ length: 30 }, (_, n) => recordAudit(n % 2 ? other : ctx.deps.db, entry(n))));
      expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 30 });
      // two instances on one SQLite file, one after the other
      if (!database.isPostgres) {
        const second = database.open();
        try {
          await recordAudit(second, entry(31));
          await recordAudit(ctx.deps.db, entry(32));
          expect(await verifyAuditChain(second)).toEqual({ ok: true, count: 32 });
        } finally {
          await second.destroy();
        }
      }
    } finally {
      if (other !== ctx.deps.db) await other.destroy();
    }
  });

  it('verifies chains longer than one page', async () => {
    for (let n = 1; n <= 7; n++) await recordAudit(ctx.deps.db, entry(n));
    expect(await verifyAuditChain(ctx.deps.db, 3)).toEqual({ ok: true, count: 7 });
  });

  it('npm run audit:verify says the chain is intact, then exits 1 naming the first broken entry', async () => {
    for (let n = 1; n <= 3; n++) await recordAudit(ctx.deps.db, entry(n));
    const intact = verifyCli(database);
    expect(intact.status).toBe(0);
    expect(intact.out).toContain('Audit log intact: 3 entries');

    const [, second] = await ctx.deps.db('audit_log').orderBy('id').select('id');
    await dropAppendOnlyTriggers(ctx.deps.db, database.isPostgres);
    await ctx.deps.db('audit_log').where({ id: second.id }).update({ details: '{}' });
    const broken = verifyCli(database);
    expect(broken.status).toBe(1);
    expect(broken.out).toContain(`Audit log BROKEN at entry ${second.id}`);
  });
});
