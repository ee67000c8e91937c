import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from '../../migrations/index';

export type Db = Knex;

/**
 * Opens the database. SQLite (the embedded default) lives in DATA_DIR; PostgreSQL when DATABASE_URL says so.
 * SQLite: one connection (better-sqlite3 is synchronous; inside a transaction always use trx, never db),
 * WAL for concurrent readers across processes, foreign keys on, synchronous=FULL because signed evidence is stored
 * here, and a busy timeout so that a second process on the same file (another instance, a command-line tool) waits
 * for the write lock instead of failing: every transaction begins with BEGIN IMMEDIATE (see cachePreparedStatements).
 */
export function openDb(opts: { dataDir: string; databaseUrl?: string }): Db {
  if (opts.databaseUrl?.startsWith('postgres')) {
    return knexFactory({ client: 'pg', connection: opts.databaseUrl, pool: { min: 0, max: 10 } });
  }
  const file = opts.databaseUrl?.startsWith('sqlite:') ? opts.databaseUrl.slice('sqlite:'.length) : path.join(opts.dataDir, 'sesame.sqlite');
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const connection: SqliteConnectionEntry = {};
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: RawSqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          conn.pragma('foreign_keys = ON');
          conn.pragma('synchronous = FULL');
          // A write-ahead log that once grew (a long read held it) is cut back to this size when it next starts over.
          conn.pragma(`journal_size_limit = ${SQLITE_JOURNAL_SIZE_LIMIT}`);
          if (connection.autocheckpoint !== undefined) conn.pragma(`wal_autocheckpoint = ${connection.autocheckpoint}`);
          cachePreparedStatements(conn);
          connection.current = conn;
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
    acquireConnectionTimeout: 10000,
  });
  sqliteConnections.set(db.client as object, connection);
  readOnIdleConnection(db);
  return db;
}

/** The size, in bytes, that SQLite's write-ahead log file is truncated to when it starts over (64 MB). */
const SQLITE_JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/** How long a SQLite write waits for another process's write to finish before failing with "database is locked". */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The part of a better-sqlite3 connection used here (the package ships no types). */
interface RawSqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): unknown;
  exec(sql: string): unknown;
  readonly open: boolean;
  readonly inTransaction: boolean;
}

/** The part of a better-sqlite3 statement used by hot reads. */
interface RawSqliteStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  raw(toggle: boolean): RawSqliteStatement;
  pluck(toggle?: boolean): RawSqliteStatement;
  /** False when the statement may write (SQLite's sqlite3_stmt_readonly). */
  readonly readonly: boolean;
}

/**
 * What a SQLite connection has written: `n` goes up with every statement run on it that may write (counted in
 * cachePreparedStatements, before it runs), and `dataVersion` is its `PRAGMA data_version`, which changes when another
 * connection (another process) commits. Together they change whenever the database may have changed.
 */
const sqliteWrites = new WeakMap<RawSqliteConnection, { n: number; dataVersion: RawSqliteStatement }>();

/**
 * A token that changes whenever anyone may have written to the database since it was last taken: this connection
 * (any statement that may write, rolled back or not) or another one (SQLite's data_version). Undefined when unknown.
 */
function writeGeneration(conn: RawSqliteConnection): string | undefined {
  const writes = sqliteWrites.get(conn);
  return writes ? `${writes.n}:${String(writes.dataVersion.get())}` : undefined;
}

/**
 * The one SQLite connection of each database opened by openDb (set once the pool has created it), and the automatic
 * checkpoint threshold asked for it (setSqliteAutocheckpoint), applied to it and to any connection opened later.
 */
interface SqliteConnectionEntry {
  current?: RawSqliteConnection;
  autocheckpoint?: number;
}
const sqliteConnections = new WeakMap<object, SqliteConnectionEntry>();

/**
 * Sets how many pages SQLite's write-ahead log may hold before the connection that commits copies them back into the
 * database file itself (a checkpoint, SQLite's default every 1,000 pages), now and on any connection the pool opens
 * later. 0: never; then something else must checkpoint (see wal-checkpointer.ts). No-op on PostgreSQL.
 */
