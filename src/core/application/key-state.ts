import { todayIn } from '../../lib/today';

/** A key's `expires_on` is its last valid day: from the next day on it starts no new application (existing ones continue). */
export function isKeyExpired(expiresOn: string, timeZone: string, now: Date): boolean {
  return todayIn(timeZone, now) > expiresOn;
}

type KeyUsability = 'usable' | 'deleted' | 'expired';

/** Whether a key may start a NEW application. */
export function keyUsability(key: { deletedAt: string | null; expiresOn: string }, timeZone: string, now: Date): KeyUsability {
  if (key.deletedAt) return 'deleted';
  if (isKeyExpired(key.expiresOn, timeZone, now)) return 'expired';
  return 'usable';
}
