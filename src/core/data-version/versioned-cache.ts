import { readDataVersion, type DataVersionName } from './repository';
import type { Db } from '../../platform/db';

/**
 * A per-process cache whose entries are good only for the data version they were read under (issue 15: "whatever is
 * cached is keyed by a version that every write bumps"). The version is read before the data: if a write commits in
 * between, the entry holds newer data under the older version and is simply read again on the next request — a copy
 * older than the current version is never served. Bounded: the least recently used entry goes first.
 *
 * Values are frozen (deeply) before they are kept, since every request that hits shares the same object.
 */
export class VersionedCache<V> {
  private readonly entries = new Map<string, { version: string; value: V }>();

  private readonly readVersion: (key: string) => Promise<string | undefined>;

  /**
   * `version`: a data version's name (one version for every entry), or how to read the version of one entry's data
   * (e.g. the counts of the BCs named by the key).
   */
  constructor(
    private readonly db: Db,
    version: DataVersionName | ((db: Db, key: string) => Promise<string | undefined>),
    private readonly maxEntries = 1000,
  ) {
    this.readVersion = typeof version === 'string' ? () => readDataVersion(db, version) : (key) => version(db, key);
  }

  /** The value for `key` at the current version, loaded (and kept) when the kept one is older or missing. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    // Inside a transaction a version may count the transaction's own writes, undone if it rolls back: the same version
    // could then be reached again by other writes, and a copy kept under it would be served while wrong.
    if ((this.db as { isTransaction?: boolean }).isTransaction) return load();
    const version = await this.readVersion(key);
    const kept = this.entries.get(key);
    if (kept && version !== undefined && kept.version === version) {
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.value;
    }
    const value = deepFreeze(await load());
    if (version === undefined) return value;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { version, value });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as Record<string, unknown>)) deepFreeze(inner);
  }
  return value;
}

/**
 * One cache per database handle (each app of a process — the tests build many — has its own): a service declares
 * `const keysCache = cachePerDb<Key[]>('keys')` once and reads `keysCache(db).get(…)`.
 */
export function cachePerDb<V>(
  name: DataVersionName | ((db: Db, key: string) => Promise<string | undefined>),
  maxEntries = 1000,
): (db: Db) => VersionedCache<V> {
  const caches = new WeakMap<Db, VersionedCache<V>>();
  return (db) => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new VersionedCache<V>(db, name, maxEntries)));
    return cache;
  };
}
