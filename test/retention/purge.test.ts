import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenSignableApplication, givenKey, givenApplication, PDF_FILE } from '../support/builders';
import { openThread, postMessage } from '../../src/core/threads/threads';
import { archiveFile, verifyArchive } from '../../src/core/archive/archive';
import { documentsDir } from '../../src/core/application/documents';
import { purgeExpiredData } from '../../src/core/retention/purge';
import { monthsBefore } from '../../src/core/retention/rules';
import { retentionJob } from '../../src/jobs/retention';
import { JOBS } from '../../src/jobs/registry';

const NOW = new Date('2026-11-24T09:00:00Z');
const monthsAgo = (n: number) => monthsBefore(NOW, n).toISOString();

describe('retention: personal data and archived files purged after their period (issue 13 part 5)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(NOW) });
  });
  afterEach(() => ctx.close());

  /** A complete application (cardholder, IBAN-free form, PIN, identity document, archived signed PDF), then finished. */
  async function finished(status: string, changedAt: string, createdAt = changedAt) {
    const app = await givenSignableApplication(ctx, { email: `e${Math.random().toString(36).slice(2)}@acme.example` });
    await ctx.deps.db.transaction((trx) =>
      archiveFile(ctx.deps, trx, { applicationId: app.id, kind: 'signed-pdf', extension: 'pdf', buffer: Buffer.from('%PDF-1.4 signed'), now: NOW }),
    );
    await ctx.deps.db('application_status_history').insert({
      application_id: app.id,
      at: changedAt,
      actor_type: 'admin',
      from_status: 'pending_approval',
      to_status: status,
      comment: 'Commentaire sur Élodie',
      comment_for_employee: true,
    });
    await ctx.deps.db('application').where({ id: app.id }).update({ status, status_changed_at: changedAt, created_at: createdAt, card_last4: '4821' });
    return app;
  }
  /** A complaint about the application, with a message and a document on its thread; the thread's id. */
  async function givenComplaintWithThread(applicationId: number, reference: string): Promise<number> {
    const app = await row(applicationId);
    return ctx.deps.db.transaction(async (trx) => {
      const [inserted] = await trx('complaint')
        .insert({
          reference,
          application_id: applicationId,
          account_id: app.account_id,
          category: 'payment_or_fees',
          contact_email: 'zoe@example.com',
          language: 'fr',
          filed_by: 'employee',
          country: 'FR',
          received_at: '2025-01-10T09:00:00.000Z',
          received_on: '2025-01-10',
          due_on: '2025-01-31',
          status: 'extended',
          extended_at: '2025-01-20T09:00:00.000Z',
          extension_reason: 'Nous attendons le relevé de Mme Dupré.',
          updated_at: '2025-01-20T09:00:00.000Z',
        })
        .returning('id');
      const complaintId = Number(typeof inserted === 'object' ? inserted.id : inserted);
      const threadId = await openThread(trx, { type: 'complaint', id: complaintId }, applicationId, NOW);
      const posted = await postMessage(ctx.deps, trx, {
        threadId,
        applicationId,
        author: { type: 'employee' },
        body: 'Mon adresse est 1 rue de la Paix.',
        files: [{ kind: 'complaint', buffer: PDF_FILE, originalName: 'releve-dupre.pdf' }],
        now: NOW,
      });
      expect(posted.ok).toBe(true);
      return threadId;
    });
  }
  const row = (id: number) => ctx.deps.db('application').where({ id }).first();
  const documentFiles = async (id: number) =>
    (await ctx.deps.db('application_document').where({ application_id: id }).pluck('stored_name')).map((n: string) => path.join(documentsDir(ctx.dataDir), n));

  it('erases the personal data of applications final for RETENTION_MONTHS, keeping what statistics need, once', async () => {
    const due = await finished('card_delivered', monthsAgo(13));
    const files = await documentFiles(due.id);
    expect(files.length).toBeGreaterThan(0);
    const notYet = await finished('declined_by_issuer', monthsAgo(12));
    const open = await finished('card_issued', monthsAgo(20));
    // Cancelled 14 months ago but initiated 14 months ago: reactivable until 11 months ago, so not yet due.
    const cancelledLate = await finished('cancelled', monthsAgo(14));
    const cancelledDue = await finished('cancelled', monthsAgo(14), monthsAgo(17));
    const expired = await finished('expired', monthsAgo(15));
    const before = await row(due.id);
    const dueThread = await givenComplaintWithThread(due.id, 'RC-PURG-E001');
    const keptThread = await givenComplaintWithThread(notYet.id, 'RC-PURG-E002');

    const result = await purgeExpiredData(ctx.deps, NOW);
    expect(result).toMatchObject({ applications: 3, pins: 3 });

    const after = await row(due.id);
    expect(after).toMatchObject({ title: null, first_name: null, last_name: null, email: '', form_data: '{}', prefill: '{}', card_last4: null });
    expect(after.personal_data_erased_at).toBe(NOW.toISOString());
    for (const kept of ['reference', 'access_key_id', 'account_id', 'status', 'priority', 'origin', 'status_changed_at', 'created_at', 'submitted_at'])
      expect(after[kept]).toEqual(before[kept]);
    expect((await ctx.deps.db('application_pin').where({ application_id: due.id }).first()).encrypted).toBeNull();
    expect(await ctx.deps.db('application_document').where({ application_id: due.id })).toHaveLength(0);
    for (const f of files) expect(fs.existsSync(f)).toBe(false);
    expect(await ctx.deps.db('application_status_history').where({ application_id: due.id }).whereNotNull('comment')).toHaveLength(0);
    expect(await ctx.deps.db('thread_message').whereIn('thread_id', ctx.deps.db('thread').where({ application_id: due.id }).select('id'))).toEqual([
      expect.objectContaining({ body: '' }),
    ]);
    expect(await ctx.deps.db('thread_attachment').where({ thread_id: dueThread })).toEqual([expect.objectContaining({ original_name: '' })]);
    expect(await ctx.deps.db('complaint').where({ application_id: due.id }).first()).toMatchObject({
      contact_email: '',
      extension_reason: null,
      reference: 'RC-PURG-E001',
      category: 'payment_or_fees',
      received_on: '2025-01-10',
    });
    // Another application's thread and complaint are untouched.
    expect((await ctx.deps.db('thread_message').where({ thread_id: keptThread }).first()).body).toBe('Mon adresse est 1 rue de la Paix.');
    expect((await ctx.deps.db('complaint').where({ application_id: notYet.id }).first()).contact_email).toBe('zoe@example.com');
    const mails = await ctx.deps.db('outbox').where({ application_id: due.id }).whereIn('status', ['sent', 'dead']);
    for (const m of mails) expect(m).toMatchObject({ recipient: '', data: '{}' });
    expect((await row(cancelledDue.id)).personal_data_erased_at).not.toBeNull();
    expect((await row(expired.id)).personal_data_erased_at).not.toBeNull();
    for (const kept of [notYet, open, cancelledLate]) {
      const r = await row(kept.id);
      expect(r.personal_data_erased_at).toBeNull();
      expect(r.first_name).toBe('Élodie');
      expect((await ctx.deps.db('application_pin').where({ application_id: kept.id }).first()).encrypted).not.toBeNull();
    }
    // Signed PDFs and the thread's documents stay (ARCHIVE_RETENTION_YEARS).
    expect(await ctx.deps.db('archive_entry').where({ application_id: due.id }).whereNull('purged_at')).toHaveLength(2);

    const audit = await ctx.deps.db('audit_log').where({ action: 'retention.purge' });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].details)).toMatchObject({ applications: 3, pins: 3, retentionMonths: 13 });
    expect(audit[0].details).not.toMatch(/Élodie|acme|@/);

    // A second run finds nothing left: no change, no audit entry.
    expect(await purgeExpiredData(ctx.deps, NOW)).toMatchObject({ applications: 0, archiveFiles: 0 });
    expect(await ctx.deps.db('audit_log').where({ action: 'retention.purge' })).toHaveLength(1);
  });

  it('deletes archived files after ARCHIVE_RETENTION_YEARS, recorded as purged so archive:verify stays clean', async () => {
    const old = await finished('card_delivered', monthsAgo(61));
    const recent = await finished('card_delivered', monthsAgo(59));
    const [entry] = await ctx.deps.db('archive_entry').where({ application_id: old.id });
    const result = await purgeExpiredData(ctx.deps, NOW);
    expect(result.archiveFiles).toBe(1);
    expect(fs.existsSync(path.join(ctx.dataDir, entry.path))).toBe(false);
    expect((await ctx.deps.db('archive_entry').where({ id: entry.id }).first()).purged_at).toBe(NOW.toISOString());
    expect(await ctx.deps.db('archive_entry').where({ application_id: recent.id }).whereNull('purged_at')).toHaveLength(1);
    const report = await verifyArchive(ctx.deps);
    expect(report).toMatchObject({ clean: true, purged: 1, missing: [] });
    expect(JSON.parse((await ctx.deps.db('audit_log').where({ action: 'retention.purge' }).first()).details)).toMatchObject({ archiveFiles: 1 });
  });

  it('--dry-run counts and changes nothing', async () => {
    const due = await finished('expired', monthsAgo(14));
    const result = await purgeExpiredData(ctx.deps, NOW, { dryRun: true });
    expect(result).toMatchObject({ dryRun: true, applications: 1 });
    expect((await row(due.id)).first_name).toBe('Élodie');
    expect(await ctx.deps.db('audit_log').where({ action: 'retention.purge' })).toHaveLength(0);
  });

  it('follows RETENTION_MONTHS and runs as a daily job registered with the others', async () => {
    const short = await createTestContext({ RETENTION_MONTHS: '2' }, { clock: new TestClock(NOW) });
    try {
      const key = await givenKey(short.deps.db);
      const app = await givenApplication(short.deps.db, key, { status: 'expired' });
      await short.deps
        .db('application')
        .where({ id: app.id })
        .update({ status_changed_at: monthsBefore(NOW, 3).toISOString() });
      expect(JOBS).toContain(retentionJob);
      expect(retentionJob.schedule).toEqual({ kind: 'daily', at: '04:00' });
      await retentionJob.run(short.deps, NOW);
      expect((await short.deps.db('application').where({ id: app.id }).first()).personal_data_erased_at).toBe(NOW.toISOString());
    } finally {
      await short.close();
    }
  });
});
