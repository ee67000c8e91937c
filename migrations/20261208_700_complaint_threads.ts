import type { Knex } from 'knex';

/**
 * Complaints move onto the message thread that requests for information use (issue 14: "the same thread serves
 * complaints"). What a complaint says and what was answered become messages of the complaint's `thread` (subject_type
 * 'complaint'), and their files `thread_attachment` rows whose `archive_entry` is checked against its SHA-256 whenever it
 * is read, like every other archived document:
 *
 * - the complaint's description → the thread's first message, by the employee or by the administrator who filed it
 *   (`filed_by`, `filed_by_admin_id`), at `received_at`, with the `complaint_document` rows of role `complaint`;
 * - the answer (`answer_text`) → a message by an administrator at `answered_at` (who answered is in the audit log, not on
 *   the row: the message has no administrator), with the rows of role `answer`; `complaint.answer_message_id` points
 *   to it;
 * - each `complaint_document` file stays where it is (DATA_DIR/complaints/<stored_name>, read-only): its archive entry
 *   points there, with the hash and size recorded when it was received.
 *
 * Then `complaint_document`, `complaint.description` and `complaint.answer_text` are dropped. `down` puts the texts back
 * on the complaint and the files back in `complaint_document`.
 */

interface ComplaintRow {
  id: number;
  application_id: number;
  description: string;
  filed_by: string;
  filed_by_admin_id: number | null;
  received_at: string;
  answer_text: string | null;
  answered_at: string | null;
}

interface DocumentRow {
  id: number;
  complaint_id: number;
  role: string;
  original_name: string;
  stored_name: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_at: string;
}

async function insertId(knex: Knex, table: string, row: Record<string, unknown>): Promise<number> {
  const [inserted] = await knex(table).insert(row).returning('id');
  return Number(typeof inserted === 'object' ? (inserted as { id: number }).id : inserted);
}

