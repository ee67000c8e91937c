import type { Deps } from '../platform/deps';
import { NOT_SUBMITTED, StaleStateError, transition } from '../core/application/status';
import { expiringApplicationIds } from '../core/application/repository';
import type { Job } from './job';

/** An application never submitted within this many days of its initiation expires (SPEC §3.3). */
const EXPIRY_DAYS = 90;
const BATCH_SIZE = 200;

/**
 * Moves applications not submitted EXPIRY_DAYS after created_at to `expired`, in batches of one transaction each.
 * Selects by state, so a re-run (or a run on another instance) finds nothing left to do.
 */
export async function expireApplications(deps: Pick<Deps, 'db'>, now: Date): Promise<{ expired: number }> {
  const cutoff = new Date(now.getTime() - EXPIRY_DAYS * 86400000).toISOString();
  let expired = 0;
  let afterId = 0;
  for (;;) {
    const ids = await deps.db.transaction(async (trx) => {
      const batch = await expiringApplicationIds(trx, { cutoff, afterId, limit: BATCH_SIZE });
      for (const id of batch) {
        try {
          await transition(trx, { applicationId: id, from: NOT_SUBMITTED, to: 'expired', actor: { type: 'system' }, now });
          expired++;
        } catch (err) {
          // Submitted or cancelled meanwhile: nothing was written for it, the rest of the batch goes on.
          if (!(err instanceof StaleStateError)) throw err;
        }
      }
      return batch;
    });
    if (ids.length < BATCH_SIZE) break;
    afterId = ids[ids.length - 1] as number;
  }
  return { expired };
}

export const expiryJob: Job = {
  name: 'expire-applications',
  schedule: { kind: 'interval', minutes: 60 },
  run: (deps, now) => expireApplications(deps, now),
};
