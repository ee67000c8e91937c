import type { Knex } from 'knex';
import type { Db } from '../../platform/db';

export interface DelegationRow {
  accountId: number;
  absentId: number;
  absentName: string;
}

export interface AbsenceRow {
  administratorId: number;
  delegateId: number;
  delegateName: string;
  startsOn: string;
  endsOn: string;
}

/** Absences (`ab`) under way on `today` (first and last day included). */
function currentOn(today: string) {
  return (q: Knex.QueryBuilder) => q.where('ab.starts_on', '<=', today).where('ab.ends_on', '>=', today);
}

/** The BCs of the active administrators absent today who delegated to this administrator (an active one). */
export async function activeDelegationsTo(db: Db, delegateId: number, today: string): Promise<DelegationRow[]> {
  const rows: Array<{ account_id: number; absent_id: number; absent_name: string }> = await db('administrator_absence as ab')
    .join('administrator as ad', 'ad.id', 'ab.administrator_id')
    .join('administrator_account as aa', 'aa.administrator_id', 'ab.administrator_id')
    .where('ab.delegate_id', delegateId)
    .where(currentOn(today))
    .where('ad.active', true)
    .orderBy(['aa.account_id', 'ab.administrator_id'])
    .select('aa.account_id', 'ab.administrator_id as absent_id', 'ad.display_name as absent_name');
  return rows.map((r) => ({ accountId: Number(r.account_id), absentId: Number(r.absent_id), absentName: r.absent_name }));
}

/** The delegates (active) of the administrators with these e-mails who are absent today: who to copy on their e-mails. */
export async function delegatesOfAbsent(db: Db, emails: string[], today: string): Promise<Array<{ absentEmail: string; email: string; language: string }>> {
  if (!emails.length) return [];
  const rows: Array<{ absent_email: string; email: string; language: string }> = await db('administrator_absence as ab')
    .join('administrator as a', 'a.id', 'ab.administrator_id')
    .join('administrator as d', 'd.id', 'ab.delegate_id')
    .whereIn('a.email', emails)
    .where(currentOn(today))
    .where('d.active', true)
    .select('a.email as absent_email', 'd.email', 'd.language');
  return rows.map((r) => ({ absentEmail: String(r.absent_email).toLowerCase(), email: String(r.email).toLowerCase(), language: r.language }));
}

export async function findAbsence(db: Db, administratorId: number): Promise<AbsenceRow | undefined> {
  const r = await db('administrator_absence as ab')
    .join('administrator as d', 'd.id', 'ab.delegate_id')
    .where('ab.administrator_id', administratorId)
    .first('ab.administrator_id', 'ab.delegate_id', 'd.display_name as delegate_name', 'ab.starts_on', 'ab.ends_on');
  return r
    ? {
        administratorId: Number(r.administrator_id),
        delegateId: Number(r.delegate_id),
        delegateName: r.delegate_name,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
      }
    : undefined;
}

/** One absence at a time: replaces any earlier one of this administrator. */
export async function saveAbsence(db: Db, input: { administratorId: number; delegateId: number; startsOn: string; endsOn: string; now: Date }): Promise<void> {
  await db('administrator_absence').where({ administrator_id: input.administratorId }).delete();
  await db('administrator_absence').insert({
    administrator_id: input.administratorId,
    delegate_id: input.delegateId,
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    created_at: input.now.toISOString(),
  });
}

export async function deleteAbsence(db: Db, administratorId: number): Promise<number> {
  return db('administrator_absence').where({ administrator_id: administratorId }).delete();
}

/** The active administrators (not platform, not this one) who share at least one BC with this administrator. */
export async function possibleDelegates(db: Db, administratorId: number): Promise<Array<{ id: number; displayName: string; email: string }>> {
  const rows: Array<{ id: number; display_name: string; email: string }> = await db('administrator as ad')
    .where('ad.active', true)
    .whereNot('ad.id', administratorId)
    .whereExists(function shared() {
      this.select(db.raw('1'))
        .from('administrator_account as mine')
        .join('administrator_account as theirs', 'theirs.account_id', 'mine.account_id')
        .where('mine.administrator_id', administratorId)
        .whereRaw('theirs.administrator_id = ad.id');
    })
    .orderBy(['ad.display_name', 'ad.email'])
    .select('ad.id', 'ad.display_name', 'ad.email');
  return rows.map((r) => ({ id: Number(r.id), displayName: r.display_name, email: r.email }));
}
