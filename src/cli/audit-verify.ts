import { verifyAuditChain } from '../core/audit/audit';
import { exitWith, withDatabase } from './command';

/** `npm run audit:verify`: walks the audit log's hash chain; exit 1 naming the first broken entry. */
exitWith(
  withDatabase(async (_config, db) => {
    const verdict = await verifyAuditChain(db);
    if (verdict.ok) {
      console.log(`Audit log intact: ${verdict.count} entries, hash chain verified.`);
      return 0;
    }
    const what =
      verdict.reason === 'hash'
        ? 'its content does not match its hash (edited)'
        : 'it does not link to the previous entry (an entry before it was removed, inserted or reordered)';
    console.error(`Audit log BROKEN at entry ${verdict.brokenId}: ${what}. ${verdict.count} entries before it verified.`);
    return 1;
  }),
);
