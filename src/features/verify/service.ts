import type { Deps } from '../../platform/deps';
import { countEvent, ipSubject, VERIFY_IP_RULE } from '../../core/throttle/attempt-counter';
import { verifySignedCopy } from '../../core/archive/archive';

/** The largest PDF the verify page reads (in memory, never written to disk). */
export const MAX_VERIFY_BYTES = 5 * 1024 * 1024;

export type VerifyOutcome =
  { kind: 'original'; maskedReference: string; signedAt: string; laterVersion: boolean } | { kind: 'unknown' } | { kind: 'notPdf' } | { kind: 'throttled' };

/** The file's first bytes say PDF (`%PDF-`, possibly after a little leading junk, as readers tolerate). */
export function looksLikePdf(buffer: Buffer): boolean {
  return buffer.subarray(0, 1024).includes('%PDF-');
}

/**
 * Verifies an uploaded copy (issue 17 part 3): counted per IP address (VERIFY_IP_RULE, refused beyond it), sniffed as a
 * PDF, then looked up by its SHA-256 among the archived signed PDFs. The bytes are neither stored nor logged.
 */
export async function verifyCopy(deps: Pick<Deps, 'db'>, input: { pdf: Buffer; ip: string; now: Date }): Promise<VerifyOutcome> {
  const count = await deps.db.transaction((trx) => countEvent(trx, 'verify_ip', ipSubject(input.ip), VERIFY_IP_RULE, input.now));
  if (count > VERIFY_IP_RULE.max) return { kind: 'throttled' };
  if (!looksLikePdf(input.pdf)) return { kind: 'notPdf' };
  const found = await verifySignedCopy(deps.db, input.pdf);
  return found ? { kind: 'original', ...found } : { kind: 'unknown' };
}
