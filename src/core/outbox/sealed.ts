import { decryptField, encryptField, isEncryptedField, type Keyring } from '../../lib/field-crypto';

/**
 * Secrets carried by an e-mail (the one-time signing code) must not rest in clear in the outbox (SECURITY.md):
 * the caller seals those values with the data key before queueing (AES-256-GCM, bound to the row's idempotency key
 * so a sealed value cannot be moved to another row), the dispatcher opens them just before rendering, and wipes the
 * row's data once the e-mail has left (SECRET_TEMPLATES in dispatcher.ts).
 */
function sealAad(idempotencyKey: string): string {
  return `outbox:data:${idempotencyKey}`;
}

/** Returns `data` with the listed fields encrypted. */
export function sealEmailData(keyring: Keyring, idempotencyKey: string, data: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const field of fields) {
    const value = out[field];
    if (value === undefined || value === null) continue;
    out[field] = encryptField(keyring, String(value), sealAad(idempotencyKey));
  }
  return out;
}

/** Opens every sealed value of a row's data (values that are not sealed are returned as they are). */
export function openEmailData(keyring: Keyring | undefined, idempotencyKey: string, data: Record<string, unknown>): Record<string, unknown> {
  const sealed = Object.entries(data).filter(([, v]) => isEncryptedField(v));
  if (!sealed.length) return data;
  if (!keyring) throw new Error('sealed e-mail data but no data key');
  const out: Record<string, unknown> = { ...data };
  for (const [k, v] of sealed) out[k] = decryptField(keyring, v as string, sealAad(idempotencyKey));
  return out;
}
