import type { Db } from '../../platform/db';
import type { Status } from '../../core/application/status';
import type { Priority } from '../../core/application/create';

/** The application's status and priority, as the approver's decision needs them; undefined when there is none. */
export async function applicationStatusAndPriority(db: Db, applicationId: number): Promise<{ status: Status; priority: Priority } | undefined> {
  return db('application').where({ id: applicationId }).first('status', 'priority');
}
