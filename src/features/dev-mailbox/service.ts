import type { Db } from '../../platform/db';
import { findOutboxRow, listMailbox, wipeOutboxSecret, type OutboxRow } from '../../core/outbox/repository';
import { attemptOfSigningCodeEmail, openCode } from '../../core/application/signatures-repository';

/** One page of the development mailbox, newest first, with the number of e-mails in the outbox. */
export async function mailboxPage(db: Db, page: { limit: number; offset: number }): Promise<{ rows: OutboxRow[]; total: number }> {
  return listMailbox(db, page);
}

/**
 * Whether a signing-code e-mail carries a code that can no longer sign: used, replaced by a newer code, or expired.
 * The development mailbox must show a code while it is usable (there is no other inbox), and not after (SECURITY.md:
 * the code is not kept in clear once it is spent).
 */
async function isSpentCode(db: Db, row: OutboxRow, now: Date): Promise<boolean> {
  const attemptId = attemptOfSigningCodeEmail(row.idempotency_key);
  if (row.template !== 'signing-code' || attemptId === undefined || row.application_id === null) return false;
  const open = await openCode(db, row.application_id);
  return !open || open.id !== attemptId || Date.parse(open.expiresAt) <= now.getTime();
}

/**
 * One e-mail of the development mailbox; undefined when there is none with that id. A spent signing code is dropped:
 * its body is wiped from the outbox and the page says why.
 */
export async function mailboxMessage(db: Db, id: number, now: Date): Promise<(OutboxRow & { codeSpent: boolean }) | undefined> {
  const row = await findOutboxRow(db, id);
  if (!row) return undefined;
  if (!(await isSpentCode(db, row, now))) return { ...row, codeSpent: false };
  await wipeOutboxSecret(db, row.id);
  return { ...row, data: '{}', html: null, text: null, codeSpent: true };
}
