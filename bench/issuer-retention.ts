/**
 * Issue 13's targets (npm run bench runs it after the pages and jobs; alone: npx tsx bench/issuer-retention.ts):
 *  - import a 10,000-line issuer status file (parse + check + apply: 10,000 transitions with history and e-mails), < 5 s;
 *  - the retention purge over 100,000 finished applications (each with a PIN), < 10 s;
 * each as an operator runs it — the built command (`npm run issuer:import -- FILE`, `npm run retention:purge`) in its own
 * process, timed with its CPU time and its peak resident memory, target < 250 MB.
 * On a temp SQLite database (the test context), rows inserted directly. Not a test: figures depend on the machine.
 */
import { createTestContext } from '../test/support/app';
import { givenKey } from '../test/support/builders';
import { luhnCheckDigit } from '../src/lib/luhn';
import fs from 'node:fs';
import path from 'node:path';
import { runBuiltCli } from './support';

export interface IssuerRetentionResult {
  name: string;
  ms: number;
  /** CPU time (user + system) of this process meanwhile: unlike the wall time, independent of other load. */
  cpuMs: number;
  targetMs: number;
  rssMb: number;
  detail: string;
}

const TS = '2026-11-24T09:00:00.000Z';

export async function benchIssuerAndRetention(opts: { statusLines?: number; purgeApplications?: number } = {}): Promise<IssuerRetentionResult[]> {
  const lines = opts.statusLines ?? 10_000;
  const purgeCount = opts.purgeApplications ?? 100_000;
  const ctx = await createTestContext({ LOG_LEVEL: 'silent' });
  const { db } = ctx.deps;
  const out: IssuerRetentionResult[] = [];
  try {
    const key = await givenKey(db);
    let seq = 100_000_000;
    const nextReference = () => {
      const body = String(seq++);
      return body + String(luhnCheckDigit(body));
    };
    const insertApplications = async (count: number, columns: Record<string, unknown>): Promise<string[]> => {
      const refs: string[] = [];
      for (let i = 0; i < count; i += 500) {
        const rows = Array.from({ length: Math.min(500, count - i) }, () => {
          const reference = nextReference();
          refs.push(reference);
          return {
            reference,
            access_key_id: key.id,
            account_id: key.accountId,
            origin: 'controlled',
            priority: 'normal',
            first_name: 'Zoé',
            last_name: 'Martin',
            email: `e${reference}@acme.example`,
            language: 'fr',
            form_data: '{"cardholder":{"firstName":"Zoé","lastName":"Martin","mobilePhone":"+33 6 12 34 56 78"}}',
            created_at: TS,
            updated_at: TS,
            status_changed_at: TS,
            ...columns,
          };
        });
        await db('application').insert(rows);
      }
      return refs;
    };

    // 1. A 10,000-line status file, every line an "issued" for a transmitted application.
    const refs = await insertApplications(lines, { status: 'transmitted' });
    const file = Buffer.from(['reference;status;date;reason;card_last4', ...refs.map((r) => `${r};issued;2026-11-20;;4821`)].join('\n') + '\n');
    const statusFile = path.join(ctx.dataDir, 'status.csv');
    fs.writeFileSync(statusFile, file);
    const imported = await runBuiltCli('issuer-import', [statusFile], ctx.dataDir);
    if (!imported.out.includes(`${lines} lines: ${lines} applied`)) throw new Error(`the import did not apply every line:\n${imported.out}`);
    out.push({
      name: `Import a ${lines.toLocaleString('en')}-line status file`,
      ms: imported.ms,
      cpuMs: imported.cpuMs,
      targetMs: 5000,
      rssMb: imported.peakMb,
      detail: `${lines} applications → card_issued, ${lines} e-mails queued (npm run issuer:import)`,
    });

    // 2. The purge over 100,000 applications delivered two years ago, each with a PIN on file.
    await db('application').update({ status_changed_at: '2024-11-01T00:00:00.000Z' }).where({ status: 'card_issued' });
    await insertApplications(purgeCount - lines, { status: 'card_delivered', status_changed_at: '2024-11-01T00:00:00.000Z' });
    const ids: number[] = await db('application').pluck('id');
    for (let i = 0; i < ids.length; i += 500)
      await db('application_pin').insert(
        ids.slice(i, i + 500).map((id) => ({ application_id: id, encrypted: 'v1.bench.opaque', key_id: 'bench', stored_at: TS })),
      );
    await db('application').where({ status: 'card_issued' }).update({ status: 'card_delivered' });
    const purged = await runBuiltCli('retention-purge', [], ctx.dataDir);
    const erased = await db('application').whereNotNull('personal_data_erased_at').count({ n: '*' });
    const pins = await db('application_pin').whereNull('encrypted').count({ n: '*' });
    out.push({
      name: `Retention purge over ${purgeCount.toLocaleString('en')} applications`,
      ms: purged.ms,
      cpuMs: purged.cpuMs,
      targetMs: 10_000,
      rssMb: purged.peakMb,
      detail: `${Number((erased[0] as { n: number }).n)} applications erased, ${Number((pins[0] as { n: number }).n)} PINs (npm run retention:purge)`,
    });
  } finally {
    await ctx.close();
  }
  return out;
}

export function formatIssuerRetention(results: IssuerRetentionResult[], targetRssMb: number): { lines: string[]; failures: string[] } {
  const lines: string[] = [];
  const failures: string[] = [];
  for (const r of results) {
    const ok = r.ms < r.targetMs && r.rssMb < targetRssMb;
    lines.push(
      `  ${r.name.padEnd(44)} ${`${r.ms.toFixed(0)} ms`.padStart(9)} (target < ${r.targetMs} ms, CPU ${r.cpuMs.toFixed(0)} ms)  RSS ≤ ${r.rssMb.toFixed(0)} MB  ${r.detail}  ${ok ? 'PASS' : 'FAIL'}`,
    );
    if (!ok) failures.push(`${r.name}: ${r.ms.toFixed(0)} ms, RSS ${r.rssMb.toFixed(0)} MB`);
  }
  return { lines, failures };
}

if (require.main === module) {
  benchIssuerAndRetention()
    .then((results) => {
      const { lines, failures } = formatIssuerRetention(results, 250);
      console.log(`Issuer status file and retention (Node ${process.version})`);
      for (const l of lines) console.log(l);
      console.log(failures.length ? `${failures.length} target(s) missed` : 'Every target met.');
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
