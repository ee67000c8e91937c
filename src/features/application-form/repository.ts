import type { Knex } from 'knex';
import type { Status } from '../../core/application/status';

/**
 * Writes the form (form_data, updated_at and any other columns) only if the application is still in the status and
 * version read: the number of rows written (0 when it changed meanwhile).
 */
export async function storeFormIfUnchanged(
  trx: Knex.Transaction,
  read: { id: number; status: Status; version: number },
  values: { form_data: string; updated_at: string } & Record<string, unknown>,
): Promise<number> {
  return trx('application').where({ id: read.id, status: read.status, version: read.version }).update(values);
}

/** The cardholder terms version with this id (its language); undefined when it is not one. */
export async function findCardholderTerms(trx: Knex.Transaction, termsId: number): Promise<{ id: number; language: string } | undefined> {
  return trx('terms_version').where({ id: termsId, kind: 'cardholder' }).first('id', 'language');
}
