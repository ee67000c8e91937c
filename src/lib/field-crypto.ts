import crypto from 'node:crypto';

/**
 * Encryption of personal data at rest, one column value at a time (the IBAN, for instance).
 * AES-256-GCM with a 12-byte random IV; the value carries the key id so keys can rotate
 * (`v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url parts); the additional authenticated data is
 * `table:column:rowId`, so a value copied into another row or column no longer decrypts.
 * Encrypt after the row exists (insert, then update with its id).
 */
export interface Keyring {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class FieldCryptoError extends Error {}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A short, non-secret identifier of a key (a hash of it), stored in each value. */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update('sesame-data-key:').update(key).digest('hex').slice(0, 8);
}

/** The current key first; previous keys still decrypt older values until they are re-encrypted. */
export function createKeyring(current: Buffer, previous: Buffer[] = []): Keyring {
  for (const k of [current, ...previous]) {
    if (k.length !== 32) throw new FieldCryptoError('a data encryption key must be 32 bytes');
  }
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyIdOf(k), k);
  return { currentId: keyIdOf(current), keys };
}

export function encryptField(keyring: Keyring, plaintext: string, aad: string): string {
  const key = keyring.keys.get(keyring.currentId);
  if (!key) throw new FieldCryptoError('current key missing from the keyring');
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keyring.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** Decrypts a value written by encryptField for the same place; throws FieldCryptoError when it was altered or moved. */
export function decryptField(keyring: Keyring, value: string, aad: string): string {
  const parts = value.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new FieldCryptoError('not an encrypted field value');
  const [, keyId, ivB64, tagB64, ctB64] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key) throw new FieldCryptoError(`unknown key id ${keyId}`);
  const iv = Buffer.from(ivB64, 'base64url');
  const tag = Buffer.from(tagB64, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new FieldCryptoError('malformed encrypted field value');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new FieldCryptoError('encrypted field value failed authentication (altered, or not for this row and column)');
  }
}

export function isEncryptedField(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${VERSION}.`) && value.split('.').length === 5;
}
