import type { Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import { insertOutboxRows } from './repository';

/** The e-mails of SPEC §4 and the other notices; each has a template folder in views/emails/<name>/. */
export const EMAIL_TEMPLATES = [
  'invitation-link', // 1: link and reference number
  'invitation-key', // 2: access key
  'additional-approval-request', // 3
  'returned', // 4
  'reminder', // 5
  'approved', // 6
  'urgent-alert', // 7
  'daily-digest', // 8
  'form-changed', // 9
  'signing-code',
  'cancelled',
  'reactivated',
  'card-issued', // the issuer issued the card (with the expected delivery)
  'card-declined', // the issuer declined the application (with its reason)
  'information-request', // requests for information (issue 14 part 3): to the employee
  'information-request-reminder',
  'information-request-answered', // to the administrator who asked
  'information-request-overdue',
  'approval-overdue', // stuck approvals (issue 16 item 3): to the administrators of the BC, daily while overdue
  'approval-escalation', // past twice the deadline: to the platform administrators, once
  'complaint-acknowledgement', // a complaint received: its reference and answer deadline
  'complaint-extension', // the deadline extended once, with the reason and the new date
  'complaint-answer', // the written answer to a complaint
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export interface EmailToQueue {
  /** Unique per logical e-mail (e.g. `invitation-link:app:42`, `reminder:app:42:day15`); a second insert is ignored. */
  idempotencyKey: string;
  template: EmailTemplate;
  to: string;
  /**
   * The recipient's language. For the employee, always the application's correspondence language (application.language,
   * chosen in the form), never the language of the page that caused the e-mail.
   */
  language: Language;
  /** The template's documented variables only. */
  data: Record<string, unknown>;
  applicationId?: number | null;
  /** When the e-mail becomes useless (the signing code's expiry): if it cannot be sent by then it is dropped (`expired`). */
  expiresAt?: Date;
}

/**
 * Queues e-mails in the caller's transaction (pass `trx`), so they exist if and only if the change that causes them
 * commits. Returns how many rows were new (duplicates by idempotency key are ignored).
 */
export async function enqueueEmails(db: Db, emails: EmailToQueue[], now: Date): Promise<number> {
  if (!emails.length) return 0;
  return insertOutboxRows(
    db,
    emails.map((e) => ({
      idempotency_key: e.idempotencyKey,
      template: e.template,
      language: e.language,
      recipient: e.to.trim().toLowerCase(),
      data: JSON.stringify(e.data),
      application_id: e.applicationId ?? null,
      expires_at: e.expiresAt?.toISOString() ?? null,
    })),
    now,
  );
}
