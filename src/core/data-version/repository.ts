import { HotRead, type Db } from '../../platform/db';

/** The kinds of data a per-process cache may keep (migrations/20261209_200_data_version.ts lists their tables). */
export type DataVersionName = 'administrators' | 'keys';

const versionOf = new HotRead<{ version: number | string }>('select version from data_version where name = ?');

/**
 * The current version of a kind of data: the database bumps it in the transaction of every write to its tables, so
 * a copy read after this version was read is current until the version moves. Undefined if the row is missing (then
 * nothing may be cached).
 */
export async function readDataVersion(db: Db, name: DataVersionName): Promise<string | undefined> {
  const [row] = await versionOf.rows(db, [name]);
  return row ? String(row.version) : undefined;
}