export function setSqliteAutocheckpoint(db: Db, pages: number): void {
  if (!Number.isInteger(pages) || pages < 0) throw new Error(`invalid autocheckpoint: ${pages}`);
  const entry = sqliteConnections.get(db.client as object);
  if (!entry) return;
  entry.autocheckpoint = pages;
  // A pragma on the connection itself, even while a transaction holds it: it only sets the threshold for later commits.
  if (entry.current?.open) entry.current.pragma(`wal_autocheckpoint = ${pages}`);
}

/**
 * The SQLite connection of `db` when nothing holds it: no query or transaction has it out of Knex's pool (of one), so a
 * statement run on it now, synchronously, reads the committed state and cannot interleave with anyone's transaction.
 * Undefined on PostgreSQL, inside a transaction, or while the connection is in use: then go through Knex.
 */
function idleSqliteConnection(db: Db): RawSqliteConnection | undefined {
  if ((db as Knex.Transaction).isTransaction) return undefined;
  return idleConnectionOf(db.client as object);
}

/** The same, from a Knex client (a query builder's: a transaction's client is another object, never found here). */
function idleConnectionOf(client: object): RawSqliteConnection | undefined {
  const conn = sqliteConnections.get(client)?.current;
  if (!conn?.open || conn.inTransaction) return undefined;
  const pool = (client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
  if (!pool || pool.numUsed() > 0 || pool.numPendingAcquires() > 0) return undefined;
  return conn;
}

/** How many parameter sets a remembered hot read keeps per generation (cleared when full). */
const REMEMBERED_MAX = 1000;

/** A hot read's parameter (what both drivers bind as is). */
export type HotParam = string | number | null;

/** Query builder methods that only read (Knex's `_method`), and the part of a Knex client the idle reads use. */
const READ_METHODS = new Set(['select', 'first', 'pluck']);
interface KnexClientInternals {
  runner(builder: unknown): { run(): Promise<unknown> };
  emit(event: string, ...args: unknown[]): boolean;
  _formatBindings(bindings: unknown[] | undefined): unknown[];
  processResponse(obj: Record<string, unknown>, runner: unknown): unknown;
  postProcessResponse(response: unknown, queryContext: unknown): unknown;
}
interface KnexBuilderInternals {
  _method?: string;
  toSQL(): { sql: string; bindings?: unknown[]; method: string; timeout?: number } | unknown[];
  queryContext(): unknown;
}

/**
 * Every read of a query builder outside a transaction (`await db('t').where(…)`), on SQLite, while no one holds the
 * connection: run at once on it, as Knex would but without its pool round trip (a timer and several promises per
 * query, 30–60 µs under load); still compiled by Knex, announced with its 'query' event (statement counts in tests),
 * answered through its own response processing. Anything else (writes, raw SQL, transactions, a busy connection)
 * takes Knex's usual path, which waits for the connection.
 */
function readOnIdleConnection(db: Db): void {
  const client = db.client as unknown as KnexClientInternals;
  const makeRunner = client.runner;
  client.runner = function idleReadRunner(this: KnexClientInternals, builder: unknown) {
    const runner = makeRunner.call(this, builder);
    const b = builder as KnexBuilderInternals;
    if (!b._method || !READ_METHODS.has(b._method)) return runner;
    const run = runner.run;
    runner.run = async function runOnIdleConnection() {
      const conn = idleSqliteConnection(db);
      if (!conn) return run.call(runner);
      const query = b.toSQL();
      if (Array.isArray(query) || !READ_METHODS.has(query.method) || query.timeout) return run.call(runner);
      const statement = conn.prepare(query.sql) as RawSqliteStatement & { reader: boolean };
      if (!statement.reader) return run.call(runner);
      const { response, announced } = runAnnounced(client, conn, statement, query);
      const result = client.postProcessResponse(client.processResponse({ ...query, response }, runner), b.queryContext());
      client.emit('query-response', result, announced, builder);
      return result;
    };
    return runner;
  };
}

/**
 * The rows of a query builder's read as arrays, in the order of its select list: without a key per value, which costs
 * a third of reading fifty list rows as objects. On the idle SQLite connection as `readOnIdleConnection` runs reads;
 * otherwise through Knex, each row's values taken in column order.
 */
export async function readArrays(qb: Knex.QueryBuilder): Promise<unknown[][]> {
  const client = (qb as unknown as { client: KnexClientInternals }).client;
  const conn = idleConnectionOf(client);
  const query = conn ? (qb as unknown as KnexBuilderInternals).toSQL() : undefined;
  if (!conn || !query || Array.isArray(query) || query.method !== 'select') {
    const rows = (await qb) as Record<string, unknown>[];
    return rows.map((row) => Object.values(row));
  }
  const statement = (conn.prepare(query.sql) as RawSqliteStatement).raw(true);
  try {
    return runAnnounced(client, conn, statement, query).response as unknown[][];
  } finally {
    statement.raw(false);
  }
}

/** Runs a compiled read on the idle connection as Knex would: announced ('query'), its bindings formatted, its failure named. */
function runAnnounced(
  client: KnexClientInternals,
  conn: RawSqliteConnection,
  statement: RawSqliteStatement,
  query: { sql: string; bindings?: unknown[] },
): { response: unknown[]; announced: Record<string, unknown> } {
  const announced = { __knexUid: (conn as { __knexUid?: string }).__knexUid, ...query };
  client.emit('query', announced);
  try {
    return { response: statement.all(client._formatBindings(query.bindings)), announced };
  } catch (err) {
    if (err instanceof Error) err.message = `${query.sql} - ${err.message}`;
    client.emit('query-error', err, announced);
    throw err;
  }
}

/**
 * A read on a page's hot path (every request: the session, the data versions, the tab count; a page's main query).
 * Knex builds, compiles and pools each query, 30–150 µs a statement under load, more than SQLite takes to answer; a hot
 * read runs one statement prepared once on the idle SQLite connection, synchronously, and falls back to Knex (same SQL)
 * inside a transaction, while the connection is in use, and on PostgreSQL. The SQL is written per database where they
 * differ, with `?` placeholders; rows come back as objects (`rows`) or as arrays in column order (`arrays`: no key per
 * value, for long lists).
 */
export class HotRead<Row extends Record<string, unknown>> {
  private readonly statements = new WeakMap<RawSqliteConnection, RawSqliteStatement>();
  private readonly sqlite: string;
  private readonly postgres: string;
  /** `untilWrite`: the rows last read per parameters, and the write generation they were read at. */
  private readonly remembered = new WeakMap<RawSqliteConnection, { generation: string; rows: Map<string, Row[]> }>();

  /**
   * `sql`: one text for both databases; a text around a list of ids (`in (${idList})`, bound with `idListParam`);
   * or a text for each.
   * `untilWrite` (SQLite): the rows are kept until anyone may have written to the database (this process or another:
   * see writeGeneration), and served again meanwhile for a check of data_version (~2 µs) instead of a read. For the
   * data versions themselves (read on every request, written only with the data they version); callers must not
   * change the rows they get.
   */
  constructor(
    sql: string | ((idList: string) => string) | { sqlite: string; postgres: string },
    private readonly opts: { untilWrite?: boolean } = {},
  ) {
    if (typeof sql === 'string') this.sqlite = this.postgres = sql;
    else if (typeof sql === 'function') [this.sqlite, this.postgres] = [sql(ID_LIST.sqlite), sql(ID_LIST.postgres)];
    else [this.sqlite, this.postgres] = [sql.sqlite, sql.postgres];
  }

  async rows(db: Db, params: readonly HotParam[]): Promise<Row[]> {
    const conn = idleSqliteConnection(db);
    if (!conn) return this.throughKnex(db, params) as Promise<Row[]>;
    if (!this.opts.untilWrite) return this.statement(conn).all(...params) as Row[];
    const generation = writeGeneration(conn);
    if (generation === undefined) return this.statement(conn).all(...params) as Row[];
    let kept = this.remembered.get(conn);
    if (kept?.generation !== generation) this.remembered.set(conn, (kept = { generation, rows: new Map() }));
    const key = JSON.stringify(params);
    let rows = kept.rows.get(key);
    if (!rows) {
      // The generation was taken just before this read, with nothing in between (both synchronous on the idle
      // connection): the rows are those of that generation.
      rows = this.statement(conn).all(...params) as Row[];
      if (kept.rows.size >= REMEMBERED_MAX) kept.rows.clear();
      kept.rows.set(key, rows);
    }
    return rows;
  }

  async arrays(db: Db, params: readonly HotParam[]): Promise<unknown[][]> {
    const conn = idleSqliteConnection(db);
    if (conn) {
      // The statement may be the one Knex gets for the same text (cachePreparedStatements): left as it found it.
      const statement = this.statement(conn).raw(true);
      try {
        return statement.all(...params) as unknown[][];
      } finally {
        statement.raw(false);
      }
    }
    const rows = await this.throughKnex(db, params);
    return rows.map((row) => Object.values(row));
  }

  private statement(conn: RawSqliteConnection): RawSqliteStatement {
    let statement = this.statements.get(conn);
    if (!statement) this.statements.set(conn, (statement = conn.prepare(this.sqlite) as RawSqliteStatement));
    return statement;
  }

  private async throughKnex(db: Db, params: readonly HotParam[]): Promise<Record<string, unknown>[]> {
    const result: unknown = await db.raw(isSqlite(db) ? this.sqlite : this.postgres, params as HotParam[]);
    return Array.isArray(result) ? (result as Record<string, unknown>[]) : (result as { rows: Record<string, unknown>[] }).rows;
  }
}

/**
 * Knex begins SQLite transactions with a plain BEGIN (deferred): the transaction reads under a snapshot and asks for
 * the write lock only at its first write. If another process committed in between, SQLite cannot upgrade the stale
 * snapshot and fails at once with SQLITE_BUSY ("database is locked") — the busy timeout does not apply. BEGIN IMMEDIATE
 * takes the write lock first (waiting up to the busy timeout), so a transaction's reads and writes see one state,
 * as they do inside one process, where the single connection runs one transaction at a time.
 */
const KNEX_BEGIN = 'BEGIN;';
const SQLITE_BEGIN = 'BEGIN IMMEDIATE;';

/** Prepared statements kept per connection, by SQL text (least recently used dropped first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Knex prepares every query anew; SQLite then parses and plans it each time (0.02–0.06 ms for a query with a BC list,
 * several per page). better-sqlite3 statements are reusable and run synchronously to completion (Knex only calls
 * all() and run(), never iterate()), so one statement per SQL text can serve every later query of that text.
 * Schema changes (migrations) make SQLite re-prepare a statement by itself on its next run.
 */
function cachePreparedStatements(conn: RawSqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const exec = conn.exec.bind(conn);
  const writes = { n: 0, dataVersion: (prepare('PRAGMA data_version') as RawSqliteStatement).pluck() };
  sqliteWrites.set(conn, writes);
  // Every statement that may write counts as a write when it runs (before, so no read in between can miss it).
  conn.exec = (sql: string) => {
    writes.n++;
    return exec(sql);
  };
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = prepare(sql === KNEX_BEGIN ? SQLITE_BEGIN : sql);
      if (!(statement as RawSqliteStatement).readonly) countWrites(statement as Record<string, unknown>, writes);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  };
}

