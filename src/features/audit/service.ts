import type { Db } from '../../platform/db';
import { paginate, type ListQuery } from '../../lib/list-query';
import { listAuditActions, searchAuditLog, type AuditListItem } from './repository';
import type { AuditFilters } from './schema';

/**
 * What the audit log page reads: the page of entries matching the filters and their total (no search when the filters
 * are invalid: `undefined`), then every action recorded so far (the action filter's choices).
 */
export async function auditLogPage(
  db: Db,
  filters: AuditFilters | undefined,
  timeZone: string,
  listQuery: Pick<ListQuery, 'page' | 'pageSize'>,
): Promise<{ items: AuditListItem[]; total: number; actions: string[] }> {
  let items: AuditListItem[] = [];
  let total = 0;
  if (filters) {
    const found = await searchAuditLog(db, filters, timeZone, (n) => {
      total = n;
      return paginate(listQuery, n);
    });
    items = found.items;
  }
  const actions = await listAuditActions(db);
  return { items, total, actions };
}
