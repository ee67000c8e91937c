import type { Db } from '../../platform/db';
import { escapeLike } from '../../lib/list-query';
import { addDays, zonedTimeToUtc } from '../../lib/time-zone';
import type { AuditFilters } from './schema';
import type { AuditRow } from '../../core/audit/audit';

export interface AuditListItem {
  id: number;
  at: string;
  actorType: string;
  actorId: number | null;
  actorEmail: string | null;
  action: string;
  applicationId: number | null;
  applicationReference: string | null;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: string;
}

type Query = ReturnType<Db['queryBuilder']>;

/** Date filters are calendar days in the service's time zone; `to` is inclusive. */
function applyFilters(q: Query, f: AuditFilters, timeZone: string, applicationId: number | null | undefined): Query {
  if (f.from) q.where('audit_log.at', '>=', zonedTimeToUtc(f.from, '00:00', timeZone).toISOString());
  if (f.to) q.where('audit_log.at', '<', zonedTimeToUtc(addDays(f.to, 1), '00:00', timeZone).toISOString());
  if (f.actor) q.whereRaw("audit_log.actor_email LIKE ? ESCAPE '\\'", [`%${escapeLike(f.actor.toLowerCase())}%`]);
  if (f.action) q.where('audit_log.action', f.action);
  if (applicationId !== undefined) q.where('audit_log.application_id', applicationId ?? -1);
  return q;
}

/** The application id a filter names (by reference or id); null when no application has that reference. */
async function resolveApplication(db: Db, f: AuditFilters): Promise<number | null | undefined> {
  if (!f.application) return undefined;
  if ('id' in f.application) return f.application.id;
  const row: { id: number } | undefined = await db('application').where({ reference: f.application.reference }).first('id');
  return row ? row.id : null;
}

/**
 * One page of the log, newest first. `pageFor` turns the total into the page to show (clamped by the caller);
 * deferred join: the page's ids first, then their rows.
 */
export async function searchAuditLog<P extends { offset: number; pageSize: number }>(
  db: Db,
  filters: AuditFilters,
  timeZone: string,
  pageFor: (total: number) => P,
): Promise<{ page: P; items: AuditListItem[] }> {
  const applicationId = await resolveApplication(db, filters);
  const countRow = await applyFilters(db('audit_log'), filters, timeZone, applicationId).count<{ n: number | string }[]>({ n: '*' });
  const page = pageFor(Number(countRow[0]?.n ?? 0));
  const ids = applyFilters(db('audit_log'), filters, timeZone, applicationId)
    .orderBy('audit_log.id', 'desc')
    .limit(page.pageSize)
    .offset(page.offset)
    .select('audit_log.id');
  const rows: Array<AuditRow & { reference: string | null }> = await db('audit_log')
    .leftJoin('application', 'application.id', 'audit_log.application_id')
    .whereIn('audit_log.id', ids)
    .orderBy('audit_log.id', 'desc')
    .select('audit_log.*', 'application.reference as reference');
  return {
    page,
    items: rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      actorType: r.actor_type,
      actorId: r.actor_id,
      actorEmail: r.actor_email,
      action: r.action,
      applicationId: r.application_id,
      applicationReference: r.reference,
      objectType: r.object_type,
      objectId: r.object_id,
      ip: r.ip,
      userAgent: r.user_agent,
      details: r.details,
    })),
  };
}

/** The actions present in the log, for the filter's list. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows: Array<{ action: string }> = await db('audit_log').distinct('action').orderBy('action');
  return rows.map((r) => r.action);
}