/** Makes each way of running `statement` (one that may write) count a write first. */
function countWrites(statement: Record<string, unknown>, writes: { n: number }): void {
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = statement[method] as (...args: unknown[]) => unknown;
    statement[method] = function counted(this: unknown, ...args: unknown[]) {
      writes.n++;
      return original.apply(this, args);
    };
  }
}

/**
 * Applies the pending migrations, then `afterwards` (the demo seed), while holding the start-up lock: when several
 * instances start at the same moment on a new database, one migrates and seeds while the others wait, then find
 * nothing left to do. Without it knex's own tables are created twice and one instance exits.
 */
export async function migrateLatest(db: Db, afterwards?: () => Promise<unknown>): Promise<void> {
  await withStartupLock(db, async () => {
    await db.migrate.latest({ migrationSource });
    await updatePlannerStatistics(db);
    await afterwards?.();
  });
}

/**
 * SQLite: statistics for the query planner on every table that has an index without any (one a migration just added)
 * or that grew 25-fold since they were taken (PRAGMA optimize, each index sampled on at most 1,000 rows: ~50 ms on the
 * bench's 100,000 applications, ~1 ms when nothing needs it). Without them SQLite trusts a new index blindly: measured on
 * a database migrated after its last ANALYZE, the queue's page took 43 ms instead of 0.3 ms on an index added by a
 * later migration. Run at start-up (after migrations) and hourly by the checkpoint thread. PostgreSQL: autovacuum.
 *
 * Only on a database that has statistics already (an ANALYZE ran on it: the retention purge's, the bench's seed, an
 * operator's): one without any is planned by SQLite's uniform defaults, and giving it some would change its plans
 * with no measurement behind them. Measured: the mere presence of SQLite's statistics table, even empty, made the
 * bench's seed four times slower (50,000 applications: 43 s instead of 10 s).
 */
