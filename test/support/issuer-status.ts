import type { Db } from '../../src/platform/db';
import type { NewApplication } from '../../src/core/application/create';
import { transition, type Status } from '../../src/core/application/status';
import { givenApplication, type Key } from './builders';

/**
 * An application sent to the issuer (until the transmission branch lands, made here: created, forced to `approved`,
 * then moved to `transmitted` through the real `transition`, with its history row), optionally moved on further.
 */
export async function givenTransmitted(
  db: Db,
  key: Key,
  overrides: Partial<NewApplication> & { then?: Status[]; at?: Date } = {},
): Promise<{ id: number; reference: string }> {
  const { then = [], at = new Date('2026-11-24T09:00:00Z'), ...rest } = overrides;
  const created = await givenApplication(db, key, { ...rest, status: 'approved' });
  let from: Status = 'approved';
  for (const to of ['transmitted' as Status, ...then]) {
    await db.transaction((trx) => transition(trx, { applicationId: created.id, from: [from], to, actor: { type: 'system' }, now: at }));
    from = to;
  }
  return created;
}

/** A status file as the issuer writes it: the header, then `reference;status;date;reason;card_last4` lines. */
export function statusFile(lines: string[], opts: { separator?: string; header?: string } = {}): Buffer {
  const sep = opts.separator ?? ';';
  const header = opts.header ?? ['reference', 'status', 'date', 'reason', 'card_last4'].join(sep);
  return Buffer.from([header, ...lines].join('\n') + '\n', 'utf8');
}
