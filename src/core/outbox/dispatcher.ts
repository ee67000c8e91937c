import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import os from 'node:os';
import type { Knex } from 'knex';
import type { Deps } from '../../platform/deps';
import type { Language } from '../../platform/i18n';
import { createEmailRenderer, EmailTemplateNotFoundError, type EmailRenderer, type RenderedEmail, type TemplateOverride } from './render';
import {
  claimDueRows,
  installationId,
  markDead,
  markExpired,
  markRetry,
  markSent,
  releaseRows,
  renewLeases,
  sweepFinishedRows,
  type OutboxRow,
} from './repository';
import { openEmailData } from './sealed';
import { SMTP_TIMEOUTS, type MailTransport } from './transport';
import { loadOverrides, overrideKey } from './template-overrides-repository';

/*
 * Outbox dispatcher – delivery guarantee
 * ======================================
 * E-mails are rows written in the same transaction as the change that causes them (enqueue.ts), so an e-mail exists
 * if and only if that change committed, and nothing is lost while SMTP is down: the row simply waits.
 *
 * A dispatcher claims due rows with a lease (conditional UPDATE; FOR UPDATE SKIP LOCKED on PostgreSQL), so two
 * dispatchers – in one process or on several machines – never hold the same row at the same time. It renders, hands the
 * message to the SMTP server, then marks the row `sent` (only if it still holds the lease).
 *
 * Delivery is AT LEAST ONCE, with duplicates rare and recognisable:
 * - Every attempt of a row carries the same Message-ID, <sha256(installation id : idempotency key)@domain>, so a
 *   duplicate is the same message to mail servers and clients (many deduplicate on it), and to anyone reading the logs.
 *   The installation id is a random UUID made once per database (table `installation`), so two installations (a test
 *   copy, another company's) never produce the same Message-ID for the same idempotency key.
 * - The only window for a duplicate is a crash (or a network cut) after the server accepted the message and before the
 *   row was marked: the row stays `sending` until its lease runs out, then another run sends it once more. One such
 *   crash causes at most one extra copy. A 250 reply lost in transit looks like a failure and is retried likewise.
 * - Leases are short (60 s) and renewed every 20 s while the batch is being sent, so the rows of a process killed with
 *   kill -9 are taken over within about a minute. stop() (SIGTERM) gives back at once the claimed rows not attempted
 *   yet (pending again, no attempt counted) and waits for the message in flight up to STOP_GRACE_MS (the SMTP socket
 *   timeout); past that it gives up and the row is taken over when its lease runs out.
 * - Exactly once is impossible over SMTP: acceptance by the server (the 250 reply to DATA) and our commit are two
 *   separate systems with no shared transaction and no way to ask the server "did you already get this?". Whichever
 *   we do first, a crash between the two either loses the e-mail (mark first) or may repeat it (send first). We send
 *   first: an invitation sent twice is a nuisance, an invitation never sent is a failure.
 * - nodemailer's own requeue is off (maxRequeues 0), so it never re-sends behind the outbox's back.
 *
 * Failures are retried by time, not by count. Only a permanent refusal of the recipient (a 5xx reply to RCPT TO or to
 * DATA) is final at once → `dead` with the reason. Anything else is transient, including a 5xx for the whole session
 * (554 at the greeting, a refused EHLO, MAIL FROM or AUTH), a refused connection, a timeout and any 4xx: back to
 * `pending` with next_attempt_at = now + min(30 s · 2^(attempts−1), 6 h) + up to 10 % jitter, never later than
 * created_at + OUTBOX_MAX_AGE (default 5 days); a failure at or past that deadline → `dead`. An e-mail with an
 * expires_at (the signing code) whose next attempt would come too late is dropped as `expired` instead, and a waiting
 * row past its expires_at is swept to `expired` before each pass. A template that is missing or fails to render is
 * dead at once.
 * last_error holds only codes (e.g. "SMTP 550 5.1.1", "ECONNECTION"), never addresses or server prose.
 * Rows that carry a secret (the signing code) have their data and bodies wiped once finished, unless in the
 * development mailbox, which must show them.
 */

const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 6 * 60 * 60 * 1000;
/** How long a claim protects a row unless renewed (renewed every third of it while the batch is being sent). */
export const LEASE_MS = 60_000;
/** How long stop() waits for the message in flight: the SMTP socket timeout, after which nodemailer gives up anyway. */
export const STOP_GRACE_MS = SMTP_TIMEOUTS.socketMs;

/** Templates whose data is a secret that must not rest in the database once the e-mail has left (SECURITY.md). */
const SECRET_TEMPLATES = new Set(['signing-code', 'additional-approval-request']);

