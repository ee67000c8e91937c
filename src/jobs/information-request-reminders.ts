import { queueInformationRequestReminders } from '../core/information-requests/information-requests';
import type { Job } from './job';

/**
 * Requests for information waiting for the employee (issue 14 part 3): a reminder every 7 days until the answer date,
 * then the administrator who asked is told it is overdue (core/information-requests). Idempotent like the reminders of
 * unsubmitted applications: a second run the same day (catch-up, another instance) queues nothing more.
 */
export const informationRequestReminderJob: Job = {
  name: 'information-request-reminders',
  schedule: { kind: 'daily', at: '09:15' },
  run: (deps, now) => queueInformationRequestReminders(deps, now),
};
