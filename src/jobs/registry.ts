import type { Job } from './job';
import { expiryJob } from './expiry';
import { reminderJob } from './reminders';
import { purgeJob } from './housekeeping';
import { dailyDigestJob } from './daily-digest';
import { issuerStatusJob } from './issuer-status';
import { retentionJob } from './retention';
import { informationRequestReminderJob } from './information-request-reminders';
import { transmissionDeliveryJob, transmissionJob } from './transmission';
import { approvalDeadlinesJob } from './approval-deadlines';

/**
 * Every scheduled job of the app; the scheduler runs each at its slots and catches up missed ones at start.
 * Features add theirs here (e.g. the 00:30 daily digest: `{ kind: 'daily', at: '00:30' }`).
 */
export const JOBS: Job[] = [
  purgeJob,
  expiryJob,
  reminderJob,
  dailyDigestJob,
  issuerStatusJob,
  retentionJob,
  informationRequestReminderJob,
  transmissionJob,
  transmissionDeliveryJob,
  approvalDeadlinesJob,
];