interface DispatcherOptions {
  /** Rows claimed per query. */
  batchSize?: number;
  /** Messages in flight at once (match the SMTP pool size). */
  concurrency?: number;
  /** How long a claim protects a row without renewal (default LEASE_MS). */
  leaseMs?: number;
  /** How often the rows of a batch being sent have their lease renewed (default leaseMs / 3). */
  renewEveryMs?: number;
  /** How long stop() waits for the messages in flight (default STOP_GRACE_MS). */
  stopGraceMs?: number;
  /** Identifies this dispatcher in lease_owner. */
  owner?: string;
  /** Longest wait before a queued mark is committed (group commit). */
  markDelayMs?: number;
  /** [0, 1) source for the jitter (tests fix it). */
  random?: () => number;
  renderer?: EmailRenderer;
  /** Told of each row's outcome once its attempt is over (metrics: sends and failures); must not throw. */
  onResult?: (result: { template: string; outcome: DeliveryOutcome }) => void;
}

/** What one attempt did to a row: delivered, back to pending for a later attempt, given up, or dropped as expired. */
export type DeliveryOutcome = 'sent' | 'retried' | 'dead' | 'expired';

interface RunSummary {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  expired: number;
  released: number;
}

export interface OutboxDispatcher {
  name: string;
  /** One pass: claim due rows, send them, mark them. Safe to call concurrently from several dispatchers. */
  runOnce(now?: Date): Promise<RunSummary>;
  /** Polls every config.mail.pollMs, draining the queue in batches. */
  start(): void;
  /**
   * Stops polling, gives back at once the claimed rows not yet handed to the server, waits for the messages in flight
   * (at most stopGraceMs), closes the transport.
   */
  stop(): Promise<void>;
}

/** `secrets` opens the sealed values of e-mails that carry a secret (sealed.ts); without it such rows go dead. */
type DispatcherDeps = Pick<Deps, 'config' | 'db' | 'logger' | 'clock'> & Partial<Pick<Deps, 'secrets'>>;

/**
 * `<64 hex chars@domain>`: the same for every attempt of one outbox row, different for the same idempotency key in
 * another installation (another database).
 */
export function messageIdFor(installation: string, idempotencyKey: string, mailFrom: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'sesame.invalid';
  return `<${crypto.createHash('sha256').update(`${installation}:${idempotencyKey}`).digest('hex')}@${domain}>`;
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  return base + Math.floor(random() * base * 0.1);
}

/** The SMTP commands after which a 5xx refuses this recipient or this message for good. */
const PERMANENT_AFTER = new Set(['RCPT TO', 'DATA']);

/**
 * Whether a send failure is permanent (a 5xx reply to RCPT TO or DATA: this recipient or message is refused), and a
 * description with codes and the SMTP command only (no address, no server prose). A 5xx anywhere else (greeting, EHLO,
 * AUTH, MAIL FROM) refuses the whole session, not this e-mail: transient.
 */
export function classifySendError(err: unknown): { permanent: boolean; summary: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; responseCode?: unknown; response?: unknown; command?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z0-9_]{1,30}$/.test(e.code) ? e.code : 'ERROR';
  const command = typeof e.command === 'string' && /^[A-Z][A-Z ]{1,15}$/.test(e.command) ? e.command : undefined;
  if (typeof e.responseCode === 'number') {
    const enhanced = typeof e.response === 'string' ? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(e.response)?.[1] : undefined;
    const summary = `SMTP ${e.responseCode}${enhanced ? ` ${enhanced}` : ''}${command ? ` after ${command}` : ''} (${code})`;
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && command !== undefined && PERMANENT_AFTER.has(command);
    return { permanent, summary };
  }
  return { permanent: false, summary: code };
}

/**
 * Group commit for the marks. A dispatcher does not wait for one row's mark before sending the next: marks queue up and
 * are committed together, at the latest `maxDelayMs` after the first one or as soon as `maxSize` wait, so a busy
 * dispatcher pays one fsync for many rows instead of one each (better-sqlite3 blocks the event loop while it commits,
 * which would otherwise slow every web request during a bulk send). Every statement stays the conditional per-row
 * UPDATE. The price: a crash can now leave unmarked the few rows accepted in the last few milliseconds instead of only
 * the ones in flight; they are re-sent once after their lease, like any other crash (see above).
 */
function createGroupCommit(db: Db, opts: { maxDelayMs: number; maxSize: number }) {
  type Job = { run: (trx: Knex.Transaction) => Promise<boolean>; resolve: (v: boolean) => void; reject: (e: unknown) => void };
  let queue: Job[] = [];
  let active: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const drain = async () => {
    const jobs = queue.slice(0, opts.maxSize);
    queue = queue.slice(jobs.length);
    try {
      const results = await db.transaction(async (trx) => {
        const out: boolean[] = [];
        for (const job of jobs) out.push(await job.run(trx));
        return out;
      });
      jobs.forEach((job, i) => job.resolve(results[i] as boolean));
    } catch (err) {
      jobs.forEach((job) => job.reject(err));
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (active || !queue.length) return;
    active = drain().finally(() => {
      active = undefined;
      schedule();
    });
  };
  const schedule = () => {
    if (active || !queue.length) return;
    if (queue.length >= opts.maxSize || opts.maxDelayMs <= 0) flush();
    else timer ??= setTimeout(flush, opts.maxDelayMs);
  };
  return (run: Job['run']) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ run, resolve, reject });
      schedule();
    });
}

