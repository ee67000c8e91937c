/**
 * Outbox throughput: how many e-mails per second the dispatcher renders, sends over SMTP and marks, against an
 * in-process SMTP server (smtp-server, parsing nothing) on a temporary SQLite database.
 *
 *   npm run bench:outbox            # 2,000 e-mails
 *   npx tsx bench/outbox-throughput.ts 5000
 *
 * Environment: OUTBOX_BENCH_BATCH (rows claimed per query, default 50), OUTBOX_BENCH_CONCURRENCY (messages in flight and
 * SMTP connections, default 5).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/platform/config';
import { buildDeps } from '../src/platform/deps';
import { migrateLatest } from '../src/platform/db';
import { createLogger } from '../src/platform/logger';
import { enqueueEmails, type EmailToQueue } from '../src/core/outbox/enqueue';
import { createOutboxDispatcher } from '../src/core/outbox/dispatcher';
import { createSmtpTransport } from '../src/core/outbox/transport';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const batchSize = Number(process.env.OUTBOX_BENCH_BATCH ?? 50);
  const concurrency = Number(process.env.OUTBOX_BENCH_CONCURRENCY ?? 5);

  let received = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-bench-outbox-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    PUBLIC_BASE_URL: 'https://sesame.example.com',
  });
  const logger = createLogger(config.logLevel, new Writable({ write: (_c, _e, cb) => cb() }));
  const deps = buildDeps(config, { logger });
  await migrateLatest(deps.db);

  const now = new Date();
  const emails: EmailToQueue[] = Array.from({ length: count }, (_, i) => ({
    idempotencyKey: `bench:${i}`,
    template: i % 2 ? 'invitation-key' : 'invitation-link',
    to: `person${i}@example.test`,
    language: i % 3 ? 'fr' : 'en',
    data:
      i % 2
        ? { accessKey: 'AB12CD34', firstName: 'Zoé', lastName: 'Martin', title: 'ms' }
        : { reference: '1234567897', firstName: 'Zoé', lastName: 'Martin', title: 'ms' },
  }));
  const t0 = performance.now();
  await deps.db.transaction((trx) => enqueueEmails(trx, emails, now));
  const enqueueMs = performance.now() - t0;

  const transport = createSmtpTransport(config.mail, { maxConnections: concurrency });
  const dispatcher = createOutboxDispatcher(deps, transport, { batchSize, concurrency });
  // Warm-up: template compilation and the first SMTP connections are not what we measure.
  await deps.db.transaction((trx) => enqueueEmails(trx, [{ ...emails[0]!, idempotencyKey: 'bench:warm-up' }], now));
  await dispatcher.runOnce(now);

  const start = performance.now();
  let sent = 0;
  for (;;) {
    const r = await dispatcher.runOnce(now);
    sent += r.sent;
    if (r.retried || r.dead) throw new Error(`unexpected failures: ${JSON.stringify(r)}`);
    if (!r.claimed) break;
  }
  const seconds = (performance.now() - start) / 1000;
  const stored = await deps.db('outbox').where({ status: 'sent' }).count<{ n: number }[]>({ n: '*' });

  console.log(`outbox throughput: ${count} e-mails (batch ${batchSize}, ${concurrency} SMTP connections, SQLite)`);
  console.log(`  enqueue (one transaction): ${enqueueMs.toFixed(0)} ms`);
  console.log(`  dispatch (render + SMTP + mark): ${seconds.toFixed(2)} s → ${(sent / seconds).toFixed(0)} e-mails/s`);
  console.log(`  received by the SMTP server: ${received - 1}, rows marked sent: ${Number(stored[0]?.n) - 1}`);
  if (sent !== count || received - 1 !== count) process.exitCode = 1;

  await transport.close();
  await deps.db.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
