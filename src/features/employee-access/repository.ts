import type { Knex } from 'knex';

/** Records when the employee first opened the application (only if not recorded yet). */
export async function recordFirstOpened(trx: Knex.Transaction, applicationId: number, ts: string): Promise<void> {
  await trx('application').where({ id: applicationId }).whereNull('first_opened_at').update({ first_opened_at: ts, updated_at: ts });
}
