import type { Config } from '../platform/config';
import type { Deps } from '../platform/deps';
import { deliverPending, transmitApproved } from '../core/transmission/transmission';
import { scheduleOf, type Job } from './job';
import { slotFor } from './schedule';

/** The job's audit identity: Sésame itself. */
const SYSTEM = { actor: { type: 'system' as const } };

/**
 * The nightly transmission to the issuer (TRANSMISSION_CRON, default 02:00 in TIME_ZONE): records one transmission of
 * every approved application and delivers it. Once across instances (the coordinator's slot); after downtime the
 * scheduler's catch-up runs the missed night's slot. Selects by state, so a re-run finds nothing left to transmit.
 */
export async function nightlyTransmission(deps: Deps, now: Date) {
  const { created, deliveries } = await transmitApproved(deps, { audit: SYSTEM, now });
  return {
    transmission: created?.number ?? null,
    applications: created?.applicationCount ?? 0,
    delivered: deliveries.filter((d) => d.delivered).map((d) => d.number),
    failed: deliveries.filter((d) => !d.delivered).map((d) => d.number),
  };
}

export const transmissionJob: Job = {
  name: 'issuer-transmission',
  schedule: (config) => ({ kind: 'daily', at: config.transmission.dailyAt }),
  run: (deps, now) => nightlyTransmission(deps, now),
};

/** Failed deliveries are retried here, each when its backoff has passed; nothing new is transmitted. */
export const transmissionDeliveryJob: Job = {
  name: 'issuer-transmission-delivery',
  schedule: { kind: 'interval', minutes: 15 },
  run: async (deps, now) => {
    const results = await deliverPending(deps, now);
    return { delivered: results.filter((d) => d.delivered).map((d) => d.number), failed: results.filter((d) => !d.delivered).map((d) => d.number) };
  },
};

/**
 * For the demo seed: the nightly transmission's current slot, marked done when the demo is seeded, so the first start
 * does not transmit the demo's approved applications before the newcomer has seen them (and "Transmit now").
 */
export function demoDoneSlots(config: Pick<Config, 'transmission' | 'timeZone'>, now: Date): Array<{ job: string; slot: string }> {
  return [{ job: transmissionJob.name, slot: slotFor(scheduleOf(transmissionJob, config), now, config.timeZone) }];
}
