import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { auditHash, GENESIS_HASH, recordAudit, verifyAuditChain, type AuditEntry } from '../../src/features/audit/audit';
import { ROOT_DIR } from '../../src/root';
import { createTestContext, type TestContext } from '../support/app';

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

function verifyCli(dataDir: string): { status: number | null; out: string } {
  const res = spawnSync(process.execPath, [path.join(ROOT_DIR, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT_DIR, 'src/cli/audit-verify.ts')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

describe('the audit log', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(() => ctx.close());

  it('chains each entry to the previous one by hash, and verifies', async () => {
    for (let n = 1; n <= 3; n++) await recordAudit(ctx.deps.db, entry(n));
    const rows = await ctx.deps.db('audit_log').orderBy('id');
    expect(rows).toHaveLength(3);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2].prev_hash).toBe(rows[1].hash);
    expect(rows[0].hash).toBe(auditHash(GENESIS_HASH, rows[0]));
    expect(rows[0]).toMatchObject({ actor_email: 'claire@test.example', action: 'application.view', application_id: 101, object_type: 'application', object_id: '101', ip: '203.0.113.9' });
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
    expect(await ctx.deps.db('audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);
    await ctx.deps.db.transaction((trx) => recordAudit(trx, entry(2)));
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 1 });
  });

  it('refuses UPDATE and DELETE (append-only)', async () => {
    await recordAudit(ctx.deps.db, entry(1));
    await expect(ctx.deps.db('audit_log').update({ action: 'nothing' })).rejects.toThrow(/append-only/);
    await expect(ctx.deps.db('audit_log').delete()).rejects.toThrow(/append-only/);
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: true, count: 1 });
  });

  it('reports an edited entry, and a removed one, by the first broken id', async () => {
    for (let n = 1; n <= 4; n++) await recordAudit(ctx.deps.db, entry(n));
    const ids: number[] = (await ctx.deps.db('audit_log').orderBy('id').select('id')).map((r: { id: number }) => r.id);
    // someone with access to the database file gets past the triggers
    await ctx.deps.db.raw('DROP TRIGGER audit_log_no_update');
    await ctx.deps.db.raw('DROP TRIGGER audit_log_no_delete');
    await ctx.deps.db('audit_log').where({ id: ids[1] }).update({ actor_email: 'someone.else@test.example' });
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: false, count: 1, brokenId: ids[1], reason: 'hash' });

    // recomputing that row's hash does not help: the next entry no longer links to it
    const row = await ctx.deps.db('audit_log').where({ id: ids[1] }).first();
    await ctx.deps.db('audit_log').where({ id: ids[1] }).update({ hash: auditHash(row.prev_hash, row) });
    expect(await verifyAuditChain(ctx.deps.db)).toEqual({ ok: false, count: 2, brokenId: ids[2], reason: 'prev_hash' });

    await ctx.deps.db('audit_log').where({ id: ids[1] }).delete();
    expect(await verifyAuditChain(ctx.deps.db)).toMatchObject({ ok: false, brokenId: ids[2], reason: 'prev_hash' });
  });

  it('verifies chains longer than one page', async () => {
    for (let n = 1; n <= 7; n++) await recordAudit(ctx.deps.db, entry(n));
    expect(await verifyAuditChain(ctx.deps.db, 3)).toEqual({ ok: true, count: 7 });
  });

  it('npm run audit:verify says the chain is intact, then exits 1 naming the first broken entry', async () => {
    for (let n = 1; n <= 3; n++) await recordAudit(ctx.deps.db, entry(n));
    const intact = verifyCli(ctx.dataDir);
    expect(intact.status).toBe(0);
    expect(intact.out).toContain('Audit log intact: 3 entries');

    const [, second] = await ctx.deps.db('audit_log').orderBy('id').select('id');
    await ctx.deps.db.raw('DROP TRIGGER audit_log_no_update');
    await ctx.deps.db('audit_log').where({ id: second.id }).update({ details: '{}' });
    const broken = verifyCli(ctx.dataDir);
    expect(broken.status).toBe(1);
    expect(broken.out).toContain(`Audit log BROKEN at entry ${second.id}`);
  });
});
