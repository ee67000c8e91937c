import type { Db } from '../../platform/db';
import { findOutboxRow, listMailbox, type OutboxRow } from '../../core/outbox/repository';

/** One page of the development mailbox, newest first, with the number of e-mails in the outbox. */
export async function mailboxPage(db: Db, page: { limit: number; offset: number }): Promise<{ rows: OutboxRow[]; total: number }> {
  return listMailbox(db, page);
}

/** One e-mail of the development mailbox; undefined when there is none with that id. */
export async function mailboxMessage(db: Db, id: number): Promise<OutboxRow | undefined> {
  return findOutboxRow(db, id);
}
