import { joinedApplications } from '../../core/application/repository';
import type { Db } from '../../platform/db';
import type { Status } from '../../core/application/status';

/** What the status page shows of the application, its BC and its key; undefined when there is no such application. */
export async function statusPageApplication(
  db: Db,
  applicationId: number,
): Promise<
  | {
      id: number;
      reference: string;
      status: Status;
      priority: string;
      company_name: string;
      additional_approver_required: boolean | number;
      card_last4: string | null;
      personal_data_erased_at: string | null;
    }
  | undefined
> {
  return joinedApplications(db)
    .where('ap.id', applicationId)
    .first(
      'ap.id',
      'ap.reference',
      'ap.status',
      'ap.priority',
      'a.company_name',
      'k.additional_approver_required',
      'ap.card_last4',
      'ap.personal_data_erased_at',
    );
}

/** The application's status history, oldest first, with the comments and whether each is addressed to the employee. */
export async function statusHistoryRows(
  db: Db,
  applicationId: number,
): Promise<Array<{ at: string; from_status: Status | null; to_status: Status; comment: string | null; comment_for_employee: boolean | number }>> {
  return db('application_status_history')
    .where({ application_id: applicationId })
    .orderBy([
      { column: 'at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .select('at', 'from_status', 'to_status', 'comment', 'comment_for_employee');
}
