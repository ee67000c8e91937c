import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { freshDatabase, type FreshDatabase } from '../support/database';
import { givenAdministrator, givenApplicationRow, PDF_FILE } from '../support/builders';
import { migrationSource } from '../../migrations/index';
import type { Db } from '../../src/platform/db';
import { findComplaint } from '../../src/core/complaints/repository';
import { withDetails } from '../../src/core/complaints/reader';
import { readThreadAttachment } from '../../src/core/threads/threads';

/**
 * Migration 20261208_700: complaints filed before complaints moved onto the shared thread keep what they said, their
 * answer and their files, now read through the thread (and its hash check) like every other archived document.
 */
const MIGRATION = '20261208_700_complaint_threads';

const before: Knex.MigrationSource<string> = {
  ...migrationSource,
  getMigrations: async (loadExtensions) => (await migrationSource.getMigrations(loadExtensions)).filter((name) => name < MIGRATION),
};

/** Every migration up to this one (later ones, e.g. the tracking charts', stay out of its rollback test). */
const upToThis: Knex.MigrationSource<string> = {
  ...migrationSource,
  getMigrations: async (loadExtensions) => (await migrationSource.getMigrations(loadExtensions)).filter((name) => name <= MIGRATION),
};

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('migration 20261208_700: complaints onto the shared thread', () => {
  let database: FreshDatabase;
  let db: Db;

  beforeEach(async () => {
    database = await freshDatabase({ migrated: false });
    db = database.open();
    await db.migrate.latest({ migrationSource: before });
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  async function oldComplaint(opts: { answered: boolean; filedByAdmin?: number }) {
    const app = await givenApplicationRow(db);
    const [row] = await db('complaint')
      .insert({
        reference: `RC-TEST-${crypto.randomBytes(2).toString('hex').toUpperCase()}`,
        application_id: app.id,
        account_id: app.accountId,
        category: 'payment_or_fees',
        description: 'Des frais facturés deux fois.',
        contact_email: 'zoe@example.com',
        language: 'fr',
        filed_by: opts.filedByAdmin ? 'admin' : 'employee',
        filed_by_admin_id: opts.filedByAdmin ?? null,
        country: 'FR',
        received_at: '2026-04-30T08:00:00.000Z',
        received_on: '2026-04-30',
        due_on: '2026-05-27',
        status: opts.answered ? 'answered' : 'received',
        answer_text: opts.answered ? 'Remboursés le 12 mai.' : null,
        answered_at: opts.answered ? '2026-05-12T09:00:00.000Z' : null,
        answered_on: opts.answered ? '2026-05-12' : null,
        updated_at: '2026-05-12T09:00:00.000Z',
      })
      .returning('id');
    const id = Number(typeof row === 'object' ? row.id : row);
    const dir = path.join(database.dataDir, 'complaints');
    fs.mkdirSync(dir, { recursive: true });
    const files: Record<string, Buffer> = {};
    for (const role of opts.answered ? ['complaint', 'answer'] : ['complaint']) {
      const content = Buffer.concat([PDF_FILE, Buffer.from(`%${role}${id}\n`)]);
      const storedName = `${role}-${id}-${crypto.randomBytes(6).toString('hex')}.bin`;
      fs.writeFileSync(path.join(dir, storedName), content, { mode: 0o440 });
      files[role] = content;
      await db('complaint_document').insert({
        complaint_id: id,
        role,
        original_name: `${role}.pdf`,
        stored_name: storedName,
        mime: 'application/pdf',
        size: content.length,
        sha256: sha256(content),
        uploaded_at: role === 'answer' ? '2026-05-12T09:00:00.000Z' : '2026-04-30T08:00:00.000Z',
      });
    }
    return { id, applicationId: app.id, files };
  }

  it('moves the description, the answer and the files onto the thread; the files read back through the hash check', async () => {
    const admin = await givenAdministrator(db);
    const answered = await oldComplaint({ answered: true });
    const filedByAdmin = await oldComplaint({ answered: false, filedByAdmin: admin.id });

    await db.migrate.latest({ migrationSource });

    expect(await db.schema.hasTable('complaint_document')).toBe(false);
    expect(await db.schema.hasColumn('complaint', 'description')).toBe(false);
    expect(await db.schema.hasColumn('complaint', 'answer_text')).toBe(false);

    const c = await findComplaint(db, answered.id, { applicationId: answered.applicationId });
    const [detail] = await withDetails(db, [c!], '2026-05-12');
    expect(detail!.messages.map((m) => [m.author, m.body, m.createdAt])).toEqual([
      ['employee', 'Des frais facturés deux fois.', '2026-04-30T08:00:00.000Z'],
      ['administrator', 'Remboursés le 12 mai.', '2026-05-12T09:00:00.000Z'],
    ]);
    expect(detail!.statement!.attachments.map((a) => a.originalName)).toEqual(['complaint.pdf']);
    expect(detail!.answer!.body).toBe('Remboursés le 12 mai.');
    expect(detail!.answer!.attachments.map((a) => a.originalName)).toEqual(['answer.pdf']);

    const thread = await db('thread').where({ subject_type: 'complaint', subject_id: answered.id }).first();
    for (const [role, attachment] of [
      ['complaint', detail!.statement!.attachments[0]!],
      ['answer', detail!.answer!.attachments[0]!],
    ] as const) {
      const read = await readThreadAttachment({ config: { dataDir: database.dataDir } }, db, { threadId: thread.id, attachmentId: attachment.id });
      expect(Buffer.compare(read.content, answered.files[role]!)).toBe(0);
    }

    const byAdmin = await findComplaint(db, filedByAdmin.id, { applicationId: filedByAdmin.applicationId });
    const [adminDetail] = await withDetails(db, [byAdmin!], '2026-05-12');
    expect(adminDetail!.messages).toHaveLength(1);
    expect(adminDetail!.messages[0]).toMatchObject({ author: 'administrator', body: 'Des frais facturés deux fois.' });
    expect(adminDetail!.answer).toBeUndefined();
  });

  it('a migrated file changed on disk afterwards is refused, not served', async () => {
    const old = await oldComplaint({ answered: false });
    await db.migrate.latest({ migrationSource });
    const attachment = await db('thread_attachment as t')
      .join('archive_entry as e', 'e.id', 't.archive_entry_id')
      .join('thread as th', 'th.id', 't.thread_id')
      .where('th.subject_id', old.id)
      .first('t.id', 't.thread_id', 'e.path');
    const file = path.join(database.dataDir, attachment.path);
    fs.chmodSync(file, 0o640);
    fs.appendFileSync(file, 'tampered');
    await expect(
      readThreadAttachment({ config: { dataDir: database.dataDir } }, db, { threadId: attachment.thread_id, attachmentId: attachment.id }),
    ).rejects.toThrow(/does not match the hash/);
  });

  it('rolls back: the texts and files return to the complaint', async () => {
    const old = await oldComplaint({ answered: true });
    await db.migrate.latest({ migrationSource: upToThis });
    await db.migrate.down({ migrationSource: upToThis });
    const row = await db('complaint').where({ id: old.id }).first();
    expect(row).toMatchObject({ description: 'Des frais facturés deux fois.', answer_text: 'Remboursés le 12 mai.' });
    const docs = await db('complaint_document').where({ complaint_id: old.id }).orderBy('id');
    expect(docs.map((d: { role: string; sha256: string }) => [d.role, d.sha256])).toEqual([
      ['complaint', sha256(old.files.complaint!)],
      ['answer', sha256(old.files.answer!)],
    ]);
    expect(await db('thread').where({ subject_type: 'complaint' })).toHaveLength(0);
  });
});
