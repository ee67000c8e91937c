import type { Db } from '../../src/platform/db';
import { createInvitedApplications, type NewApplication } from '../../src/core/application/create';
import type { Status } from '../../src/core/application/status';

/** Stores an application through the real creation path (history row + e-mails), then forces its status if asked. */
export async function givenApplication(
  db: Db,
  key: { id: number; number: string; accountId: number },
  overrides: Partial<NewApplication> & { status?: Status } = {},
  now = new Date('2026-11-24T09:00:00Z'),
): Promise<{ id: number; reference: string }> {
  const { status, ...rest } = overrides;
  const created = await db.transaction(async (trx) => {
    const [c] = await createInvitedApplications(
      trx,
      [
        {
          accessKey: { id: key.id, accountId: key.accountId, number: key.number },
          origin: 'controlled',
          priority: 'normal',
          title: 'mrs',
          firstName: 'Élodie',
          lastName: 'Dupré',
          email: 'elodie.dupre@acme.example',
          language: 'fr',
          ...rest,
        },
      ],
      now,
    );
    return c!;
  });
  if (status && status !== 'invited') await db('application').where({ id: created.id }).update({ status });
  return created;
}

export async function outboxRows(db: Db, applicationId?: number): Promise<Array<{ template: string; language: string; recipient: string; idempotency_key: string; data: string }>> {
  const q = db('outbox').orderBy('id');
  if (applicationId !== undefined) q.where({ application_id: applicationId });
  return q.select('template', 'language', 'recipient', 'idempotency_key', 'data');
}
