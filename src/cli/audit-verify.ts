import { loadConfig } from '../platform/config';
import { openDb } from '../platform/db';
import { verifyAuditChain } from '../core/audit/audit';

/** `npm run audit:verify`: walks the audit log's hash chain; exit 1 naming the first broken entry. */
async function run(): Promise<number> {
  const config = loadConfig();
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const verdict = await verifyAuditChain(db);
    if (verdict.ok) {
      console.log(`Audit log intact: ${verdict.count} entries, hash chain verified.`);
      return 0;
    }
    const what = verdict.reason === 'hash' ? 'its content does not match its hash (edited)' : 'it does not link to the previous entry (an entry before it was removed, inserted or reordered)';
    console.error(`Audit log BROKEN at entry ${verdict.brokenId}: ${what}. ${verdict.count} entries before it verified.`);
    return 1;
  } finally {
    await db.destroy();
  }
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
