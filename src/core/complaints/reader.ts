import type { Db } from '../../platform/db';
import { subjectsMessages, type ThreadMessage } from '../threads/threads';
import { deadlineView, allowedActions, type Complaint, type DeadlineView } from './complaints';
import { complaintsOfApplication } from './repository';

/**
 * A complaint with its thread: what the complainant (or the administrator who filed it) said, the answer, and every
 * message in between, each with its documents; where it stands against its deadline and what may be done next.
 */
export interface ComplaintDetail {
  complaint: Complaint;
  deadline: DeadlineView;
  actions: ReturnType<typeof allowedActions>;
  /** The thread, oldest first; the first message is the complaint itself. */
  messages: ThreadMessage[];
  /** The thread's first message: the complaint as filed. */
  statement: ThreadMessage | undefined;
  /** The message that answers the complaint, once answered. */
  answer: ThreadMessage | undefined;
}

export async function withDetails(db: Db, complaints: Complaint[], today: string): Promise<ComplaintDetail[]> {
  const threads = await subjectsMessages(
    db,
    'complaint',
    complaints.map((c) => c.id),
  );
  return complaints.map((complaint) => {
    const messages = threads.get(complaint.id) ?? [];
    return {
      complaint,
      deadline: deadlineView(complaint, today),
      actions: allowedActions(complaint),
      messages,
      statement: messages[0],
      answer: complaint.answerMessageId === null ? undefined : messages.find((m) => m.id === complaint.answerMessageId),
    };
  });
}

/** The complaints about an application, newest first, as the employee's status page shows them (answers included). */
export async function applicationComplaints(db: Db, applicationId: number, today: string): Promise<ComplaintDetail[]> {
  return withDetails(db, await complaintsOfApplication(db, applicationId), today);
}
