import type { Db } from '../../platform/db';
import { formatDate, isLanguage, type Language } from '../../platform/i18n';
import type { HolidayCountry } from '../../lib/business-days';
import { localDate } from '../../lib/time-zone';
import { enqueueEmails, type EmailToQueue } from '../outbox/enqueue';
import { delegatesOf } from '../administrators/absence';
import { approvalDeadline } from './approval-deadline';
import { activeAdministratorsOf, activePlatformAdministrators, pendingApprovalsPage, type PendingApproval } from './approval-deadlines-repository';

const PAGE = 500;

/**
 * Stuck approvals (issue 16 item 3), once a day: each application pending approval past its key's deadline gets a
 * reminder to the active administrators of its BC ('approval-overdue', idempotency key per application, recipient and
 * day: a second run the same day sends nothing more); past twice the deadline, the active platform administrators are
 * told once ('approval-escalation', keyed on the application and the moment it became pending). A recipient absent
 * today (out of office) has their delegate told too.
 */
export async function queueApprovalDeadlineEmails(
  deps: { db: Db; config: { timeZone: string; holidayCountry: HolidayCountry } },
  now: Date,
): Promise<{ overdue: number; reminders: number; escalations: number }> {
  const { db, config } = deps;
  const rules = { timeZone: config.timeZone, country: config.holidayCountry };
  const today = localDate(now, config.timeZone);
  const platform = await activePlatformAdministrators(db);
  let overdue = 0;
  let reminders = 0;
  let escalations = 0;
  for (let afterId = 0; ;) {
    const page = await pendingApprovalsPage(db, afterId, PAGE);
    const late = page.map((a) => ({ a, d: approvalDeadline(a.pendingSince, a.deadlineDays, now, rules) })).filter(({ d }) => d.overdue);
    const admins = await activeAdministratorsOf(db, [...new Set(late.map(({ a }) => a.accountId))]);
    // Out of office: a recipient absent today has their delegate told too (once, in the delegate's language).
    const delegates = late.length
      ? await delegatesOf(
          db,
          [...admins, ...platform].map((x) => x.email),
          now,
          config.timeZone,
        )
      : [];
    const withDelegates = (list: Array<{ email: string; language: string }>) =>
      unique([...list, ...list.flatMap((r) => delegates.filter((d) => d.absentEmail === r.email.toLowerCase()))]);
    const emails: EmailToQueue[] = [];
    for (const { a, d } of late) {
      overdue++;
      for (const to of withDelegates(admins.filter((x) => x.accountId === a.accountId))) {
        emails.push(stuckEmail('approval-overdue', `approval-overdue:${a.id}:${to.email}:${today}`, a, to, d.dueOn, config.timeZone));
      }
      if (d.escalated) {
        for (const to of withDelegates(platform)) {
          emails.push(stuckEmail('approval-escalation', `approval-escalation:${a.id}:${a.pendingSince}:${to.email}`, a, to, d.dueOn, config.timeZone));
        }
      }
    }
    if (emails.length) {
      // enqueueEmails counts the new ones only (the others were queued by an earlier run).
      const [r, e] = await db.transaction(async (trx) => [
        await enqueueEmails(
          trx,
          emails.filter((m) => m.template === 'approval-overdue'),
          now,
        ),
        await enqueueEmails(
          trx,
          emails.filter((m) => m.template === 'approval-escalation'),
          now,
        ),
      ]);
      reminders += r ?? 0;
      escalations += e ?? 0;
    }
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  return { overdue, reminders, escalations };
}

function unique<T extends { email: string }>(list: T[]): T[] {
  const seen = new Map<string, T>();
  for (const x of list) if (!seen.has(x.email.toLowerCase())) seen.set(x.email.toLowerCase(), x);
  return [...seen.values()];
}

function stuckEmail(
  template: 'approval-overdue' | 'approval-escalation',
  idempotencyKey: string,
  a: PendingApproval,
  to: { email: string; language: string },
  dueOn: string,
  timeZone: string,
): EmailToQueue {
  const language: Language = isLanguage(to.language) ? to.language : 'fr';
  return {
    idempotencyKey,
    template,
    to: to.email,
    language,
    applicationId: a.id,
    data: {
      reference: a.reference,
      employeeName: [a.firstName, a.lastName].filter((x) => x && x.trim()).join(' '),
      companyName: a.companyName,
      keyName: a.keyName,
      pendingSince: formatDate(language, a.pendingSince, timeZone),
      deadlineDays: a.deadlineDays,
      dueOn: formatDate(language, dueOn, 'UTC'),
    },
  };
}
