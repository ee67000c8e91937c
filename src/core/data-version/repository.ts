import { HotRead, isSqlite, type Db } from '../../platform/db';

/**
 * The kinds of data a per-process cache may keep (migrations/20261209_200_data_version.ts lists their tables; `counts`,
 * SQLite only, every BC's pre-counted applications: 20261210_300_sqlite_counts_version.ts).
 */
export type DataVersionName = 'administrators' | 'keys' | 'counts';

/** Read on every request; kept until the next write anywhere (the versions move only with writes). */
const versionOf = new HotRead<{ version: number | string }>('select version from data_version where name = ?', { untilWrite: true });

/**
 * The current version of a kind of data: the database bumps it in the transaction of every write to its tables, so
 * a copy read after this version was read is current until the version moves. Undefined if the row is missing (then
 * nothing may be cached).
 */
export async function readDataVersion(db: Db, name: DataVersionName): Promise<string | undefined> {
  const [row] = await versionOf.rows(db, [name]);
  return row ? String(row.version) : undefined;
}

const countsVersionOf = new HotRead<{ v: number | string | null }>((ids) => `select sum(version) as v from account_count_version where account_id in (${ids})`);

/**
 * The version of the pre-counted applications of some BCs (a JSON array of their ids): on PostgreSQL the sum of their
 * versions, which the database raises with every change to their counts (migrations/20261210_100_count_versions.ts);
 * on SQLite, whose writers take turns anyway, the one version of every BC's counts (one row instead of one per BC).
 */
export async function readCountsVersion(db: Db, accountIdsJson: string): Promise<string | undefined> {
  if (isSqlite(db)) return readDataVersion(db, 'counts');
  const [row] = await countsVersionOf.rows(db, [accountIdsJson]);
  return String(row?.v ?? 0);
}
