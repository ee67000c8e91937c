import { lockingRead, type Db } from '../../platform/db';

/** A counter as stored (table `attempt_counter`), one per kind and subject. */
export interface CounterRow {
  kind: string;
  subject: string;
  count: number;
  window_started_at: string;
  locked_until: string | null;
}

export async function findCounter(db: Db, kind: string, subject: string): Promise<CounterRow | undefined> {
  return db<CounterRow>('attempt_counter').where({ kind, subject }).first();
}

/** Creates the counter empty when missing, then holds its row for the rest of the transaction (FOR UPDATE). */
export async function holdCounterRow(trx: Db, kind: string, subject: string, at: string): Promise<void> {
  await trx('attempt_counter')
    .insert({ kind, subject, count: 0, window_started_at: at, locked_until: null, updated_at: at })
    .onConflict(['kind', 'subject'])
    .ignore();
  await lockingRead(trx('attempt_counter').where({ kind, subject }).first('kind'));
}

/** Writes the counter (insert or update). */
export async function saveCounter(
  db: Db,
  counter: { kind: string; subject: string; count: number; windowStartedAt: string; lockedUntil: string | null; at: string },
): Promise<void> {
  const { kind, subject, count } = counter;
  await db('attempt_counter')
    .insert({ kind, subject, count, window_started_at: counter.windowStartedAt, locked_until: counter.lockedUntil, updated_at: counter.at })
    .onConflict(['kind', 'subject'])
    .merge(['count', 'window_started_at', 'locked_until', 'updated_at']);
}

export async function deleteCounter(db: Db, kind: string, subject: string): Promise<void> {
  await db('attempt_counter').where({ kind, subject }).delete();
}

/** Deletes the counters last updated before `cutoff` that hold no lock still running at `now`; how many. */
export async function deleteCountersBefore(db: Db, cutoff: string, now: string): Promise<number> {
  return db('attempt_counter')
    .where('updated_at', '<', cutoff)
    .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<', now))
    .delete();
}