export async function up(knex: Knex): Promise<void> {
  // Plain SQL: Knex adds a foreign-key column on SQLite by rebuilding the table (drop and re-create `complaint`), which
  // the foreign keys, on inside the migration's transaction, refuse. Both databases take this statement as it is.
  await knex.raw('ALTER TABLE complaint ADD COLUMN answer_message_id integer NULL REFERENCES thread_message (id)');

  const complaints: ComplaintRow[] = await knex('complaint')
    .orderBy('id')
    .select('id', 'application_id', 'description', 'filed_by', 'filed_by_admin_id', 'received_at', 'answer_text', 'answered_at');
  const documents: DocumentRow[] = await knex('complaint_document').orderBy('id').select('*');
  for (const c of complaints) {
    const threadId = await insertId(knex, 'thread', {
      subject_type: 'complaint',
      subject_id: c.id,
      application_id: c.application_id,
      created_at: c.received_at,
    });
    const statementId = await insertId(knex, 'thread_message', {
      thread_id: threadId,
      author_type: c.filed_by === 'admin' ? 'administrator' : 'employee',
      administrator_id: c.filed_by === 'admin' ? c.filed_by_admin_id : null,
      body: c.description,
      created_at: c.received_at,
    });
    let answerId: number | null = null;
    if (c.answer_text !== null) {
      answerId = await insertId(knex, 'thread_message', {
        thread_id: threadId,
        author_type: 'administrator',
        administrator_id: null,
        body: c.answer_text,
        created_at: c.answered_at ?? c.received_at,
      });
      await knex('complaint').where({ id: c.id }).update({ answer_message_id: answerId });
    }
    for (const d of documents.filter((x) => Number(x.complaint_id) === Number(c.id))) {
      const messageId = d.role === 'answer' && answerId !== null ? answerId : statementId;
      const entryId = await insertId(knex, 'archive_entry', {
        application_id: c.application_id,
        kind: `thread-${d.role === 'answer' ? 'answer' : 'complaint'}`,
        path: `complaints/${d.stored_name}`,
        sha256: d.sha256,
        size: d.size,
        archived_at: d.uploaded_at,
      });
      await knex('thread_attachment').insert({
        message_id: messageId,
        thread_id: threadId,
        kind: d.role === 'answer' ? 'answer' : 'complaint',
        original_name: d.original_name,
        mime: d.mime,
        size: d.size,
        sha256: d.sha256,
        archive_entry_id: entryId,
        uploaded_at: d.uploaded_at,
      });
    }
  }

  await knex.schema.dropTable('complaint_document');
  // Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL), for the same reason.
  await knex.raw('ALTER TABLE complaint DROP COLUMN description');
  await knex.raw('ALTER TABLE complaint DROP COLUMN answer_text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('complaint', (t) => {
    t.text('description').notNullable().defaultTo('');
    t.text('answer_text').nullable();
  });
  await knex.schema.createTable('complaint_document', (t) => {
    t.increments('id').primary();
    t.integer('complaint_id').notNullable().references('complaint.id');
    t.string('role', 10).notNullable();
    t.string('original_name', 120).notNullable();
    t.string('stored_name', 60).notNullable().unique();
    t.string('mime', 40).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('uploaded_at', 30).notNullable();
    t.index(['complaint_id']);
  });
  const threads: Array<{ id: number; subject_id: number }> = await knex('thread').where({ subject_type: 'complaint' }).select('id', 'subject_id');
  for (const th of threads) {
    const complaint = await knex('complaint').where({ id: th.subject_id }).first('answer_message_id');
    const messages: Array<{ id: number; body: string }> = await knex('thread_message').where({ thread_id: th.id }).orderBy('id').select('id', 'body');
    const answerId = complaint?.answer_message_id === null || complaint?.answer_message_id === undefined ? null : Number(complaint.answer_message_id);
    await knex('complaint')
      .where({ id: th.subject_id })
      .update({
        description: messages[0]?.body ?? '',
        answer_text: answerId === null ? null : (messages.find((m) => Number(m.id) === answerId)?.body ?? null),
      });
    const attachments = await knex('thread_attachment as t')
      .join('archive_entry as e', 'e.id', 't.archive_entry_id')
      .where('t.thread_id', th.id)
      .select('t.id', 't.message_id', 't.original_name', 't.mime', 't.size', 't.sha256', 't.uploaded_at', 't.archive_entry_id', 'e.path');
    for (const a of attachments) {
      // Only files that lived in DATA_DIR/complaints can go back to complaint_document (it names them by stored_name).
      const stored = /^complaints\/([^/]+)$/.exec(String(a.path));
      if (stored)
        await knex('complaint_document').insert({
          complaint_id: th.subject_id,
          role: answerId !== null && Number(a.message_id) === answerId ? 'answer' : 'complaint',
          original_name: a.original_name,
          stored_name: stored[1],
          mime: a.mime,
          size: a.size,
          sha256: a.sha256,
          uploaded_at: a.uploaded_at,
        });
    }
    await knex('thread_attachment').where({ thread_id: th.id }).delete();
    await knex('archive_entry')
      .whereIn(
        'id',
        attachments.filter((a) => /^complaints\//.test(String(a.path))).map((a) => a.archive_entry_id),
      )
      .delete();
  }
  // Dropped with its foreign key: SQLite's ALTER TABLE DROP COLUMN refuses a column that is a foreign key, so the rows
  // are cleared and the column kept there (it is unused by the code of that version); PostgreSQL drops it.
  await knex('complaint').update({ answer_message_id: null });
  if (knex.client.config.client === 'pg') await knex.raw('ALTER TABLE complaint DROP COLUMN answer_message_id');
  await knex('thread_message')
    .whereIn(
      'thread_id',
      threads.map((th) => th.id),
    )
    .delete();
  await knex('thread').where({ subject_type: 'complaint' }).delete();
}
