import type { Db } from '../../platform/db';

/** The encrypted PIN of an application (one row per application; replaced when the employee changes it). */
export async function storeEncryptedPin(db: Db, applicationId: number, encrypted: string, keyId: string, now: Date): Promise<void> {
  const ts = now.toISOString();
  await db('application_pin')
    .insert({ application_id: applicationId, encrypted, key_id: keyId, stored_at: ts, erased_at: null })
    .onConflict('application_id')
    .merge(['encrypted', 'key_id', 'stored_at', 'erased_at']);
}

/** Whether a PIN has been chosen (and not yet erased): pages show "chosen", never the value. */
export async function hasPin(db: Db, applicationId: number): Promise<boolean> {
  const row = await db('application_pin').where({ application_id: applicationId }).whereNotNull('encrypted').first('application_id');
  return Boolean(row);
}

/** Erases the PIN once transmitted to the issuer (or when the application no longer needs one, e.g. urgent). */
export async function erasePin(db: Db, applicationId: number, now: Date): Promise<boolean> {
  const n = await db('application_pin')
    .where({ application_id: applicationId })
    .whereNotNull('encrypted')
    .update({ encrypted: null, erased_at: now.toISOString() });
  return n > 0;
}

/** `erasePin` for many applications (once a transmission is delivered); returns how many PINs were erased. */
export async function erasePins(db: Db, applicationIds: number[], now: Date): Promise<number> {
  let erased = 0;
  for (let i = 0; i < applicationIds.length; i += 500) {
    erased += await db('application_pin')
      .whereIn('application_id', applicationIds.slice(i, i + 500))
      .whereNotNull('encrypted')
      .update({ encrypted: null, erased_at: now.toISOString() });
  }
  return erased;
}
