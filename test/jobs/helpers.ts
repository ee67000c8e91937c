import type { Db } from '../../src/platform/db';
import { createInvitedApplications } from '../../src/core/application/create';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';

/** A controlled application initiated at `at` on a new key (reminders on unless told otherwise). */
export async function givenInvitedApplication(db: Db, at: Date, opts: { reminderEnabled?: boolean; language?: 'fr' | 'en' } = {}): Promise<{ id: number; reference: string; keyId: number }> {
  const accountId = await givenAccount(db);
  const admin = await givenAdministrator(db, {}, [accountId]);
  const key = await givenAccessKey(db, accountId, admin.id, { reminder_enabled: opts.reminderEnabled ?? true });
  const [created] = await db.transaction((trx) =>
    createInvitedApplications(
      trx,
      [
        {
          accessKey: { id: key.id, accountId, number: key.number },
          origin: 'controlled',
          initiatedBy: admin.id,
          priority: 'normal',
          firstName: 'Zoé',
          lastName: 'Martin',
          email: 'zoe.martin@test.example',
          language: opts.language ?? 'fr',
        },
      ],
      at,
    ),
  );
  if (!created) throw new Error('no application created');
  return { ...created, keyId: key.id };
}
