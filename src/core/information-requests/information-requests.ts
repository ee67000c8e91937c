import type { Db } from '../../platform/db';
import { formatDate, tFor, type Language } from '../../platform/i18n';
import { addDays } from '../../lib/time-zone';
import { todayIn } from '../../lib/today';
import { recordAudit } from '../audit/audit';
import { NOT_SUBMITTED, QUEUE_STATUSES, type Status } from '../application/status';
import { enqueueEmails, type EmailTemplate, type EmailToQueue } from '../outbox/enqueue';
import {
  administratorContact,
  applicationIdsWithOpenRequest,
  openRequestsPage,
  requestsOfApplication,
  updateRequest,
  type InformationRequestRecord,
} from './information-requests-repository';

export {
  administratorContact,
  countRequestsOfApplication,
  findRequest,
  insertRequest,
  updateRequest,
  type InformationRequestRecord,
  type InformationRequestStatus,
} from './information-requests-repository';

/**
 * Requests for information (issue 14 part 3, seed 003): an administrator asks the employee for more information about an
 * application — a message, the documents wanted, an answer date. The employee answers through Sésame (message and
 * documents, in the request's thread: core/threads), never by e-mail. Status: open (waiting for the employee) →
 * answered (waiting for the administrator) → closed; "ask again" puts it back to open with a new message in the same
 * thread. An application with a request not closed cannot be approved.
 */

/** The documents an administrator may ask for: the form's kinds and a payslip. */
export const REQUESTED_DOCUMENTS = ['identity', 'proof_of_address', 'payslip', 'other'] as const;
export type RequestedDocument = (typeof REQUESTED_DOCUMENTS)[number];

/** An application may get a request while the employee can still act on it: before approval. */
const REQUESTABLE: Status[] = [...NOT_SUBMITTED, ...QUEUE_STATUSES];

export function canRequestInformation(status: Status): boolean {
  return REQUESTABLE.includes(status);
}

/** The answer date is at most this many days after today. */
export const ANSWER_WITHIN_DAYS = 60;

