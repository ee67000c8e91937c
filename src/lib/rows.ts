/**
 * A table's record declared once: each field names its column and how the stored value is read, so the columns a
 * repository selects and the mapper that reads them come from one list (no second list of columns to keep in step).
 *
 *   const ACCOUNT = rowMapper<Account>({ id: int, companyName: text, createdBy: int('author_id'), … });
 *   (a bare reader reads the field's own column in snake case: companyName → company_name)
 *   const rows = await db('account').select(ACCOUNT.columns);   // selects exactly those columns
 *   return rows.map(ACCOUNT.map);
 */
export type Row = Record<string, unknown>;

/** One field: the column it is stored in and how a stored value becomes the field's value. */
export interface Column<V> {
  column: string;
  read: (value: unknown) => V;
}

/** Text as stored (also for unions of strings: `text<Role>('role')`). */
export const text = <V extends string = string>(column: string): Column<V> => ({ column, read: (v) => v as V });
/** Text or NULL (undefined reads as null). */
export const textOrNull = <V extends string = string>(column: string): Column<V | null> => ({ column, read: (v) => (v ?? null) as V | null });
/** A number (PostgreSQL returns bigint and numeric columns as strings). */
export const int = (column: string): Column<number> => ({ column, read: Number });
/** A boolean (SQLite stores 0 and 1). */
export const bool = (column: string): Column<boolean> => ({ column, read: Boolean });
/** Any other reading of the stored value (JSON text, a default for NULL…). */
export const column = <V>(name: string, read: (value: unknown) => V): Column<V> => ({ column: name, read });

export interface RowMapper<T> {
  /** The columns the fields read, for `.select(…)`. */
  columns: string[];
  /** The columns of a joined table `alias`, each renamed `<prefix><column>` (read back with `fromPrefixed`). */
  prefixed(alias: string, prefix: string): string[];
  /** The record from a row (one argument, so `rows.map(MAPPER.map)` works). */
  map: (row: Row) => T;
  /** The record from the `<prefix><column>` columns of a joined row. */
  fromPrefixed: (row: Row, prefix: string) => T;
}

/** A field's column named after the field (`accountId` reads `account_id`): `rowMapper({ accountId: int })`. */
type ColumnOf<V> = (column: string) => Column<V>;

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function rowMapper<T>(fields: { [K in keyof T]-?: Column<T[K]> | ColumnOf<T[K]> }): RowMapper<T> {
  const entries = Object.entries(fields).map(([name, f]) => [name, typeof f === 'function' ? (f as ColumnOf<unknown>)(snakeCase(name)) : f]) as Array<
    [keyof T & string, Column<unknown>]
  >;
  const columns = [...new Set(entries.map(([, f]) => f.column))];
  const fromPrefixed = (row: Row, prefix: string): T => {
    const out: Record<string, unknown> = {};
    for (const [name, f] of entries) out[name] = f.read(row[prefix + f.column]);
    return out as T;
  };
  return {
    columns,
    prefixed: (alias, prefix) => columns.map((c) => `${alias}.${c} as ${prefix}${c}`),
    map: (row) => fromPrefixed(row, ''),
    fromPrefixed,
  };
}

/** A record's fields as columns: `accessKeyId` → `access_key_id` (the other way of rowMapper, for inserts). */
export function snakeCaseColumns(fields: Record<string, unknown>): Row {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [snakeCase(k), v]));
}
