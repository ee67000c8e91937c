import type { Db } from '../../src/platform/db';
import { givenAccessKey, givenAccount, givenAdministrator } from './builders';

let seq = 0;

/**
 * An application in a given status with its BC and key, for the form's building blocks (PIN, documents, terms,
 * signing codes, archive). Inserted directly: these tests are about the blocks, not about how applications start.
 */
export async function givenFormApplication(db: Db, overrides: Record<string, unknown> = {}): Promise<{ id: number; accountId: number }> {
  seq++;
  const accountId = await givenAccount(db);
  const admin = await givenAdministrator(db, {}, [accountId]);
  const key = await givenAccessKey(db, accountId, admin.id);
  const ts = '2026-11-24T09:00:00.000Z';
  const [row] = await db('application')
    .insert({
      reference: String(7000000000 + seq * 1000 + Math.floor(Math.random() * 1000)),
      access_key_id: key.id,
      account_id: accountId,
      origin: 'controlled',
      priority: 'normal',
      status: 'in_progress',
      email: `employee${seq}@test.example`,
      language: 'fr',
      status_changed_at: ts,
      created_at: ts,
      updated_at: ts,
      ...overrides,
    })
    .returning('id');
  const id = typeof row === 'object' ? (row as { id: number }).id : (row as number);
  return { id, accountId };
}