export async function updatePlannerStatistics(db: Db): Promise<void> {
  if (!isSqlite(db)) return;
  if (!(await db.raw(SQLITE_HAS_STATISTICS)).length) return;
  await db.raw(`PRAGMA analysis_limit = ${SQLITE_ANALYSIS_LIMIT}`);
  await db.raw(`PRAGMA optimize = ${SQLITE_OPTIMIZE_ALL_TABLES}`);
}

/** A row when the database has planner statistics (sqlite_stat1 exists once ANALYZE has run). */
export const SQLITE_HAS_STATISTICS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'";

/** Rows sampled per index by ANALYZE (SQLite's analysis_limit). */
export const SQLITE_ANALYSIS_LIMIT = 1000;
/** PRAGMA optimize's mask: analyze where useful (0x02), checking every table, not only those this connection used (0x10000). */
export const SQLITE_OPTIMIZE_ALL_TABLES = '0x10002';

/** The PostgreSQL advisory lock key of migrations and seeding (any constant; advisory locks are per database). */
const STARTUP_LOCK_KEY = 5_372_616_001;

/** How long a SQLite instance waits for another one's migrations before giving up. */
const SQLITE_STARTUP_WAIT_MS = 10 * 60 * 1000;

/**
 * Runs `body` while no other process runs it on the same database. PostgreSQL: a session advisory lock
 * (pg_advisory_lock) held on one dedicated connection of the pool, released after `body` (or by the server if the
 * process dies). SQLite: an exclusive transaction on a small lock file beside the database (`<file>.startup-lock`),
 * released the same way by the operating system if the process dies.
 */
