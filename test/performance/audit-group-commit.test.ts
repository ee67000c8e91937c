import { useFreshDatabase } from '../support/database';
import type { Db } from '../../src/platform/db';
import { recordAudit, verifyAuditChain, type AuditEntry } from '../../src/core/audit/audit';

/**
 * Audit entries recorded on their own (page views) are committed in groups: every caller still gets its own entry,
 * committed, in call order, on an intact chain; a bad entry fails only its caller. PostgreSQL too with TEST_DATABASE_URL.
 */
describe('audit entries recorded on their own: group commit', () => {
  let db: Db;
  useFreshDatabase((opened) => (db = opened));

  const view = (applicationId: number): AuditEntry => ({
    at: new Date('2026-11-24T10:00:00Z'),
    actor: { type: 'admin', id: 1, email: 'admin@test.example' },
    action: 'application.view',
    applicationId,
    object: { type: 'application', id: applicationId },
  });

  it('commits concurrent entries in call order, each caller getting its own, on an intact chain', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => recordAudit(db, view(i + 1))));
    const rows: Array<{ id: number; application_id: number; hash: string }> = await db('audit_log').orderBy('id').select('id', 'application_id', 'hash');
    expect(rows.map((r) => Number(r.application_id))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results.map((r) => r.id)).toEqual(rows.map((r) => Number(r.id)));
    expect(results.map((r) => r.hash)).toEqual(rows.map((r) => r.hash));
    expect(await verifyAuditChain(db)).toEqual({ ok: true, count: 30 });
  });

  it('a bad entry fails only its own caller', async () => {
    const bad = { ...view(99), action: null } as unknown as AuditEntry;
    const outcomes = await Promise.allSettled([recordAudit(db, view(100)), recordAudit(db, view(101)), recordAudit(db, bad), recordAudit(db, view(102))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const apps = (await db('audit_log').where('id', '>', 30).orderBy('id').select('application_id')).map((r: { application_id: number }) =>
      Number(r.application_id),
    );
    expect(apps).toEqual([100, 101, 102]);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, count: 33 });
  });
});
