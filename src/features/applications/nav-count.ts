import type { Knex } from 'knex';
import type { NavCountProvider } from '../../middleware/navigation';
import { countPendingApproval } from './repository';

/** The "Pending approval (N)" tab: applications waiting for approval in the actor's BCs. */
export function pendingApprovalCount(db: Knex): NavCountProvider {
  return async (accountIds) => ({ pending: await countPendingApproval(db, accountIds) });
}
