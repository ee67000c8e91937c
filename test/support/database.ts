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
 * Every test database starts as a copy of one migrated template, made once per version of the migrations (the SHA-256
 * of migrations/*.ts) and shared by the test processes; the app's own migrateLatest then finds nothing to do.
 * - SQLite: a template file, written aside, then renamed into place. Migrating each database from nothing cost ~50 ms,
 *   for each of the suite's ~1,500 test contexts.
 * - PostgreSQL: a template database, built under an advisory lock by the first process that needs it (under a
 *   temporary name, renamed when complete), then `CREATE DATABASE … TEMPLATE`: ~25 ms instead of ~400 ms of migrations.
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

/** A new identity for a copy of the template: a database migrated from nothing generates one of its own. */
async function newInstallationId(db: Db): Promise<void> {
  await db('installation').update({ installation_id: crypto.randomUUID() });
}

const PG_TEMPLATE_LOCK = 7_305_001; // pg_advisory_lock key: one process builds the template at a time
const pgTemplates = new Map<string, Promise<{ name: string; strategy: string }>>();
/**
 * The migrated PostgreSQL template database on `server` (made if missing), and the copy strategy to use: FILE_COPY
 * (PostgreSQL 15+; the older servers only have that one) copies the template's few MB of files, measured ~25 ms against
 * ~40 ms for the default WAL_LOG, which writes every page to the WAL.
 */
function pgTemplate(server: string): Promise<{ name: string; strategy: string }> {
  let made = pgTemplates.get(server);
  if (!made) {
    made = (async () => {
      const name = `sesame_tpl_${migrationsHash()}`;
      const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 1, max: 1 } });
      try {
        const version = (await admin.raw('SHOW server_version_num')).rows[0].server_version_num as string;
        const strategy = Number(version) >= 150000 ? ' STRATEGY FILE_COPY' : '';
        await admin.raw('SELECT pg_advisory_lock(?)', [PG_TEMPLATE_LOCK]);
        try {
          const exists = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
          if (exists.rows.length === 0) {
            const building = `${name}_${crypto.randomBytes(4).toString('hex')}`;
            await admin.raw(`CREATE DATABASE ${building}`);
            const u = new URL(server);
            u.pathname = `/${building}`;
            const db = openDb({ dataDir: os.tmpdir(), databaseUrl: u.toString() });
            try {
              await migrateLatest(db);
            } finally {
              await db.destroy();
            }
            await admin.raw(`ALTER DATABASE ${building} RENAME TO ${name}`);
          }
        } finally {
          await admin.raw('SELECT pg_advisory_unlock(?)', [PG_TEMPLATE_LOCK]);
        }
        return { name, strategy };
      } finally {
        await admin.destroy();
      }
    })();
    made.catch(() => pgTemplates.delete(server));
    pgTemplates.set(server, made);
  }
  return made;
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
    await newInstallationId(copy);
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
  let fromTemplate = false;
  if (server?.startsWith('postgres')) {
    const name = `sesame_test_${crypto.randomBytes(6).toString('hex')}`;
    const template = opts.migrated !== false ? await pgTemplate(server) : undefined;
    const admin = knexFactory({ client: 'pg', connection: server, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(template ? `CREATE DATABASE ${name} TEMPLATE ${template.name}${template.strategy}` : `CREATE DATABASE ${name}`);
    } finally {
      await admin.destroy();
    }
    fromTemplate = template !== undefined;
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
    else if (fromTemplate) {
      const db = open();
      try {
        await newInstallationId(db);
      } finally {
        await db.destroy();
      }
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
