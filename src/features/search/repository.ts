import type { Knex } from 'knex';
import { escapeLike } from '../../lib/list-query';
import { isSqlite, whereIdIn, type Db } from '../../platform/db';
import { applicationListQuery, readApplicationList, type ApplicationListRow } from '../../core/application/repository';

/**
 * The applications of these BCs whose reference (current or former), name or e-mail contains every term, newest
 * first, at most `limit`. Read from the index of migration 800: SQLite's FTS5 trigram table, PostgreSQL's trigram
 * index on `search_text`; the application rows are read only for the ids it gives.
 */
export async function searchApplicationIds(db: Db, accountIds: number[], terms: string[], limit: number): Promise<number[]> {
  if (!accountIds.length || !terms.length) return [];
  let qb: Knex.QueryBuilder;
  if (isSqlite(db)) {
    // Each term a quoted phrase ("" doubles a quote inside it); all of them must match. The index gives its matches
    // newest first (rowid order, read backwards): each is checked against the BCs until `limit` are found.
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ');
    qb = db('application_search as s').join('application as ap', 'ap.id', 's.rowid').whereRaw('application_search MATCH ?', [match]).orderBy('s.rowid', 'desc');
  } else {
    qb = db('application as ap').orderBy('ap.id', 'desc');
    for (const t of terms) qb.whereRaw(`ap.search_text like ? escape '\\'`, [`%${escapeLike(t)}%`]);
  }
  whereIdIn(qb, 'ap.account_id', accountIds);
  const rows: Array<{ id: number | string }> = await qb.limit(limit).select('ap.id');
  return rows.map((r) => Number(r.id));
}

/** These applications (ids) as the lists show them, in the order of the ids. */
export async function applicationRows(db: Db, ids: number[]): Promise<ApplicationListRow[]> {
  if (!ids.length) return [];
  const rows = await readApplicationList(applicationListQuery(db).whereIn('ap.id', ids));
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}
