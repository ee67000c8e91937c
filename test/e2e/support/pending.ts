import type { Deps } from '../../../src/platform/deps';
import { createInvitedApplications, type Priority } from '../../../src/core/application/create';

export interface PendingApplication {
  id: number;
  reference: string;
  keyNumber: string;
}

/**
 * Signed applications waiting in Claire's approval queue, on her key 'Direction financière' (e-mails in English).
 * A normal one has a PIN on file, as the employee's signature leaves it; an urgent one has none.
 */
export async function givenPendingForClaire(
  deps: Pick<Deps, 'db' | 'clock'>,
  people: Array<[string, string]>,
  opts: { priority?: Priority; title?: 'mr' | 'mrs' } = {},
): Promise<PendingApplication[]> {
  const { db } = deps;
  const priority = opts.priority ?? 'normal';
  const key = await db('access_key').where({ name: 'Direction financière' }).first();
  const now = deps.clock.now();
  const created = await db.transaction((trx) =>
    createInvitedApplications(
      trx,
      people.map(([firstName, lastName]) => ({
        accessKey: { id: key.id, accountId: key.account_id, number: key.number },
        origin: 'controlled' as const,
        priority,
        title: opts.title ?? 'mr',
        firstName,
        lastName,
        email: `${firstName}.${lastName}@acme.example`.toLowerCase(),
        language: 'en' as const,
      })),
      now,
    ),
  );
  for (const c of created) {
    await db('application').where({ id: c.id }).update({ status: 'pending_approval' });
    if (priority === 'normal') {
      await db('application_pin').insert({ application_id: c.id, encrypted: 'v1.e2e.opaque', key_id: 'e2e', stored_at: now.toISOString() });
    }
  }
  return created.map((c) => ({ id: c.id, reference: c.reference, keyNumber: key.number as string }));
}