export async function withStartupLock<T>(db: Db, body: () => Promise<T>): Promise<T> {
  // SQLite: the pool's one connection stays free for `body`; the lock is another file.
  if (isSqlite(db)) return sqliteFile(db) === ':memory:' ? body() : withSqliteStartupLock(sqliteFile(db), body);
  const conn: unknown = await db.client.acquireConnection();
  try {
    await db.raw('select pg_advisory_lock(?)', [STARTUP_LOCK_KEY]).connection(conn);
    try {
      return await body();
    } finally {
      await db.raw('select pg_advisory_unlock(?)', [STARTUP_LOCK_KEY]).connection(conn);
    }
  } finally {
    await db.client.releaseConnection(conn);
  }
}

async function withSqliteStartupLock<T>(file: string, body: () => Promise<T>): Promise<T> {
  const lockDb = knexFactory({ client: 'better-sqlite3', connection: { filename: `${file}.startup-lock` }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  try {
    const lock = (await lockDb.client.acquireConnection()) as RawSqliteConnection;
    // Synchronous wait: at start-up there is nothing else to do.
    lock.pragma(`busy_timeout = ${SQLITE_STARTUP_WAIT_MS}`);
    lock.exec('BEGIN EXCLUSIVE');
    try {
      return await body();
    } finally {
      lock.exec('COMMIT');
      await lockDb.client.releaseConnection(lock);
    }
  } finally {
    await lockDb.destroy();
  }
}

/** The file of a SQLite database opened by openDb. */
/**
 * Gives SQLite's query planner fresh statistics (ANALYZE, each index sampled on at most 1,000 rows: milliseconds even on
 * a large database) before a bulk job. Without statistics, on a database filled since it was opened, SQLite may pick a
 * status index and sort where the primary key or application index answers at once (measured: the retention purge
 * over 100,000 applications took 11 s that way, quadratic in the pages). PostgreSQL's autovacuum keeps its own.
 */
export async function refreshPlannerStatistics(db: Db): Promise<void> {
  if (!isSqlite(db)) return;
  await db.raw(`PRAGMA analysis_limit = ${SQLITE_ANALYSIS_LIMIT}`);
  await db.raw('ANALYZE');
}

export function sqliteFile(db: Db): string {
  return (db.client as { config: { connection: { filename: string } } }).config.connection.filename;
}

/** Whether a database, transaction or query runs on SQLite (the embedded default) rather than PostgreSQL. */
export function isSqlite(db: Db | Knex.QueryBuilder): boolean {
  return (db as unknown as { client: { config: { client: string } } }).client.config.client === 'better-sqlite3';
}

/**
 * What a failed write says about the unique index it hit ("UNIQUE constraint failed: access_key.number" on SQLite, the
 * index's name on PostgreSQL), or undefined when the error is anything else. A check-then-insert can always lose to a
 * concurrent insert; the index then refuses it, and this tells the caller which rule that was.
 */
export function uniqueViolationText(err: unknown): string | undefined {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  const code = String(e?.code ?? '');
  if (code !== '23505' && code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
  return `${String(e?.constraint ?? '')} ${String(e?.message ?? '')}`;
}

export function isUniqueViolation(err: unknown): boolean {
  return uniqueViolationText(err) !== undefined;
}

/**
 * A read that locks its rows until the transaction ends on PostgreSQL (SELECT … FOR UPDATE), so that a concurrent
 * transaction on the same rows waits, then reads what the first one committed. SQLite needs no lock (one connection,
 * one transaction at a time), and Knex would only warn that it ignores the hint.
 */
export function lockingRead<T extends Knex.QueryBuilder>(qb: T): T {
  return isSqlite(qb) ? qb : (qb.forUpdate() as T);
}

/**
 * Independent reads: all at once on the connection pool, one after the other inside a transaction — its one
 * connection cannot run two queries at a time (PostgreSQL's driver would queue them, and deprecates doing so).
 */
export async function readTogether<T extends readonly unknown[] | []>(db: Knex, reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (!(db as Knex.Transaction).isTransaction) return (await Promise.all(reads.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}

/**
 * `column IN (ids)` with the list as one JSON parameter instead of one placeholder per id: an administrator's BCs are
 * in nearly every query, and binding and planning fifty placeholders costs more than reading the JSON array.
 */
export function whereIdIn(qb: Knex.QueryBuilder, column: string, ids: readonly number[], opts: { notFromIndex?: boolean } = {}): Knex.QueryBuilder {
  // `+column` (the same value) keeps the list out of the planner's index choice, when another index serves better.
  const col = opts.notFromIndex ? '+??' : '??';
  return qb.whereRaw(`${col} in (${isSqlite(qb) ? ID_LIST.sqlite : ID_LIST.postgres})`, [column, idListParam(ids)]);
}

/** A list of ids as one JSON parameter, per database (whereIdIn, HotRead). */
const ID_LIST = { sqlite: 'select value from json_each(?)', postgres: 'select value::bigint from json_array_elements_text(?::json)' };

/** The parameter of a list of ids (`ID_LIST`). */
export function idListParam(ids: readonly (number | string)[]): string {
  return JSON.stringify(ids.map(Number));
}

/** The id of a row from `.insert(…).returning('id')`: PostgreSQL gives `{ id }`, SQLite the bare id. */
export function insertedId(row: unknown): number {
  return typeof row === 'object' && row !== null ? Number((row as { id: number | string }).id) : Number(row);
}

/** Inserts one row into `table` and returns its id (for repositories: test/architecture/sql.test.ts counts it as SQL). */
export async function insertRow(db: Db, table: string, row: Record<string, unknown>): Promise<number> {
  const [inserted] = await db(table).insert(row).returning('id');
  return insertedId(inserted);
}
