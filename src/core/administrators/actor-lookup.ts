import { todayIn } from '../../lib/today';
import type { Db } from '../../platform/db';
import { VersionedCache } from '../data-version/versioned-cache';
import { withDelegations } from './absence';
import { findActiveActor, type Actor } from './repository';

/** How a request finds its administrator: by the proxy's e-mail header or the session's id, at `now`. */
export type ActorLookup = (by: { email: string } | { id: number }, now: Date) => Promise<Actor | undefined>;

/**
 * The administrator of a request, as they act today: active, with their BCs and the BCs delegated to them by absent
 * administrators (absence.ts withDelegations). Every request needs it; it is kept per process under the
 * `administrators` data version, which the database bumps on every write to administrators, their BCs, absences or
 * BCs (migrations/20261209_200_data_version.ts), and per day in the time zone (delegations start and end with days).
 * So a change — a BC removed, an administrator deactivated, an absence recorded, by any instance — counts from the
 * very next request, as when the actor was read on every request (SECURITY.md).
 */
export function cachedActorLookup(db: Db, timeZone: string): ActorLookup {
  const cache = new VersionedCache<Actor | null>(db, 'administrators');
  return async (by, now) => {
    const who = 'email' in by ? `email:${by.email.trim().toLowerCase()}` : `id:${by.id}`;
    const actor = await cache.get(`${who}|${todayIn(timeZone, now)}`, async () => {
      const found = await findActiveActor(db, by);
      return found ? withDelegations(db, found, now, timeZone) : null;
    });
    return actor ?? undefined;
  };
}