/** A reminder every this many calendar days after the request was sent, while it waits and the answer date has not passed. */
export const REMINDER_EVERY_DAYS = 7;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why an answer date is refused (a translation key), or null: a real day, after today, at most 60 days ahead. */
export function answerDateProblem(value: string, now: Date, timeZone: string): string | null {
  const E = 'information-requests:fields.answerBy.errors';
  if (!value) return `${E}.required`;
  if (!DATE.test(value)) return `${E}.format`;
  const d = new Date(`${value}T12:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return `${E}.format`;
  const today = todayIn(timeZone, now);
  if (value <= today) return `${E}.past`;
  if (value > addDays(today, ANSWER_WITHIN_DAYS)) return `${E}.tooFar`;
  return null;
}

/** The reference of an application's n-th request: `<application reference>-DI<n>` (demande d'information). */
export function requestReference(applicationReference: string, n: number): string {
  return `${applicationReference}-DI${n}`;
}

/** Whether the application has a request not closed (it then cannot be approved). */
export async function hasOpenInformationRequest(db: Db, applicationId: number): Promise<boolean> {
  return (await applicationIdsWithOpenRequest(db, [applicationId])).length > 0;
}

/** Of these applications, those with a request not closed (the approval queue's flag). */
export async function applicationsWithOpenRequest(db: Db, applicationIds: number[]): Promise<Set<number>> {
  return new Set(await applicationIdsWithOpenRequest(db, applicationIds));
}

/** The application's requests, newest first. */
export async function informationRequestsOf(db: Db, applicationId: number): Promise<InformationRequestRecord[]> {
  return requestsOfApplication(db, applicationId);
}

/** The documents wanted, as a list in the recipient's language (the e-mails' `documentsList`; "none" when none). */
export function documentsList(documents: string[], language: Language): string {
  const t = tFor(language);
  if (!documents.length) return `- ${t('information-requests:show.noDocuments')}`;
  return documents.map((d) => `- ${t(`information-requests:documents.${d}`)}`).join('\n');
}

interface EmployeeOfRequest {
  email: string;
  language: Language;
  firstName: string | null;
  lastName: string | null;
  applicationReference: string;
}

/** An e-mail to the employee about a request (the request and the reminders): to them, naming both references and the answer date. */
function emailToEmployee(
  request: Pick<InformationRequestRecord, 'reference' | 'applicationId' | 'answerBy'>,
  employee: EmployeeOfRequest,
  email: { idempotencyKey: string; template: EmailTemplate; timeZone: string; data?: Record<string, unknown> },
): EmailToQueue {
  return {
    idempotencyKey: email.idempotencyKey,
    template: email.template,
    to: employee.email,
    language: employee.language,
    applicationId: request.applicationId,
    data: {
      reference: employee.applicationReference,
      requestReference: request.reference,
      firstName: employee.firstName ?? '',
      lastName: employee.lastName ?? '',
      ...email.data,
      answerBy: formatDate(employee.language, request.answerBy, email.timeZone),
    },
  };
}

/** The e-mail to the employee: the request's reference, the message, the documents wanted, the answer date, the link. */
export function informationRequestEmail(
  request: Pick<InformationRequestRecord, 'id' | 'reference' | 'applicationId' | 'documents' | 'answerBy'>,
  employee: EmployeeOfRequest,
  input: { messageId: number; message: string; timeZone: string },
): EmailToQueue {
  return emailToEmployee(request, employee, {
    idempotencyKey: `information-request:${request.id}:${input.messageId}`,
    template: 'information-request',
    timeZone: input.timeZone,
    data: { message: input.message, documentsList: documentsList(request.documents, employee.language) },
  });
}

/** The e-mail to the administrator who asked: the employee answered. */
export function informationRequestAnsweredEmail(
  request: Pick<InformationRequestRecord, 'id' | 'reference' | 'applicationId'>,
  to: { email: string; language: Language },
  input: { messageId: number; applicationReference: string; employeeName: string; documentCount: number },
): EmailToQueue {
  return {
    idempotencyKey: `information-request-answered:${request.id}:${input.messageId}`,
    template: 'information-request-answered',
    to: to.email,
    language: to.language,
    applicationId: request.applicationId,
    data: {
      requestId: request.id,
      reference: input.applicationReference,
      requestReference: request.reference,
      employeeName: input.employeeName,
      documentCount: input.documentCount,
    },
  };
}

const REMINDER_PAGE = 400;

/**
 * The daily run for requests waiting for the employee: a reminder every 7 days after the request was (last) sent while
 * its answer date has not passed (idempotency key per request, sending and day: running twice queues one); once the
 * answer date has passed, the administrator who asked is told it is overdue, once per answer date (audited).
 */
export async function queueInformationRequestReminders(
  deps: { db: Db; config: { timeZone: string } },
  now: Date,
): Promise<{ reminders: number; overdue: number }> {
  const tz = deps.config.timeZone;
  const today = todayIn(tz, now);
  let reminders = 0;
  let overdue = 0;
  let afterId = 0;
  for (;;) {
    const page = await deps.db.transaction(async (trx) => {
      const rows = await openRequestsPage(trx, afterId, REMINDER_PAGE);
      const emails: EmailToQueue[] = [];
      const notices: EmailToQueue[] = [];
      for (const r of rows) {
        const askedOn = todayIn(tz, new Date(r.askedAt));
        const days = Math.round((Date.parse(`${today}T12:00:00Z`) - Date.parse(`${askedOn}T12:00:00Z`)) / 86400000);
        if (today <= r.answerBy) {
          if (days < REMINDER_EVERY_DAYS) continue;
          const day = Math.floor(days / REMINDER_EVERY_DAYS) * REMINDER_EVERY_DAYS;
          emails.push(
            emailToEmployee(r, r, {
              idempotencyKey: `information-request-reminder:${r.id}:${r.askedAt}:day${day}`,
              template: 'information-request-reminder',
              timeZone: tz,
            }),
          );
        } else if (r.overdueNotifiedFor !== r.answerBy) {
          const to = r.requesterActive ? { email: r.requesterEmail, language: r.requesterLanguage } : undefined;
          if (to) {
            notices.push({
              idempotencyKey: `information-request-overdue:${r.id}:${r.answerBy}`,
              template: 'information-request-overdue',
              to: to.email,
              language: to.language,
              applicationId: r.applicationId,
              data: {
                requestId: r.id,
                reference: r.applicationReference,
                requestReference: r.reference,
                employeeName: [r.firstName, r.lastName].filter(Boolean).join(' '),
                answerBy: formatDate(to.language, r.answerBy, tz),
              },
            });
          }
          await updateRequest(trx, r.id, { overdueNotifiedFor: r.answerBy }, now.toISOString());
          await recordAudit(trx, {
            actor: { type: 'system' },
            at: now,
            action: 'information_request.overdue',
            applicationId: r.applicationId,
            object: { type: 'information_request', id: r.id },
            details: { answerBy: r.answerBy, notified: Boolean(to) },
          });
          overdue++;
        }
      }
      reminders += await enqueueEmails(trx, emails, now);
      await enqueueEmails(trx, notices, now);
      return rows;
    });
    if (page.length < REMINDER_PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  return { reminders, overdue };
}

/** The requester's contact, when still an active administrator. */
export async function requesterContact(db: Db, administratorId: number): Promise<{ email: string; language: Language } | undefined> {
  const c = await administratorContact(db, administratorId);
  return c && c.active ? { email: c.email, language: c.language } : undefined;
}
