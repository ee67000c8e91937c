import { joinedApplications } from './repository';
import type { Db } from '../../platform/db';

/**
 * The daily digest's reads (e-mail 8): the applications pending approval, grouped, and the few rows those groups need
 * (keys, administrators, their BCs and languages). The grouping passes read only application_digest_idx.
 */
const PENDING = 'pending_approval';

/** How many applications are pending per key, origin, initiator and priority. */
interface PendingGroupCount {
  access_key_id: number;
  origin: string;
  initiated_by: number | null;
  priority: string;
  n: number | string;
}

/** A pending application as the digest lists it. */
export interface PendingApplicationDetail {
  id: number;
  reference: string;
  first_name: string | null;
  last_name: string | null;
  priority: string;
  pending_since: string;
  access_key_id: number;
  origin: string;
  initiated_by: number | null;
  company_name: string;
  key_name: string;
  /** The key's approval deadline in business days (issue 16 item 3: overdue applications are listed first). */
  approval_deadline_days: number;
}

/** What the digest needs of a key: its creator, its BC and its notification recipients (JSON). */
export interface DigestKey {
  id: number;
  created_by: number;
  account_id: number;
  notification_recipients: string | null;
}

/** The pending applications counted per key, origin, initiator and priority. */
export async function pendingCountsByGroup(db: Db): Promise<PendingGroupCount[]> {
  return db('application')
    .where('status', PENDING)
    .groupBy('access_key_id', 'origin', 'initiated_by', 'priority')
    .select('access_key_id', 'origin', 'initiated_by', 'priority')
    .count({ n: '*' });
}

/** These keys (ids), as the digest needs them. */
export async function digestKeys(db: Db, ids: number[]): Promise<DigestKey[]> {
  return db('access_key').whereIn('id', ids).select('id', 'created_by', 'account_id', 'notification_recipients') as Promise<DigestKey[]>;
}

/** The ids of the oldest `perGroup` pending applications of each (key, origin, initiator), by submission then id. */
export async function oldestPendingIds(db: Db, perGroup: number): Promise<number[]> {
  const ranked = db('application')
    .where('status', PENDING)
    .select('id', db.raw('ROW_NUMBER() OVER (PARTITION BY access_key_id, origin, initiated_by ORDER BY submitted_at, id) AS rn'))
    .as('ranked');
  return (await db.from(ranked).where('rn', '<=', perGroup).select('id')).map((r: { id: number }) => Number(r.id));
}

/** These pending applications (ids) with their BC's name, their key's name and since when they are pending. */
export async function pendingApplicationDetails(db: Db, ids: number[]): Promise<PendingApplicationDetail[]> {
  return joinedApplications(db)
    .whereIn('ap.id', ids)
    .select(
      'ap.id',
      'ap.reference',
      'ap.first_name',
      'ap.last_name',
      'ap.priority',
      db.raw('COALESCE(ap.submitted_at, ap.status_changed_at) AS pending_since'),
      'ap.access_key_id',
      'ap.origin',
      'ap.initiated_by',
      'a.company_name',
      'k.name as key_name',
      'k.approval_deadline_days',
    ) as Promise<PendingApplicationDetail[]>;
}

/** These administrators (ids): e-mail, role and whether active. */
export async function digestAdministrators(db: Db, ids: number[]): Promise<Array<{ id: number; email: string; role: string; active: boolean | number }>> {
  return db('administrator').whereIn('id', ids).select('id', 'email', 'role', 'active');
}

/** The BCs these administrators (ids) are in charge of, one row per administrator and BC. */
export async function administratorAccountPairs(db: Db, administratorIds: number[]): Promise<Array<{ administrator_id: number; account_id: number }>> {
  return db('administrator_account').whereIn('administrator_id', administratorIds).select('administrator_id', 'account_id');
}

/** The administrators among these e-mail addresses, with their language. */
export async function administratorLanguages(db: Db, emails: string[]): Promise<Array<{ email: string; language: string }>> {
  return db('administrator').whereIn('email', emails).select('email', 'language');
}
