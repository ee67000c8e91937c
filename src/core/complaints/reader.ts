import type { Db } from '../../platform/db';
import { deadlineView, allowedActions, type Complaint, type DeadlineView } from './complaints';
import { complaintsOfApplication, listComplaintDocuments, type ComplaintDocument } from './repository';

/** A complaint with its documents, where it stands against its deadline and what may be done next. */
export interface ComplaintDetail {
  complaint: Complaint;
  deadline: DeadlineView;
  actions: ReturnType<typeof allowedActions>;
  documents: ComplaintDocument[];
  answerDocuments: ComplaintDocument[];
}

export async function withDetails(db: Db, complaints: Complaint[], today: string): Promise<ComplaintDetail[]> {
  const docs = await listComplaintDocuments(
    db,
    complaints.map((c) => c.id),
  );
  return complaints.map((complaint) => ({
    complaint,
    deadline: deadlineView(complaint, today),
    actions: allowedActions(complaint),
    documents: docs.filter((d) => d.complaintId === complaint.id && d.role === 'complaint'),
    answerDocuments: docs.filter((d) => d.complaintId === complaint.id && d.role === 'answer'),
  }));
}

/** The complaints about an application, newest first, as the employee's status page shows them (answers included). */
export async function applicationComplaints(db: Db, applicationId: number, today: string): Promise<ComplaintDetail[]> {
  return withDetails(db, await complaintsOfApplication(db, applicationId), today);
}
