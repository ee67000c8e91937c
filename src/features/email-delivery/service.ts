import type { Db } from '../../platform/db';
import { paginate, type ListQuery } from '../../lib/list-query';
import type { AuditContext } from '../../core/audit/audit';
import {
  countFailedEmails,
  deliveryOverview,
  failedEmails,
  resendAllFailedEmails,
  resendFailedEmail,
  OUTBOX_STATES,
  type DeliveryOverview,
  type FailedEmail,
  type ResendOutcome,
} from '../../core/outbox/delivery';

/** An age for people: minutes under two hours, hours under two days, then days. */
export function ageOf(ms: number): { unit: 'minutes' | 'hours' | 'days'; count: number } {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 120) return { unit: 'minutes', count: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { unit: 'hours', count: hours };
  return { unit: 'days', count: Math.floor(hours / 24) };
}

export interface DeliveryPage {
  overview: DeliveryOverview;
  states: Array<{ state: string; count: number }>;
  oldestAge: ReturnType<typeof ageOf> | null;
  total: number;
  items: FailedEmail[];
}

/** The E-mail delivery page: counts by state, the oldest waiting e-mail's age, a page of failing and dead e-mails. */
export async function deliveryPage(db: Db, now: Date, listQuery: Pick<ListQuery, 'page' | 'pageSize'>): Promise<DeliveryPage> {
  const [overview, total] = await Promise.all([deliveryOverview(db, now), countFailedEmails(db, { all: true })]);
  const window = paginate(listQuery, total);
  const { items } = await failedEmails(db, { all: true }, now, { limit: window.pageSize, offset: window.offset });
  return {
    overview,
    states: OUTBOX_STATES.map((state) => ({ state, count: overview.counts[state] })),
    oldestAge: overview.oldestWaitingMs === null ? null : ageOf(overview.oldestWaitingMs),
    total,
    items,
  };
}

export function resendOne(db: Db, id: number, now: Date, audit: AuditContext): Promise<ResendOutcome> {
  return resendFailedEmail(db, id, now, audit);
}

export function resendAll(db: Db, now: Date, audit: AuditContext): Promise<{ resent: number; skipped: number }> {
  return resendAllFailedEmails(db, now, audit);
}
