import type { Db } from '../../src/platform/db';
import type { Deps } from '../../src/platform/deps';
import { openEmailData } from '../../src/core/outbox/sealed';

/** Reading what the app queued in the outbox (sealed fields opened with the data key). */

export async function outboxRows(
  db: Db,
  applicationId?: number,
): Promise<Array<{ template: string; language: string; recipient: string; idempotency_key: string; data: string }>> {
  const q = db('outbox').orderBy('id');
  if (applicationId !== undefined) q.where({ application_id: applicationId });
  return q.select('template', 'language', 'recipient', 'idempotency_key', 'data');
}

/** The sealed data of the latest e-mail of that template queued for an application, opened. */
async function latestSealed(deps: Pick<Deps, 'db' | 'secrets'>, applicationId: number, template: string): Promise<Record<string, unknown>> {
  const row = await deps.db('outbox').where({ application_id: applicationId, template }).orderBy('id', 'desc').first();
  if (!row) throw new Error(`no ${template} e-mail queued`);
  return openEmailData(deps.secrets.dataKeyring(), row.idempotency_key, JSON.parse(row.data) as Record<string, unknown>);
}

/** The clear approval link token of the latest e-mail 3 queued for an application (the outbox row holds it sealed). */
export async function approvalTokenFromOutbox(deps: Pick<Deps, 'db' | 'secrets'>, applicationId: number): Promise<string> {
  return String((await latestSealed(deps, applicationId, 'additional-approval-request')).token);
}

/** The signing code of the latest code e-mail queued for an application. */
export async function latestCode(ctx: { deps: Pick<Deps, 'db' | 'secrets'> }, applicationId: number): Promise<string> {
  return String((await latestSealed(ctx.deps, applicationId, 'signing-code')).code);
}
