import type { Knex } from 'knex';

/**
 * The administrator's search box (issue 16 item 1): any application by reference, name or e-mail, ignoring case and
 * accents, parts of words allowed, answered from an index made for it rather than by reading every application.
 *
 * `former_references`: the references an application had before a new link was issued (lost link, corrected address),
 * space-separated, so a reference read on an old e-mail or a signed PDF still finds it.
 *
 * SQLite: an FTS5 table with the trigram tokenizer (any substring of three characters or more; case and diacritics
 * folded by the tokenizer itself), contentless, its rowid the application's id, kept up to date by triggers on every
 * insert and on every change of the searched columns, whoever writes them.
 * PostgreSQL: `search_text` (lower-case, unaccented) kept by a trigger, and a pg_trgm GIN index on it, which serves
 * `LIKE '%…%'`.
 */
const SEARCHED = `coalesce(NEW.reference, '') || ' ' || coalesce(NEW.former_references, '') || ' ' || coalesce(NEW.first_name, '') || ' ' || coalesce(NEW.last_name, '') || ' ' || coalesce(NEW.email, '')`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('application', (t) => {
    t.text('former_references').notNullable().defaultTo('');
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await knex.raw('CREATE EXTENSION IF NOT EXISTS unaccent');
    await knex.schema.alterTable('application', (t) => {
      t.text('search_text').notNullable().defaultTo('');
    });
    await knex.raw(`
      CREATE FUNCTION application_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_text := lower(unaccent(${SEARCHED}));
        RETURN NEW;
      END $$`);
    await knex.raw(`
      CREATE TRIGGER application_search_text BEFORE INSERT OR UPDATE OF reference, former_references, first_name, last_name, email
      ON application FOR EACH ROW EXECUTE FUNCTION application_search_text()`);
    await knex.raw(`UPDATE application SET search_text = lower(unaccent(${SEARCHED.replace(/NEW\./g, '')}))`);
    await knex.raw('CREATE INDEX application_search_trgm ON application USING gin (search_text gin_trgm_ops)');
    return;
  }
  await knex.raw(`CREATE VIRTUAL TABLE application_search USING fts5(text, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1')`);
  await knex.raw(`
    CREATE TRIGGER application_search_insert AFTER INSERT ON application BEGIN
      INSERT INTO application_search(rowid, text) VALUES (NEW.id, ${SEARCHED});
    END`);
  await knex.raw(`
    CREATE TRIGGER application_search_update AFTER UPDATE OF reference, former_references, first_name, last_name, email ON application BEGIN
      DELETE FROM application_search WHERE rowid = OLD.id;
      INSERT INTO application_search(rowid, text) VALUES (NEW.id, ${SEARCHED});
    END`);
  await knex.raw(`
    CREATE TRIGGER application_search_delete AFTER DELETE ON application BEGIN
      DELETE FROM application_search WHERE rowid = OLD.id;
    END`);
  await knex.raw(`INSERT INTO application_search(rowid, text) SELECT id, ${SEARCHED.replace(/NEW\./g, '')} FROM application`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS application_search_text ON application');
    await knex.raw('DROP FUNCTION IF EXISTS application_search_text()');
    await knex.raw('DROP INDEX IF EXISTS application_search_trgm');
    await knex.schema.alterTable('application', (t) => t.dropColumn('search_text'));
  } else {
    for (const trigger of ['application_search_insert', 'application_search_update', 'application_search_delete'])
      await knex.raw(`DROP TRIGGER IF EXISTS ${trigger}`);
    await knex.raw('DROP TABLE IF EXISTS application_search');
  }
  await knex.schema.alterTable('application', (t) => t.dropColumn('former_references'));
}
