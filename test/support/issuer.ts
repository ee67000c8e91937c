import crypto from 'node:crypto';
import type { Knex } from 'knex';

/**
 * The issuer's side of the PIN exchange (src/core/application/pin.ts): with its private key it unwraps the data key
 * and decrypts `v1.<keyId>.<wrappedKey>.<iv>.<tag>.<ct>` under the AAD `application:pin:<applicationId>`. Sésame never
 * holds that key; tests use the demo key pair in DATA_DIR.
 */
export function decryptPinForTests(value: string, privateKeyPem: string, applicationId: number): string {
  const parts = value.split('.');
  if (parts.length !== 6 || parts[0] !== 'v1') throw new Error('not an encrypted PIN');
  const [wrapped, iv, tag, ct] = parts.slice(2).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer, Buffer];
  const dataKey = crypto.privateDecrypt({ key: privateKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);
  const decipher = crypto.createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: 16 });
  decipher.setAAD(Buffer.from(`application:pin:${applicationId}`, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
}

/** The stored (not erased) encrypted PIN of an application and its issuer key id, as the issuer would receive them. */
export async function storedPin(db: Knex, applicationId: number): Promise<{ encrypted: string; keyId: string } | undefined> {
  const row = await db('application_pin').where({ application_id: applicationId }).whereNotNull('encrypted').first('encrypted', 'key_id');
  return row ? { encrypted: row.encrypted as string, keyId: row.key_id as string } : undefined;
}
