import { joinedApplications } from './repository';
import type { Db } from '../../platform/db';

/** The reads of the stuck-approvals job (issue 16 item 3): pending applications with their key's deadline, and whom to tell. */

export interface PendingApproval {
  id: number;
  reference: string;
  firstName: string | null;
  lastName: string | null;
  /** COALESCE(submitted_at, status_changed_at): since when it waits for approval. */
  pendingSince: string;
  accountId: number;
  companyName: string;
  keyName: string;
  deadlineDays: number;
}

/** One page of the applications pending approval, by id (keyset: after `afterId`). */
export async function pendingApprovalsPage(db: Db, afterId: number, limit: number): Promise<PendingApproval[]> {
  const rows: Array<Record<string, unknown>> = await joinedApplications(db)
    .where('ap.status', 'pending_approval')
    .where('ap.id', '>', afterId)
    .orderBy('ap.id')
    .limit(limit)
    .select(
      'ap.id',
      'ap.reference',
      'ap.first_name',
      'ap.last_name',
      db.raw('COALESCE(ap.submitted_at, ap.status_changed_at) AS pending_since'),
      'ap.account_id',
      'a.company_name',
      'k.name as key_name',
      'k.approval_deadline_days',
    );
  return rows.map((r) => ({
    id: Number(r.id),
    reference: String(r.reference),
    firstName: (r.first_name as string | null) ?? null,
    lastName: (r.last_name as string | null) ?? null,
    pendingSince: String(r.pending_since),
    accountId: Number(r.account_id),
    companyName: String(r.company_name),
    keyName: String(r.key_name),
    deadlineDays: Number(r.approval_deadline_days),
  }));
}

export interface AdministratorContact {
  email: string;
  language: string;
}

/** The active administrators in charge of these BCs, per BC. */
export async function activeAdministratorsOf(db: Db, accountIds: number[]): Promise<Array<AdministratorContact & { accountId: number }>> {
  if (!accountIds.length) return [];
  const rows: Array<{ account_id: number; email: string; language: string }> = await db('administrator_account as aa')
    .join('administrator as ad', 'ad.id', 'aa.administrator_id')
    .whereIn('aa.account_id', accountIds)
    .where('ad.active', true)
    .select('aa.account_id', 'ad.email', 'ad.language');
  return rows.map((r) => ({ accountId: Number(r.account_id), email: r.email, language: r.language }));
}

/** The active platform administrators. */
export async function activePlatformAdministrators(db: Db): Promise<AdministratorContact[]> {
  return db('administrator').where({ role: 'platform', active: true }).orderBy('id').select('email', 'language');
}
