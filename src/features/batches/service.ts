import type { Db } from '../../platform/db';
import { paginate, type ListQuery, type PageWindow } from '../../lib/list-query';
import type { Status } from '../../core/application/status';
import { failedEmails } from '../../core/outbox/delivery';
import {
  countBatchApplications,
  countBatches,
  findBatch,
  listBatchApplications,
  listBatches,
  type BatchApplication,
  type BatchSort,
  type BatchSummary,
} from './repository';

export { STATUS_GROUPS, isStatus } from './repository';

/** The batches list: how many batches of these BCs there are, then the page of them the query asks for. */
export async function batchListPage(db: Db, accountIds: number[], query: ListQuery<BatchSort>): Promise<{ total: number; batches: BatchSummary[] }> {
  const total = await countBatches(db, accountIds);
  const window = paginate(query, total);
  const batches = await listBatches(db, accountIds, { sort: query.sort, dir: query.dir, limit: window.pageSize, offset: window.offset });
  return { total, batches };
}

/** One batch of these BCs, or undefined. */
export async function getBatch(db: Db, id: number, accountIds: number[]): Promise<BatchSummary | undefined> {
  return findBatch(db, id, accountIds);
}

/** A batch's applications (optionally of one status): how many, then the requested page of them. */
export async function batchApplicationsPage(
  db: Db,
  batchId: number,
  accountIds: number[],
  q: { status?: Status; page: number; pageSize: number },
): Promise<{ total: number; window: PageWindow; items: BatchApplication[] }> {
  const total = await countBatchApplications(db, batchId, accountIds, q.status);
  const window = paginate({ page: q.page, pageSize: q.pageSize }, total);
  const items = await listBatchApplications(db, batchId, accountIds, {
    ...(q.status ? { status: q.status } : {}),
    limit: window.pageSize,
    offset: window.offset,
  });
  return { total, window, items };
}

/** The batch's failed e-mails (failing or given up), for the notice on its page; within these BCs. */
export function batchFailedEmails(db: Db, batchId: number, accountIds: number[], now: Date) {
  return failedEmails(db, { batchId, accountIds }, now, { limit: 10, offset: 0 });
}
