import crypto from 'node:crypto';
import type { PinIssuerKey } from '../../platform/secrets';

/**
 * The cardholder's PIN. Checked (4 digits, typed twice, not trivial), then encrypted on receipt *to the issuer*:
 * AES-256-GCM under a random per-PIN data key, that key wrapped with the issuer's RSA public key (RSA-OAEP-256),
 * so Sésame itself cannot read a PIN back. Value: `v1.<keyId>.<wrappedKey>.<iv>.<tag>.<ct>` (base64url parts),
 * AAD `application:pin:<applicationId>` so a value moved to another application is refused by the issuer.
 * The PIN is never logged, stored in the session or sent back to a page (on a validation error the fields are
 * rendered empty).
 */
export type PinCheck = { ok: true } | { ok: false; field: 'pin' | 'pinConfirmation'; key: string };

const E = 'pin:errors';

/** PINs people pick most often that the rules below do not already catch (keypad patterns, years, couples). */
const COMMON_PINS = new Set(['1004', '2000', '2001', '1010', '2580', '0852', '1470', '0741', '3690', '0963', '1122', '6969', '1313', '4545', '7007']);

/** Every digit the same; ascending or descending runs (wrapping 9→0); two digits repeated (1212); common picks. */
export function isTrivialPin(pin: string): boolean {
  const d = [...pin].map(Number);
  if (d.every((x) => x === d[0])) return true;
  const steps = d.slice(1).map((x, i) => (x - (d[i] as number) + 10) % 10);
  if (steps.every((s) => s === 1) || steps.every((s) => s === 9)) return true;
  if (pin.slice(0, 2) === pin.slice(2)) return true;
  return COMMON_PINS.has(pin);
}

/** The PIN must not be the cardholder's year of birth, nor its day and month (DDMM or MMDD). */
function isBirthDatePin(pin: string, birthDate?: string | null): boolean {
  const m = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  if (!m) return false;
  const [, year, month, day] = m as unknown as [string, string, string, string];
  return [year, `${day}${month}`, `${month}${day}`].includes(pin);
}

/** Four digits, typed twice the same, neither trivial nor the birth date. Errors are translation keys. */
export function validatePin(pin: unknown, confirmation: unknown, opts: { birthDate?: string | null } = {}): PinCheck {
  const p = typeof pin === 'string' ? pin.trim() : '';
  const c = typeof confirmation === 'string' ? confirmation.trim() : '';
  if (!p) return { ok: false, field: 'pin', key: `${E}.required` };
  if (!/^\d{4}$/.test(p)) return { ok: false, field: 'pin', key: `${E}.format` };
  if (isTrivialPin(p)) return { ok: false, field: 'pin', key: `${E}.trivial` };
  if (isBirthDatePin(p, opts.birthDate)) return { ok: false, field: 'pin', key: `${E}.birthDate` };
  if (!c) return { ok: false, field: 'pinConfirmation', key: `${E}.confirmationRequired` };
  if (p !== c) return { ok: false, field: 'pinConfirmation', key: `${E}.mismatch` };
  return { ok: true };
}

function pinAad(applicationId: number): string {
  return `application:pin:${applicationId}`;
}

const VERSION = 'v1';

/** Encrypts a (validated) PIN to the issuer. Each call uses a fresh data key and IV. */
export function encryptPin(issuer: PinIssuerKey, pin: string, applicationId: number): string {
  const dataKey = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  try {
    const cipher = crypto.createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(pinAad(applicationId), 'utf8'));
    const ct = Buffer.concat([cipher.update(pin, 'utf8'), cipher.final()]);
    const wrapped = crypto.publicEncrypt({ key: issuer.publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey);
    return [VERSION, issuer.keyId, wrapped, iv, cipher.getAuthTag(), ct].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  } finally {
    dataKey.fill(0);
  }
}
