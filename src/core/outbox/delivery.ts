import { counted } from '../../lib/counted';
import type { Db } from '../../platform/db';
import { recordAudit, type AuditContext } from '../audit/audit';
import {
  countByState,
  countFailures,
  failuresFor,
  listFailuresCounted,
  oldestWaitingQueuedAt,
  requeueFailures,
  sentSince,
  waitingAfterFailure,
  type FailedEmailRow,
  type FailureScope,
  type OutboxState,
} from './delivery-repository';

export { OUTBOX_STATES, type OutboxState, type FailureScope } from './delivery-repository';

/*
 * E-mail delivery as people and monitoring see it (issue 12, item 3): the platform administrator's E-mail delivery
 * page (counts by state, failing and dead e-mails of every kind, resend), the notices of failed e-mails on an
 * administrator's application and batch pages, /readyz (degraded) and /metrics.
 */

/** How long mail must have been failing before /readyz says `degraded`. */
export const MAIL_FAILING_MS = 15 * 60_000;

/** Why a failed e-mail cannot be sent again: a signing code is useless once expired; a secret, once erased, is gone. */
export type NotResendable = 'signing-code' | 'expired' | 'erased';

export interface FailedEmail extends FailedEmailRow {
  /** null: may be resent; otherwise why not. */
  notResendable: NotResendable | null;
  /** The template in camelCase (its name's translation key, `tracking:application.emails.templates.<key>`). */
  templateKey: string;
}

const camel = (code: string) => code.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());

function whyNotResendable(row: FailedEmailRow, now: Date): NotResendable | null {
  // The signing code expires within minutes and the employee asks for a new one on the signature page.
  if (row.template === 'signing-code') return 'signing-code';
  if (row.expiresAt && row.expiresAt <= now.toISOString()) return 'expired';
  // Rows that carried a secret (an approval link) have it wiped once finished: nothing left to send.
  if (row.dataErased) return 'erased';
  return null;
}

const withRule =
  (now: Date) =>
  (row: FailedEmailRow): FailedEmail => ({ ...row, notResendable: whyNotResendable(row, now), templateKey: camel(row.template) });

export interface DeliveryOverview {
  counts: Record<OutboxState, number>;
  /** Age in ms of the oldest e-mail still waiting (pending or being sent), null when none waits. */
  oldestWaitingMs: number | null;
  oldestWaitingQueuedAt: string | null;
}

export async function deliveryOverview(db: Db, now: Date): Promise<DeliveryOverview> {
  const [counts, oldest] = await Promise.all([countByState(db), oldestWaitingQueuedAt(db)]);
  return { counts, oldestWaitingQueuedAt: oldest, oldestWaitingMs: oldest ? Math.max(0, now.getTime() - Date.parse(oldest)) : null };
}

/** A page of the scope's failed e-mails (newest first) and their total. */
export async function failedEmails(
  db: Db,
  scope: FailureScope,
  now: Date,
  page: { limit: number; offset: number } = { limit: 20, offset: 0 },
): Promise<{ total: number; items: FailedEmail[] }> {
  const { rows, total } = await listFailuresCounted(db, scope, page);
  // An empty page: none at all on the first page, else past the end (counted).
  return { total: total ?? (page.offset > 0 ? await countFailures(db, scope) : 0), items: rows.map(withRule(now)) };
}

export async function countFailedEmails(db: Db, scope: FailureScope): Promise<number> {
  return countFailures(db, scope);
}

export type ResendOutcome = { resent: true } | { resent: false; reason: NotResendable | 'not-failing' };

/** Queues one failed e-mail again, audited (`outbox.resend`). */
export async function resendFailedEmail(db: Db, id: number, now: Date, audit: AuditContext): Promise<ResendOutcome> {
  return db.transaction(async (trx) => {
    const [row] = await failuresFor(trx, id);
    if (!row) return { resent: false, reason: 'not-failing' };
    const why = whyNotResendable(row, now);
    if (why) return { resent: false, reason: why };
    if ((await requeueFailures(trx, [row.id], now)) !== 1) return { resent: false, reason: 'not-failing' };
    await recordAudit(trx, {
      ...audit,
      at: now,
      action: 'outbox.resend',
      applicationId: row.applicationId,
      object: { type: 'outbox', id: row.id },
      details: { template: row.template, previousStatus: row.status, attempts: row.attempts, lastError: row.lastError },
    });
    return { resent: true };
  });
}

/** Queues again every failed e-mail that may be (signing codes and erased secrets stay as they are), audited once. */
export async function resendAllFailedEmails(db: Db, now: Date, audit: AuditContext): Promise<{ resent: number; skipped: number }> {
  return db.transaction(async (trx) => {
    const rows = (await failuresFor(trx)).map(withRule(now));
    const ids = rows.filter((r) => !r.notResendable).map((r) => r.id);
    const resent = ids.length ? await requeueFailures(trx, ids, now) : 0;
    if (resent) {
      await recordAudit(trx, {
        ...audit,
        at: now,
        action: 'outbox.resend_all',
        object: null,
        details: { count: resent, ids: ids.slice(0, 1000) },
      });
    }
    return { resent, skipped: rows.length - ids.length };
  });
}

export type MailHealth = { ok: true } | { ok: false; reason: string; failing: number; failingSince: string };

/**
 * Mail is failing — /readyz `degraded` — when both hold at `now`:
 * - some e-mail queued more than 15 minutes ago (MAIL_FAILING_MS) is waiting again after a failed attempt (pending,
 *   attempts > 0, a last error), so delivery has been failing for at least that long; and
 * - no e-mail was delivered (status sent) in the last 15 minutes, so it is not one bad message among good ones.
 * A refused recipient (dead at once) or an expired code does not make the instance degraded: they are shown on the
 * E-mail delivery page.
 */
export async function mailHealth(db: Db, now: Date): Promise<MailHealth> {
  const since = new Date(now.getTime() - MAIL_FAILING_MS);
  const waiting = await waitingAfterFailure(db);
  if (!waiting.oldestQueuedAt || waiting.oldestQueuedAt > since.toISOString()) return { ok: true };
  if (await sentSince(db, since)) return { ok: true };
  return {
    ok: false,
    reason: `e-mail delivery failing for more than ${MAIL_FAILING_MS / 60_000} minutes: ${counted(waiting.count, 'e-mail', 'e-mails')} waiting after failed attempts, none delivered since ${since.toISOString()}`,
    failing: waiting.count,
    failingSince: waiting.oldestQueuedAt,
  };
}
