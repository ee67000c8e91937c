import crypto from 'node:crypto';
import { createKeyring, decryptField, encryptField, FieldCryptoError, isEncryptedField, keyIdOf } from '../../src/lib/field-crypto';

const key = crypto.randomBytes(32);
const keyring = createKeyring(key);
const IBAN = 'FR7630006000011234567890189';

describe('field encryption (AES-256-GCM, AAD = table:column:rowId)', () => {
  it('round-trips a value and never contains it in clear', () => {
    const value = encryptField(keyring, IBAN, 'application:iban:7');
    expect(value).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(value).not.toContain(IBAN);
    expect(value.split('.')[1]).toBe(keyIdOf(key));
    expect(isEncryptedField(value)).toBe(true);
    expect(decryptField(keyring, value, 'application:iban:7')).toBe(IBAN);
  });

  it('uses a fresh IV every time', () => {
    const a = encryptField(keyring, IBAN, 'application:iban:7');
    const b = encryptField(keyring, IBAN, 'application:iban:7');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it.each([
    ['another row', 'application:iban:8'],
    ['another column', 'application:bic:7'],
    ['another table', 'account:iban:7'],
  ])('refuses a value moved to %s', (_what, aad) => {
    const value = encryptField(keyring, IBAN, 'application:iban:7');
    expect(() => decryptField(keyring, value, aad)).toThrow(FieldCryptoError);
  });

  it.each([
    ['ciphertext', 4],
    ['tag', 3],
    ['iv', 2],
  ])('detects a tampered %s', (_what, index) => {
    const value = encryptField(keyring, IBAN, 'application:iban:7');
    const parts = value.split('.');
    const bytes = Buffer.from(parts[index] as string, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 0x01;
    parts[index] = bytes.toString('base64url');
    expect(() => decryptField(keyring, parts.join('.'), 'application:iban:7')).toThrow(FieldCryptoError);
  });

  it('refuses a value under an unknown key and malformed values', () => {
    const other = createKeyring(crypto.randomBytes(32));
    const value = encryptField(other, IBAN, 'application:iban:7');
    expect(() => decryptField(keyring, value, 'application:iban:7')).toThrow(/unknown key id/);
    expect(() => decryptField(keyring, IBAN, 'application:iban:7')).toThrow(FieldCryptoError);
    expect(() => decryptField(keyring, 'v1.a.b.c', 'application:iban:7')).toThrow(FieldCryptoError);
    expect(isEncryptedField(IBAN)).toBe(false);
  });

  it('rotates: a previous key still decrypts, and its values are told apart by their key id', () => {
    const oldKeyring = createKeyring(key);
    const oldValue = encryptField(oldKeyring, IBAN, 'application:iban:7');
    const rotated = createKeyring(crypto.randomBytes(32), [key]);
    expect(decryptField(rotated, oldValue, 'application:iban:7')).toBe(IBAN);
    expect(oldValue.split('.')[1]).not.toBe(rotated.currentId);
    expect(encryptField(rotated, IBAN, 'application:iban:7').split('.')[1]).toBe(rotated.currentId);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createKeyring(crypto.randomBytes(16))).toThrow(FieldCryptoError);
  });
});
