import type { Deps } from '../platform/deps';
import { reminderCandidates, type ReminderCandidate } from '../core/application/repository';
import { enqueueEmails, type EmailToQueue } from '../core/outbox/enqueue';
import type { Job } from './job';
import { calendarDaysSince } from '../lib/time-zone';

/** E-mail 5: first reminder on day 8 after initiation, then every 7 days (SPEC §4). */
const FIRST_REMINDER_DAY = 8;
const REMINDER_EVERY_DAYS = 7;
const PAGE_SIZE = 400;

/** The latest reminder day due `days` calendar days after initiation, or null before the first one. */
export function dueReminderDay(days: number): number | null {
  if (days < FIRST_REMINDER_DAY) return null;
  return FIRST_REMINDER_DAY + Math.floor((days - FIRST_REMINDER_DAY) / REMINDER_EVERY_DAYS) * REMINDER_EVERY_DAYS;
}

function reminderIdempotencyKey(applicationId: number, day: number): string {
  return `reminder:${applicationId}:day${day}`;
}

/**
 * Queues the reminder due today for every application not yet submitted on a key with reminders on.
 * Correct by idempotency key (`reminder:<id>:day<N>`): running hourly, daily or twice queues one e-mail per day
 * number, and after downtime only the latest due day number is sent, not every missed one.
 */
export async function queueReminders(deps: Pick<Deps, 'db' | 'config'>, now: Date): Promise<{ queued: number }> {
  const tz = deps.config.timeZone;
  // Day 8 in calendar days is always more than 6 × 24 h after initiation, whatever the time of day and DST.
  const createdBefore = new Date(now.getTime() - (FIRST_REMINDER_DAY - 2) * 86400000).toISOString();
  let queued = 0;
  let afterId = 0;
  for (;;) {
    const page = await deps.db.transaction(async (trx) => {
      const rows = await reminderCandidates(trx, { createdBefore, afterId, limit: PAGE_SIZE });
      const emails: EmailToQueue[] = [];
      for (const row of rows) {
        const days = calendarDaysSince(new Date(row.created_at), now, tz);
        const day = dueReminderDay(days);
        if (day === null) continue;
        emails.push({
          idempotencyKey: reminderIdempotencyKey(row.id, day),
          template: 'reminder',
          to: row.email,
          language: row.language,
          applicationId: row.id,
          data: { reference: row.reference, firstName: row.first_name ?? '', lastName: row.last_name ?? '', daysSinceInitiation: days },
        });
      }
      queued += await enqueueEmails(trx, emails, now);
      return rows;
    });
    if (page.length < PAGE_SIZE) break;
    afterId = (page[page.length - 1] as ReminderCandidate).id;
  }
  return { queued };
}

export const reminderJob: Job = {
  name: 'send-reminders',
  // Daily in the morning; any run later that day (catch-up, another instance) finds the e-mails already queued.
  schedule: { kind: 'daily', at: '09:00' },
  run: (deps, now) => queueReminders(deps, now),
};
