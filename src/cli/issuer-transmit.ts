import { counted } from '../lib/counted';
import { buildDeps } from '../platform/deps';
import { loadConfig } from '../platform/config';
import { migrateLatest } from '../platform/db';
import { transmitApproved } from '../core/transmission/transmission';
import { transmissionFolderName } from '../core/transmission/files';
import { exitWith } from './command';

/**
 * npm run issuer:transmit — records one transmission of every approved application and delivers it (and any earlier
 * delivery still pending), as the nightly job does. Exit 0 when everything due was delivered, 1 when a delivery failed
 * (it stays pending and is retried), 2 on any other error.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  const deps = buildDeps(config);
  try {
    await migrateLatest(deps.db);
    const { created, deliveries } = await transmitApproved(deps, { audit: { actor: { type: 'system' } }, now: deps.clock.now() });
    console.log(
      created
        ? `Transmission ${created.number} (${transmissionFolderName(created.number)}): ${counted(created.applicationCount, 'application', 'applications')}.`
        : 'No approved application to transmit.',
    );
    for (const d of deliveries) {
      console.log(
        d.delivered ? `Delivered ${transmissionFolderName(d.number)} (${d.outcome}).` : `Delivery of ${transmissionFolderName(d.number)} failed: ${d.error}`,
      );
    }
    return deliveries.some((d) => !d.delivered) ? 1 : 0;
  } finally {
    await deps.db.destroy();
  }
}

exitWith(run(), 2);
