import type { Db } from '../../platform/db';

/** Which of these ids are BCs (accounts) that exist. */
export async function existingAccountIds(db: Db, ids: number[]): Promise<number[]> {
  return (await db('account').whereIn('id', ids).select('id')).map((r: { id: number }) => Number(r.id));
}
