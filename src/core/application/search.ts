import type { Knex } from 'knex';
import { escapeLike } from '../../lib/list-query';

/**
 * The filters the administrator's application lists share (approval queue, tracking), on a query over
 * `application as ap`. Free text: the start of a reference (spaces, dots and dashes ignored), or part of the name
 * (either order) or e-mail address, case-insensitive. Initiation dates: bounds already converted to instants.
 */
export function whereApplicationText(qb: Knex.QueryBuilder, q: string): Knex.QueryBuilder {
  if (!q) return qb;
  const like = `%${escapeLike(q.toLowerCase())}%`;
  const digits = q.replace(/[\s.-]+/g, '');
  return qb.where((w) => {
    if (/^\d{1,10}$/.test(digits)) w.orWhere('ap.reference', 'like', `${escapeLike(digits)}%`);
    w.orWhereRaw(`lower(coalesce(ap.first_name, '') || ' ' || coalesce(ap.last_name, '')) like ? escape '\\'`, [like])
      .orWhereRaw(`lower(coalesce(ap.last_name, '') || ' ' || coalesce(ap.first_name, '')) like ? escape '\\'`, [like])
      .orWhereRaw(`ap.email like ? escape '\\'`, [like]);
  });
}

/** created_at >= fromIso and < toIsoExclusive, each when given. */
export function whereCreatedBetween(qb: Knex.QueryBuilder, fromIso: string | undefined, toIsoExclusive: string | undefined): Knex.QueryBuilder {
  if (fromIso) qb.where('ap.created_at', '>=', fromIso);
  if (toIsoExclusive) qb.where('ap.created_at', '<', toIsoExclusive);
  return qb;
}

/** One term of a list's order: a column, or an SQL expression over `application as ap` and its joins. */
export type SortTerm = string | { raw: string };

/** Priority order of the lists: ascending shows the urgent applications first. */
export const URGENT_FIRST: SortTerm = { raw: "CASE WHEN ap.priority = 'urgent' THEN 0 ELSE 1 END" };

/** Orders a list by its terms in one direction, then by id (the tie-break that keeps pages stable). */
export function orderApplications(qb: Knex.QueryBuilder, terms: readonly SortTerm[], dir: 'asc' | 'desc'): Knex.QueryBuilder {
  const d = dir === 'desc' ? 'desc' : 'asc';
  for (const term of terms) {
    if (typeof term === 'string') qb.orderBy(term, d);
    else qb.orderByRaw(`${term.raw} ${d}`);
  }
  return qb.orderBy('ap.id', d);
}
