import { performance } from 'node:perf_hooks';
import crypto from 'node:crypto';
import os from 'node:os';
import type { Db } from '../platform/db';
import type { Clock } from '../platform/deps';
import type { Logger } from '../platform/logger';

/** This process, as the owner of a job's lease. */
const INSTANCE_ID = `${os.hostname().slice(0, 60)}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

export const DEFAULT_LEASE_MS = 10 * 60 * 1000;

/** Released leases point here, so any later attempt may take the slot over. */
const RELEASED = new Date(0).toISOString();

interface CoordinatorDeps {
  db: Db;
  logger?: Logger;
  clock?: Clock;
}

interface SlotRequest {
  job: string;
  slot: string;
  now: Date;
  leaseMs?: number;
  /** Defaults to this process; tests give two coordinators different owners. */
  owner?: string;
}

export type SlotOutcome<T> =
  { ran: true; result: T; takenOver: boolean } | { ran: false; reason: 'finished'; result: unknown } | { ran: false; reason: 'busy'; owner: string };

interface JobRunRow {
  id: number;
  owner: string;
  lease_until: string;
  finished_at: string | null;
  result: string | null;
}

/**
 * Runs `fn` at most once for (job, slot) across every instance sharing the database.
 * The row insert that wins runs; a stale lease (expired, not finished: a crashed run) is taken over by a conditional
 * UPDATE; a finished slot is never run again. Each step is a single statement, so no transaction stays open across
 * awaits (two SQLite connections would otherwise block each other). An error releases the lease and is rethrown.
 */
export async function runSlot<T>(deps: CoordinatorDeps, req: SlotRequest, fn: () => Promise<T>): Promise<SlotOutcome<T>> {
  const { db } = deps;
  const owner = req.owner ?? INSTANCE_ID;
  const leaseMs = req.leaseMs ?? DEFAULT_LEASE_MS;
  const startedAt = req.now.toISOString();
  const startedMs = performance.now();
  // Without a clock, time moves on from the caller's `now` (which tests may set anywhere) by the time elapsed since,
  // measured on the monotonic timer.
  const currentTime = () => deps.clock?.now() ?? new Date(req.now.getTime() + (performance.now() - startedMs));
  const leaseUntil = () => new Date(currentTime().getTime() + leaseMs).toISOString();

  const inserted = await db('job_run')
    .insert({ job: req.job, slot: req.slot, owner, started_at: startedAt, lease_until: leaseUntil(), finished_at: null, result: null })
    .onConflict(['job', 'slot'])
    .ignore()
    .returning('id');
  let takenOver = false;
  let id: number;
  if (inserted.length) {
    id = idOf(inserted[0]);
  } else {
    const row: JobRunRow | undefined = await db('job_run').where({ job: req.job, slot: req.slot }).first('id', 'owner', 'lease_until', 'finished_at', 'result');
    if (!row) throw new Error(`job_run row for ${req.job} ${req.slot} vanished`);
    if (row.finished_at) return { ran: false, reason: 'finished', result: parseResult(row.result) };
    if (row.lease_until >= startedAt) return { ran: false, reason: 'busy', owner: row.owner };
    const updated = await db('job_run')
      .where({ id: row.id, owner: row.owner, lease_until: row.lease_until })
      .whereNull('finished_at')
      .update({ owner, started_at: startedAt, lease_until: leaseUntil() });
    if (updated !== 1) return { ran: false, reason: 'busy', owner: row.owner };
    id = row.id;
    takenOver = true;
    deps.logger?.warn({ job: req.job, slot: req.slot, previousOwner: row.owner }, 'took over a stale job lease');
  }

  // Keep the lease alive while a long job runs.
  const heartbeat = setInterval(
    () => {
      db('job_run')
        .where({ id, owner })
        .whereNull('finished_at')
        .update({ lease_until: leaseUntil() })
        .catch((err: unknown) => deps.logger?.error({ err, job: req.job }, 'job lease renewal failed'));
    },
    Math.max(1000, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();

  let result: T;
  try {
    result = await fn();
  } catch (err) {
    clearInterval(heartbeat);
    await db('job_run')
      .where({ id, owner })
      .whereNull('finished_at')
      .update({ lease_until: RELEASED, result: JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) })
      .catch((releaseErr: unknown) => deps.logger?.error({ err: releaseErr, job: req.job }, 'job lease release failed'));
    throw err;
  }
  clearInterval(heartbeat);
  const finishedAt = currentTime().toISOString();
  const marked = await db('job_run')
    .where({ id, owner })
    .whereNull('finished_at')
    .update({ finished_at: finishedAt, lease_until: finishedAt, result: JSON.stringify(result ?? null) });
  if (marked !== 1) deps.logger?.warn({ job: req.job, slot: req.slot }, 'job finished after its lease was taken over');
  return { ran: true, result, takenOver };
}

/** Removes finished run records older than `before` (housekeeping). */
export async function pruneJobRuns(db: Db, before: Date): Promise<number> {
  return db('job_run').whereNotNull('finished_at').where('finished_at', '<', before.toISOString()).delete();
}

function idOf(row: unknown): number {
  return typeof row === 'object' && row !== null ? Number((row as { id: number }).id) : Number(row);
}

function parseResult(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
