import type { Knex } from 'knex';

/**
 * Append-only audit log of administrative actions and of accesses to an application's personal data.
 * Each row carries the hash of the previous one (hash chain, see src/features/audit/audit.ts); triggers refuse
 * UPDATE and DELETE so the application itself cannot rewrite history. No personal data beyond ids and the actor's e-mail.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.string('at', 30).notNullable();
    t.string('actor_type', 12).notNullable(); // admin | employee | approver | system
    t.integer('actor_id').nullable();
    t.string('actor_email', 254).nullable();
    t.string('action', 60).notNullable(); // e.g. admin.sign_in, application.view
    t.integer('application_id').nullable(); // no foreign key: the log outlives purged applications
    t.string('object_type', 40).nullable();
    t.string('object_id', 64).nullable();
    t.string('ip', 64).nullable();
    t.string('user_agent', 200).nullable();
    t.text('details').notNullable(); // canonical JSON, ids and codes only
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['at']);
    t.index(['action', 'at']);
    t.index(['actor_email', 'at']);
    t.index(['application_id', 'at']);
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await knex.raw('CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()');
  } else {
    await knex.raw("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END");
    await knex.raw("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END");
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log');
    await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
  }
  await knex.schema.dropTable('audit_log');
}
