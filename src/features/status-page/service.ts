import type { Db } from '../../platform/db';
import { NOT_SUBMITTED, type Status } from '../../core/application/status';
import { listSignatures } from '../../core/application/signatures-repository';
import { statusHistoryRows, statusPageApplication } from './repository';
import { informationRequestsOf } from '../../core/information-requests/information-requests';
import { localDate } from '../../lib/time-zone';
import { applicationComplaints, type ComplaintDetail } from '../../core/complaints/reader';

/**
 * The employee's status page (SPEC §3.7): the application's timeline until the card is delivered, with the comments
 * addressed to the employee (returns and cancellations: application_status_history.comment_for_employee), the signed
 * PDFs, and what happens next. Never the administrators' names or internal comments.
 */
interface TimelineEntry {
  at: string;
  status: Status;
  /** A comment addressed to the employee, else null. */
  comment: string | null;
}

interface StatusPage {
  application: {
    id: number;
    reference: string;
    status: Status;
    priority: string;
    companyName: string;
    /** The card's last four digits, once the issuer reported them. */
    cardLast4: string | null;
    /** When the retention purge erased the application's personal data (null until then). */
    personalDataErasedAt: string | null;
  };
  timeline: TimelineEntry[];
  /** The steps still to come on the way to the card, in order. */
  upcoming: Status[];
  signatures: Array<{ version: number; signedAt: string }>;
  editable: boolean;
  /** Requests for information not closed (issue 14 part 3), newest first: shown first, prominently. */
  informationRequests: Array<{ id: number; reference: string; status: 'open' | 'answered'; answerBy: string; documents: string[] }>;
}

const AFTER_SIGNING: Status[] = ['pending_approval', 'approved', 'transmitted', 'card_issued', 'card_delivered'];

/** The steps after `status` on the way to the card (none once finished or abandoned). */
export function upcomingSteps(status: Status, additionalApproval: boolean): Status[] {
  const path: Status[] = [...(additionalApproval ? (['awaiting_additional_approval'] as Status[]) : []), ...AFTER_SIGNING];
  if (NOT_SUBMITTED.includes(status)) return path;
  const i = path.indexOf(status);
  return i >= 0 ? path.slice(i + 1) : [];
}

export async function statusPage(db: Db, applicationId: number): Promise<StatusPage | undefined> {
  const app = await statusPageApplication(db, applicationId);
  if (!app) return undefined;
  const rows = await statusHistoryRows(db, applicationId);
  const timeline: TimelineEntry[] = rows
    .map((r) => ({
      at: r.at as string,
      status: r.to_status as Status,
      comment: r.comment_for_employee && r.comment ? String(r.comment) : null,
      changed: r.from_status !== r.to_status,
    }))
    .filter((r) => r.changed || r.comment)
    .map(({ at, status, comment }) => ({ at, status, comment }));
  const signatures = (await listSignatures(db, applicationId)).map((s) => ({ version: s.version, signedAt: s.signedAt }));
  const status = app.status as Status;
  return {
    application: {
      id: Number(app.id),
      reference: app.reference,
      status,
      priority: app.priority,
      companyName: app.company_name,
      cardLast4: app.card_last4 ?? null,
      personalDataErasedAt: app.personal_data_erased_at ?? null,
    },
    timeline,
    upcoming: upcomingSteps(status, Boolean(app.additional_approver_required)),
    signatures,
    editable: NOT_SUBMITTED.includes(status),
    informationRequests: (await informationRequestsOf(db, applicationId)).flatMap((r) =>
      r.status === 'closed' ? [] : [{ id: r.id, reference: r.reference, status: r.status, answerBy: r.answerBy, documents: r.documents }],
    ),
  };
}

/** The complaints about the application (issue 14), newest first, with their deadline and answer. */
export async function statusComplaints(db: Db, applicationId: number, now: Date, timeZone: string): Promise<ComplaintDetail[]> {
  return applicationComplaints(db, applicationId, localDate(now, timeZone));
}
