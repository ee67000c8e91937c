import type { Db } from '../../platform/db';
import type { Deps } from '../../platform/deps';
import { encryptPin, validatePin, type PinCheck } from './pin';
import { storeEncryptedPin } from './pin-repository';

/**
 * Validates the PIN typed twice and, when valid, stores it encrypted to the issuer (inside the caller's transaction).
 * The clear PIN goes no further than this function: not in the result, the log line, or any error.
 */
export async function savePin(
  deps: Pick<Deps, 'secrets' | 'logger'>,
  trx: Db,
  input: { applicationId: number; pin: unknown; confirmation: unknown; birthDate?: string | null; now: Date },
): Promise<PinCheck> {
  const check = validatePin(input.pin, input.confirmation, { birthDate: input.birthDate });
  if (!check.ok) return check;
  const issuer = deps.secrets.pinIssuer();
  const encrypted = encryptPin(issuer, (input.pin as string).trim(), input.applicationId);
  await storeEncryptedPin(trx, input.applicationId, encrypted, issuer.keyId, input.now);
  deps.logger.info({ applicationId: input.applicationId, issuerKeyId: issuer.keyId }, 'PIN stored, encrypted to the issuer');
  return { ok: true };
}
