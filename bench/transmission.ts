/**
 * Transmission benchmark (issue 13; run by `npm run bench` after bench/run.ts, alone with `npm run bench:transmission`):
 * 10,000 approved applications (a full cardholder section, a PIN encrypted to the issuer for each) on a temp SQLite
 * file, then `npm run issuer:transmit` as built (dist/src/cli/issuer-transmit.js) in its own process: the transaction
 * that records the transmission and moves them to `transmitted` with history, the four files, the delivery to a folder,
 * and the PIN erasure. Prints its wall time and peak resident memory (getrusage maxRSS of that process) against the
 * targets (< 5 s, < 250 MB). Environment: BENCH_TRANSMIT (default 10000). Not a test: figures depend on the machine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { counted } from '../src/lib/counted';
import { runBuiltCli } from './support';
import { performance } from 'node:perf_hooks';
import { createTestContext } from '../test/support/app';
import { givenKey, CARDHOLDER } from '../test/support/builders';
import { encryptPin } from '../src/core/application/pin';
import { generateReference } from '../src/lib/luhn';

const COUNT = Number(process.env.BENCH_TRANSMIT ?? 10_000);
const TARGET_MS = 5000;
const TARGET_RSS_MB = 250;

async function main(): Promise<void> {
  const ctx = await createTestContext({ LOG_LEVEL: 'silent' });
  const { db } = ctx.deps;
  try {
    const key = await givenKey(db);
    const issuer = ctx.deps.secrets.pinIssuer();
    const ts = new Date('2026-11-24T09:00:00Z').toISOString();
    const seeded = performance.now();
    const references = new Set<string>();
    while (references.size < COUNT) references.add(generateReference());
    const rows = [...references].map((reference, i) => ({
      reference,
      access_key_id: key.id,
      account_id: key.accountId,
      origin: 'controlled',
      priority: 'normal',
      status: 'approved',
      title: 'mrs',
      first_name: 'Élodie',
      last_name: `Hervé-Müller ${i}`,
      email: `employee${i}@acme.example`,
      language: 'fr',
      form_data: JSON.stringify({ cardholder: { ...CARDHOLDER, lastName: `Hervé-Müller ${i}` } }),
      status_changed_at: ts,
      created_at: ts,
      updated_at: ts,
    }));
    await db.batchInsert('application', rows, 500);
    const ids: Array<{ id: number }> = await db('application').where({ status: 'approved' }).select('id');
    await db.batchInsert(
      'application_pin',
      ids.map(({ id }) => ({ application_id: id, encrypted: encryptPin(issuer, '7391', id), key_id: issuer.keyId, stored_at: ts, erased_at: null })),
      500,
    );
    console.log(`Transmission: ${COUNT} approved applications seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s; Node ${process.version}\n`);

    const { ms, peakMb, out } = await runBuiltCli('issuer-transmit', [], ctx.dataDir);
    if (!out.includes(`: ${counted(COUNT, 'application', 'applications')}.`) || !out.includes('Delivered SESAME-000001'))
      throw new Error(`the transmission did not go through:\n${out}`);
    const folder = path.join(ctx.config.transmission.dir, 'SESAME-000001');
    const sizes = fs.readdirSync(folder).map((f) => `${f} ${(fs.statSync(path.join(folder, f)).size / 1024 / 1024).toFixed(1)} MB`);
    const ok = (v: boolean) => (v ? 'ok' : 'OVER TARGET');
    console.log(`  files: ${sizes.join(', ')}`);
    console.log(
      `  transmit ${COUNT} approved applications: ${(ms / 1000).toFixed(2)} s (target < ${TARGET_MS / 1000} s: ${ok(ms < TARGET_MS)}); ` +
        `peak resident memory ${peakMb.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB: ${ok(peakMb < TARGET_RSS_MB)})`,
    );
  } finally {
    await ctx.close();
  }
}

/** The built command in its own process; it prints its peak resident memory (maxRSS, KB) as it exits. */
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
