import { queueApprovalDeadlineEmails } from '../core/application/approval-deadlines';
import type { Job } from './job';

/**
 * Stuck approvals (issue 16 item 3): every day, a reminder to the administrators of the BC of each application pending
 * approval past its key's deadline, and the platform administrators told once past twice the deadline
 * (core/application/approval-deadlines). Idempotent: a second run the same day queues nothing more.
 */
export const approvalDeadlinesJob: Job = {
  name: 'approval-deadlines',
  schedule: { kind: 'daily', at: '08:30' },
  run: (deps, now) => queueApprovalDeadlineEmails(deps, now),
};