export function createOutboxDispatcher(deps: DispatcherDeps, transport: MailTransport, options: DispatcherOptions = {}): OutboxDispatcher {
  const { config, db, logger, clock } = deps;
  const maxAgeMs = config.mail.maxAgeMs;
  const batchSize = options.batchSize ?? 20;
  const concurrency = Math.max(1, options.concurrency ?? 5);
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(leaseMs / 3);
  const stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
  const owner = (options.owner ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`).slice(0, 64);
  const random = options.random ?? Math.random;
  const renderer = options.renderer ?? createEmailRenderer({ baseUrl: config.publicBaseUrl });
  const keepSecrets = transport.kind === 'dev-mailbox';
  const log = logger.child({ component: 'outbox' });
  const commit = createGroupCommit(db, { maxDelayMs: options.markDelayMs ?? 10, maxSize: 100 });

  let stopping = false;
  let installation: string | undefined;

  /** A pass in progress: the rows it holds and those not handed to the server yet (given back at once by stop()). */
  interface Pass {
    summary: RunSummary;
    waiting: OutboxRow[];
    held: Set<number>;
    done: Promise<unknown>;
  }
  const passes = new Set<Pass>();

  /** Gives back the pass's rows not attempted yet: pending again, no attempt counted. */
  async function releaseWaiting(pass: Pass): Promise<void> {
    const rows = pass.waiting.splice(0);
    if (!rows.length) return;
    rows.forEach((r) => pass.held.delete(r.id));
    const released = await releaseRows(
      db,
      owner,
      rows.map((r) => r.id),
    );
    pass.summary.released += released;
    log.info({ count: released }, 'outbox rows not attempted given back (stopping)');
  }

  /** Sends one claimed row and queues its mark in `marks` (committed by the group commit; runOnce waits for them). */
  async function deliver(
    row: OutboxRow,
    now: Date,
    marks: Promise<unknown>[],
    overrides: Map<string, TemplateOverride>,
  ): Promise<keyof Omit<RunSummary, 'claimed' | 'released'>> {
    const mark = (run: (trx: Knex.Transaction) => Promise<boolean>, then?: (marked: boolean) => void) => {
      marks.push(commit(run).then(then));
    };
    const wipe = SECRET_TEMPLATES.has(row.template) && !keepSecrets;
    const ref = { outboxId: row.id, template: row.template, attempt: row.attempts };
    let rendered: RenderedEmail;
    try {
      const data = openEmailData(deps.secrets?.dataKeyring(), row.idempotency_key, JSON.parse(row.data) as Record<string, unknown>);
      rendered = renderer.render(row.template, row.language as Language, data, overrides.get(overrideKey(row.template, row.language)));
    } catch (err) {
      const reason = err instanceof EmailTemplateNotFoundError ? 'template missing' : 'render failed';
      log.error({ ...ref, reason, err: { name: (err as Error).name, message: (err as Error).message } }, 'e-mail cannot be rendered; marked dead');
      mark((trx) => markDead(trx, row, owner, reason, wipe ? '{}' : undefined));
      return 'dead';
    }
    installation ??= await installationId(db);
    const messageId = messageIdFor(installation, row.idempotency_key, config.mail.from);
    try {
      await transport.send({ to: row.recipient, language: row.language, ...rendered, messageId });
    } catch (err) {
      const { permanent, summary } = classifySendError(err);
      if (permanent) {
        log.error({ ...ref, error: summary }, 'e-mail refused by the server; marked dead');
        mark((trx) => markDead(trx, row, owner, summary, wipe ? '{}' : undefined));
        return 'dead';
      }
      const deadline = Date.parse(row.created_at) + maxAgeMs;
      const next = new Date(Math.min(now.getTime() + retryDelayMs(row.attempts, random), deadline));
      if (row.expires_at && next.toISOString() >= row.expires_at) {
        log.warn({ ...ref, error: summary, expiresAt: row.expires_at }, 'e-mail not delivered before it expires; dropped');
        mark((trx) => markExpired(trx, row, owner, summary, '{}'));
        return 'expired';
      }
      if (now.getTime() >= deadline) {
        log.error({ ...ref, error: summary, maxAgeMs }, 'e-mail not delivered within OUTBOX_MAX_AGE; marked dead');
        mark((trx) => markDead(trx, row, owner, summary, wipe ? '{}' : undefined));
        return 'dead';
      }
      log.warn({ ...ref, error: summary, nextAttemptAt: next.toISOString() }, 'e-mail not delivered; will retry');
      mark((trx) => markRetry(trx, row, owner, next, summary));
      return 'retried';
    }
    mark(
      (trx) =>
        markSent(trx, row, owner, {
          at: now,
          messageId,
          subject: rendered.subject,
          html: wipe ? null : rendered.html,
          text: wipe ? null : rendered.text,
          ...(wipe ? { data: '{}' } : {}),
        }),
      (marked) => {
        if (!marked) log.warn(ref, 'outbox lease lost while sending; this e-mail may be delivered twice (same Message-ID)');
        else log.debug(ref, transport.kind === 'dev-mailbox' ? 'e-mail kept in the development mailbox' : 'e-mail sent');
      },
    );
    return 'sent';
  }

  async function runOnce(now: Date = clock.now()): Promise<RunSummary> {
    const summary: RunSummary = { claimed: 0, sent: 0, retried: 0, dead: 0, expired: 0, released: 0 };
    if (stopping) return summary;
    const swept = await sweepFinishedRows(db, now, maxAgeMs);
    if (swept.expired) log.warn({ count: swept.expired }, 'outbox rows not sent before they expired; dropped');
    if (swept.dead) log.error({ count: swept.dead }, 'outbox rows abandoned mid-send after OUTBOX_MAX_AGE; marked dead');
    summary.expired += swept.expired;
    summary.dead += swept.dead;
    const rows = await claimDueRows(db, { owner, now, leaseUntil: new Date(now.getTime() + leaseMs), limit: batchSize });
    summary.claimed = rows.length;
    if (!rows.length) return summary;
    let finish: () => void = () => undefined;
    const pass: Pass = { summary, waiting: [...rows], held: new Set(rows.map((r) => r.id)), done: new Promise<void>((r) => (finish = r)) };
    passes.add(pass);
    // The lease is renewed while the batch is being sent (from the pass's time, or the clock's if later).
    const renew = setInterval(() => {
      const until = new Date(Math.max(now.getTime(), clock.now().getTime()) + leaseMs);
      renewLeases(db, owner, [...pass.held], until).catch((err: unknown) => log.warn({ err }, 'outbox lease renewal failed'));
    }, renewEveryMs);
    renew.unref();
    const marks: Promise<unknown>[] = [];
    try {
      // stop() may have come while the rows were being claimed.
      if (stopping) await releaseWaiting(pass);
      // The platform administrator's edited templates (SPEC §4.1), read once per pass.
      const overrides = pass.waiting.length ? await loadOverrides(db) : new Map<string, TemplateOverride>();
      const lane = async () => {
        for (let row = pass.waiting.shift(); row; row = pass.waiting.shift()) {
          const outcome = await deliver(row, now, marks, overrides);
          pass.held.delete(row.id);
          summary[outcome]++;
          try {
            options.onResult?.({ template: row.template, outcome });
          } catch (err) {
            log.warn({ err }, 'outbox result hook failed');
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
      } finally {
        // Every mark committed (or failed) before the pass ends, so callers and the next pass see the final state.
        await Promise.allSettled(marks);
      }
      await Promise.all(marks);
      return summary;
    } finally {
      clearInterval(renew);
      passes.delete(pass);
      finish();
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;

  const tick = () => {
    timer = undefined;
    running = (async () => {
      try {
        // Drain: keep going while full batches come back, then wait for the next poll.
        while (!stopping && (await runOnce()).claimed === batchSize);
      } catch (err) {
        log.error({ err }, 'outbox pass failed');
      } finally {
        running = undefined;
        if (started && !stopping) {
          timer = setTimeout(tick, config.mail.pollMs);
          timer.unref();
        }
      }
    })();
  };

  return {
    name: 'outbox',
    runOnce,
    start() {
      if (started) return;
      started = true;
      stopping = false;
      timer = setTimeout(tick, 0);
      timer.unref();
    },
    async stop() {
      stopping = true;
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const current = [...passes];
      await Promise.all(current.map(releaseWaiting));
      let grace: NodeJS.Timeout | undefined;
      const inFlight = Promise.all([running, ...current.map((p) => p.done)]).then(() => true);
      const finished = await Promise.race([inFlight, new Promise<boolean>((r) => (grace = setTimeout(() => r(false), stopGraceMs)))]);
      clearTimeout(grace);
      if (!finished) {
        log.warn({ graceMs: stopGraceMs }, 'e-mail still in flight at shutdown; its row is retried once its lease runs out (same Message-ID)');
      }
      await transport.close();
    },
  };
}
