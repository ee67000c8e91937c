import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { migrateLatest, openDb, type Db } from '../../src/platform/db';

export interface FreshDatabase {
  /** sqlite:<file> or postgres://…/<new database> */
  url: string;
  /** The temporary directory (SQLite file, DATA_DIR for CLI runs). */
  dataDir: string;
  isPostgres: boolean;
  /** A new Knex instance on the same database: a second "instance" of the app. */
  open(): Db;
  /** Drops the database (PostgreSQL) and removes the temporary directory. */
  drop(): Promise<void>;
}

/**
 * Every SQLite test database starts as a copy of one migrated template file, made once per version of the migrations
 * (the SHA-256 of migrations/*.ts) and shared by the test processes (written aside, then renamed into place); the app's
 * own migrateLatest then finds nothing to do. Migrating each one from nothing cost ~50 ms, for each of the suite's
 * ~1,500 test contexts. (On PostgreSQL, CREATE DATABASE … TEMPLATE was measured slower than creating and migrating.)
 */
const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');
function migrationsHash(): string {
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).sort()) hash.update(name).update(fs.readFileSync(path.join(MIGRATIONS_DIR, name)));
  return hash.digest('hex').slice(0, 16);
}

let sqliteTemplate: Promise<string> | undefined;
/** The migrated SQLite template's path (made if missing). */
function sqliteTemplateFile(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = path.join(os.tmpdir(), `sesame-template-${migrationsHash()}.sqlite`);
    if (fs.existsSync(file)) return file;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-template-'));
    const db = openDb({ dataDir: dir, databaseUrl: `sqlite:${path.join(dir, 'template.sqlite')}` });
    await migrateLatest(db);
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    await db.destroy();
    fs.renameSync(path.join(dir, 'template.sqlite'), file);
    fs.rmSync(dir, { recursive: true, force: true });
    return file;
  })();
  return sqliteTemplate;
}

/**
 * Puts a migrated SQLite database at `file`: a copy of the template with an installation id of its own (the migration
 * generates one per database; Message-IDs derive from it), as a database migrated from nothing has.
 */
export async function migratedSqliteFile(file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(await sqliteTemplateFile(), file);
  const copy = openDb({ dataDir: path.dirname(file), databaseUrl: `sqlite:${file}` });
  try {
    await copy('installation').update({ installation_id: crypto.randomUUID() });
  } finally {
    await copy.destroy();
  }
}

/**
 * A new, migrated, empty database for one test file: a temporary SQLite file, or, when TEST_DATABASE_URL=postgres://…
 * is set, a new PostgreSQL database created on that server (and dropped at the end). `migrated: false` leaves it
 * without any table, as a new installation finds it.
 */
export async function freshDatabase(opts: { migrated?: boolean } = {}): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-db-'));
  const server = process.env.TEST_DATABASE_URL;
  let url = `sqlite:${path.join(dataDir, 'sesame.sqlite')}`;
  let dropDatabase = async () => undefined as void;
  if (server?.startsWith('postgres')) {
    const name = `sesame_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
    await admin.raw(`CREATE DATABASE ${name}`);
    await admin.destroy();
    const u = new URL(server);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = async () => {
      const again = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
      await again.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.destroy();
    };
  }
  const open = () => openDb({ dataDir, databaseUrl: url });
  if (opts.migrated !== false) {
    if (url.startsWith('sqlite:')) await migratedSqliteFile(url.slice('sqlite:'.length));
    else {
      const db = open();
      await migrateLatest(db);
      await db.destroy();
    }
  }
  return {
    url,
    dataDir,
    isPostgres: url.startsWith('postgres'),
    open,
    drop: async () => {
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh database for the whole test file: created and migrated before its tests (beforeAll), closed and dropped
 * after them (afterAll). `opened` receives the Knex instance; set-up of the file's own comes in a later beforeAll.
 */
export function useFreshDatabase(opened: (db: Db) => void): void {
  let fresh: FreshDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    fresh = await freshDatabase();
    db = fresh.open();
    opened(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await fresh?.drop();
  });
}

/** How many rows a query matches, as a number (PostgreSQL returns count(*) as a string). */
export async function countOf(query: Knex.QueryBuilder): Promise<number> {
  const row = (await query.clone().count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** SQLite: writes the WAL back into the database file, so the file's raw bytes hold every committed row. */
export async function checkpointSqlite(db: Db): Promise<void> {
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
}
