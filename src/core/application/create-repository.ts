import type { Knex } from 'knex';

/** A new `application` row as createInvitedApplications builds it. */
export interface NewApplicationRow {
  reference: string;
  access_key_id: number;
  account_id: number;
  origin: string;
  batch_id: number | null;
  initiated_by: number | null;
  priority: string;
  status: string;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string;
  language: string;
  prefill: string;
  form_data: string;
  version: number;
  status_changed_at: string;
  created_at: string;
  updated_at: string;
}

/** Inserts the rows (in chunks of 200) and returns their ids, in the rows' order. */
export async function insertApplications(trx: Knex.Transaction, rows: NewApplicationRow[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const inserted = await trx('application')
      .insert(rows.slice(i, i + 200))
      .returning('id');
    inserted.forEach((r: unknown) => ids.push(typeof r === 'object' ? (r as { id: number }).id : (r as number)));
  }
  return ids;
}

/** Which of these references some application already has (looked up 500 at a time). */
export async function takenReferences(trx: Knex.Transaction, references: string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < references.length; i += 500) {
    (
      await trx('application')
        .whereIn('reference', references.slice(i, i + 500))
        .select('reference')
    ).forEach((r: { reference: string }) => taken.add(r.reference));
  }
  return taken;
}
