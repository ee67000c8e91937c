import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { cachePerDb } from '../../core/data-version/versioned-cache';
import type { Db } from '../../platform/db';
import type { Deps } from '../../platform/deps';
import type { Actor } from '../../core/administrators/repository';
import { tFor, type Language } from '../../platform/i18n';
import { NotFoundError } from '../../lib/errors';
import { paginate, type ListQuery, type SortDirection } from '../../lib/list-query';
import { spreadsheetFile, type SpreadsheetFile, type SpreadsheetFormat } from '../../lib/spreadsheet-export';
import { STATUSES, type Status } from '../../core/application/status';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { localDate, utcOffsetMs } from '../../lib/time-zone';
import { mapInSlices } from '../../lib/slices';
import { oneAtATime } from '../../lib/one-at-a-time';
import { countsByKeyAndStatus } from '../../core/application/counts-repository';
import { readDocument } from '../../core/application/documents';
import { findApplicationInScope } from '../../core/application/repository';
import { findSignature } from '../../core/application/signatures-repository';
import { readSignedPdf } from '../../core/archive/archive';
import {
  batchInScope,
  countMatching,
  keysOfAccounts,
  listPage,
  matchingIdsInOrder,
  rowsByIds,
  type SummaryKey,
  type TrackingRow,
  type TrackingSort,
} from './repository';
import { filtersForAudit, type TrackingFilters } from './schema';
import { chartEvents, storedPeriods, storePeriod, type EventScope } from './charts-repository';
import {
  addStoredTally,
  addToTally,
  aggregateEvents,
  chartData,
  emptyTally,
  planChart,
  settle,
  tallyToJson,
  type ChartData,
  type ChartWeek,
  type PeriodStats,
  type StoredPeriod,
  type Tally,
} from './charts';

/** The list's sort keys (what the route accepts in ?sort=). */
export { TRACKING_SORTS } from './repository';

type StatusCounts = Record<Status, number>;

interface SummaryRow {
  key: SummaryKey;
  counts: StatusCounts;
  total: number;
  urgent: number;
}

export interface Summary {
  rows: SummaryRow[];
  totals: { counts: StatusCounts; total: number; urgent: number };
  /** Every key of the BCs, deleted ones included (the charts' key filter). */
  keys: SummaryKey[];
}

const ZERO_COUNTS = Object.freeze(Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts);

function zeroCounts(): StatusCounts {
  return { ...ZERO_COUNTS };
}

/**
 * The keys of these BCs (deleted ones included), kept per process under the `keys` data version, which the database
 * bumps on every write to access_key or account (migrations/20261209_200_data_version.ts): a key created, renamed or
 * deleted anywhere shows from the next request.
 */
const keysCache = cachePerDb<SummaryKey[]>('keys', 500);

async function keysOf(db: Db, accountIds: number[]): Promise<SummaryKey[]> {
  return keysCache(db).get(accountIds.join(','), () => keysOfAccounts(db, accountIds));
}

/**
 * "Suivi du statut des demandes de cartes": one row per key of the actor's BCs (keys without applications included;
 * deleted keys only when they have some), the number of applications per status, the total and the urgent ones.
 * The numbers come from one grouped query.
 */
export async function trackingSummary(db: Db, actor: Pick<Actor, 'id' | 'accountIds'>): Promise<Summary> {
  const [keys, counts] = await Promise.all([keysOf(db, actor.accountIds), countsByKeyAndStatus(db, actor.accountIds)]);
  const byKey = new Map<number, SummaryRow>();
  for (const key of keys) byKey.set(key.id, { key, counts: zeroCounts(), total: 0, urgent: 0 });
  const totals = { counts: zeroCounts(), total: 0, urgent: 0 };
  for (const c of counts) {
    const row = byKey.get(c.keyId);
    if (!row || !(c.status in row.counts)) continue;
    row.counts[c.status] += c.n;
    row.total += c.n;
    row.urgent += c.urgent;
    totals.counts[c.status] += c.n;
    totals.total += c.n;
    totals.urgent += c.urgent;
  }
  const rows = [...byKey.values()].filter((r) => !r.key.deletedAt || r.total > 0);
  return { rows, totals, keys };
}

/** Every key of these BCs, deleted ones included: the keys the charts may be drawn for. */
export async function chartKeysOf(db: Db, accountIds: number[]): Promise<SummaryKey[]> {
  return keysOf(db, accountIds);
}

/** Stretches are counted and stored one at a time in a process (the first view after a week, a day or an hour). */
const chartCountTurn = oneAtATime();

const periodId = (p: { from: Date; to: Date }) => `${p.from.toISOString()}/${p.to.toISOString()}`;
const startOf = (p: { from: Date }) => p.from.toISOString();

/**
 * A stored stretch's counts summed over a set of keys, kept in memory per database: a stretch's counts never change
 * once stored, so the sum is read from the database once per process (an administrator of 50 BCs sums 50 rows per
 * week: 1,300 rows and some 450 KB of JSON for the 26 weeks). At most CHART_MEMO_MAX sums, the oldest used dropped.
 */
const CHART_MEMO_MAX = 2_000;
const chartMemos = new WeakMap<Db, Map<string, PeriodStats>>();

function chartMemo(db: Db): Map<string, PeriodStats> {
  let memo = chartMemos.get(db);
  if (!memo) chartMemos.set(db, (memo = new Map()));
  return memo;
}

function remember(memo: Map<string, PeriodStats>, id: string, stats: PeriodStats): void {
  memo.delete(id);
  if (memo.size >= CHART_MEMO_MAX) memo.delete(memo.keys().next().value as string);
  memo.set(id, stats);
}

/** Whose charts: every BC (a platform administrator), or the BCs given with their keys; and possibly one key of them. */
export interface ChartScope {
  everyBc: boolean;
  accountIds: number[];
  /** The keys of those BCs (deleted ones included). */
  keyIds: number[];
  /** One key of them, or every key. */
  keyId?: number;
}

/**
 * The tracking charts' numbers for the last 26 weeks (see charts.ts). Finished stretches of time are the sums of
 * their stored counts over the keys asked for (every key together for a platform administrator): from memory, else
 * read back, else counted from the history and stored first. The last hour or two is counted from the history, within
 * the BCs.
 */
export async function trackingCharts(db: Db, scope: ChartScope, input: { now: Date; timeZone: string }): Promise<ChartData> {
  const plan = planChart(input.now, input.timeZone);
  const keyIds = scope.keyId !== undefined ? [scope.keyId] : scope.everyBc ? [0] : [...scope.keyIds].sort((a, b) => a - b);
  const events: EventScope = scope.everyBc ? { keyId: scope.keyId } : { accountIds: scope.accountIds, keyId: scope.keyId };
  const parts: PeriodStats[][] = plan.weeks.map(() => []);
  if (keyIds.length) {
    const memo = chartMemo(db);
    const memoId = (p: StoredPeriod) => `${keyIds.join(',')}|${periodId(p)}`;
    const missing: StoredPeriod[] = [];
    for (const p of plan.stored) {
      const stats = memo.get(memoId(p));
      if (stats) remember(memo, memoId(p), stats);
      else missing.push(p);
    }
    const found = missing.length
      ? await storedOrCounted(db, missing, keyIds, events, { now: input.now, sinceIso: (plan.weeks[0] as ChartWeek).from.toISOString() })
      : new Map();
    for (const p of plan.stored) {
      const stats = (memo.get(memoId(p)) ?? found.get(periodId(p))) as PeriodStats;
      if (found.has(periodId(p))) remember(memo, memoId(p), stats);
      (parts[p.week] as PeriodStats[]).push(stats);
    }
  }
  const live = keyIds.length
    ? await chartEvents(db, { fromIso: plan.live.from.toISOString(), toIso: new Date(plan.live.to.getTime() + 1).toISOString() }, events)
    : [];
  const liveWeeks = aggregateEvents(live, plan.weeks, { perKey: false });
  // A week of one stored part is that part (never changed: it may be remembered); else its parts are summed.
  const perWeek = parts.map((list, week) => {
    const liveTally = liveWeeks[week]?.get(0);
    if (list.length === 1 && !liveTally) return list[0] as PeriodStats;
    const sum = emptyTally();
    for (const part of list) addToTally(sum, part);
    if (liveTally) addToTally(sum, liveTally);
    return settle(sum);
  });
  return chartData(plan.weeks, perWeek);
}

/**
 * The counts of these stretches summed over the keys: read back when stored, else counted from the history and
 * stored (one request at a time in a process), the sums taken from what was counted. A stretch that another process
 * replaced meanwhile by a longer one is counted from the history within the BCs.
 */
async function storedOrCounted(
  db: Db,
  periods: StoredPeriod[],
  keyIds: number[],
  events: EventScope,
  opts: { now: Date; sinceIso: string },
): Promise<Map<string, PeriodStats>> {
  const found = await storedSums(db, periods, keyIds);
  const notStored = periods.filter((p) => !found.has(periodId(p)));
  if (!notStored.length) return found;
  const counted = await chartCountTurn(() => countAndStore(db, notStored, opts));
  for (const p of notStored) {
    const byKey = counted.get(periodId(p));
    if (!byKey) continue;
    const sum = emptyTally();
    for (const keyId of keyIds) {
      const tally = byKey.get(keyId);
      if (tally) addToTally(sum, tally);
    }
    found.set(periodId(p), settle(sum));
  }
  const storedMeanwhile = notStored.filter((p) => !found.has(periodId(p)));
  if (storedMeanwhile.length) for (const [id, stats] of await storedSums(db, storedMeanwhile, keyIds)) found.set(id, stats);
  for (const p of storedMeanwhile) {
    if (found.has(periodId(p))) continue;
    const [byKey] = aggregateEvents(await chartEvents(db, { fromIso: p.from.toISOString(), toIso: p.to.toISOString() }, events), [p], { perKey: false });
    found.set(periodId(p), settle(byKey?.get(0) ?? emptyTally()));
  }
  return found;
}

/** The stored counts of these stretches summed over the keys, for the stretches stored (their row of key 0 exists). */
async function storedSums(db: Db, periods: StoredPeriod[], keyIds: number[]): Promise<Map<string, PeriodStats>> {
  const wanted = new Set(periods.map(periodId));
  const summed = new Set(keyIds);
  const sums = new Map<string, Tally>();
  const stored = new Set<string>();
  const rows = await storedPeriods(db, periods.map(startOf), [0, ...keyIds]);
  for (const row of rows) {
    const id = `${row.start}/${row.end}`;
    if (!wanted.has(id)) continue;
    if (row.keyId === 0) stored.add(id);
    if (!summed.has(row.keyId)) continue;
    let sum = sums.get(id);
    if (!sum) sums.set(id, (sum = emptyTally()));
    addStoredTally(sum, row.stats);
  }
  return new Map([...stored].map((id) => [id, settle(sums.get(id) ?? emptyTally())]));
}

/**
 * Counts the stretches not stored yet (another request may have stored some while this one waited its turn) from the
 * whole history, per key and for every key together, and stores them; the event loop is free between two stretches.
 * Returns what it counted, per stretch and key.
 */
async function countAndStore(db: Db, periods: StoredPeriod[], opts: { now: Date; sinceIso: string }): Promise<Map<string, Map<number, Tally>>> {
  const counted = new Map<string, Map<number, Tally>>();
  const markers = await storedPeriods(db, periods.map(startOf), [0]);
  const stored = new Set(markers.map((r) => `${r.start}/${r.end}`));
  for (const p of periods) {
    if (stored.has(periodId(p))) continue;
    const fromIso = p.from.toISOString();
    const toIso = p.to.toISOString();
    const [byKey = new Map<number, Tally>()] = aggregateEvents(await chartEvents(db, { fromIso, toIso }), [p], { perKey: true });
    if (!byKey.has(0)) byKey.set(0, emptyTally());
    const rows = [...byKey].map(([keyId, tally]) => ({ keyId, stats: tallyToJson(tally) }));
    await storePeriod(db, { fromIso, toIso }, rows, { nowIso: opts.now.toISOString(), forgetBeforeIso: opts.sinceIso });
    counted.set(periodId(p), byKey);
    await nextTurn();
  }
  return counted;
}

/** A batch of the actor's BCs, named in the list's filters. */
export type ScopedBatch = Awaited<ReturnType<typeof batchInScope>>;

/** What the list's filters are checked against: the keys of the actor's BCs, and the batch named (when it is theirs). */
export async function filterScope(db: Db, accountIds: number[], batchId: number | undefined): Promise<{ keys: SummaryKey[]; batch: ScopedBatch }> {
  const keys = await keysOf(db, accountIds);
  const batch = batchId !== undefined ? await batchInScope(db, batchId, accountIds) : undefined;
  return { keys, batch };
}

/** The list's page: the number of matching applications, and the rows of the page asked for (within that number). */
export async function applicationsPage(
  db: Db,
  accountIds: number[],
  filters: TrackingFilters,
  query: ListQuery<TrackingSort>,
): Promise<{ total: number; rows: TrackingRow[] }> {
  const total = await countMatching(db, accountIds, filters);
  const window = paginate(query, total);
  const rows = await listPage(db, accountIds, filters, { sort: query.sort, dir: query.dir, limit: window.pageSize, offset: window.offset });
  return { total, rows };
}

/** The export refuses more rows than this (the page asks to narrow the filter instead of building a huge file). */
export const EXPORT_MAX_ROWS = 20_000;

export class ExportTooLargeError extends Error {
  constructor(readonly count: number) {
    super(`export of ${count} rows refused`);
  }
}

/** An instant as 'YYYY-MM-DD HH:MM' in the service's time zone (sorts as text in a spreadsheet). */
export function localDateTime(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  // An export formats three instants per row: the zone's offset is read from Intl once per quarter hour
  // (utcOffsetMs), and the wall clock is then plain arithmetic (one Intl call per value took 0.35 s for 19,000 rows).
  const local = new Date(d.getTime() + utcOffsetMs(d, timeZone));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(local.getUTCFullYear()).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

const EXPORT_COLUMN_KEYS = [
  'reference',
  'title',
  'firstName',
  'lastName',
  'email',
  'companyName',
  'accountNumber',
  'keyName',
  'keyNumber',
  'status',
  'priority',
  'origin',
  'createdAt',
  'statusChangedAt',
  'submittedAt',
] as const;

/**
 * The filtered list as xlsx or csv (every cell text, formula triggers neutralised by spreadsheetFile). The export is
 * an access to personal data: the audit entry (filter codes only, never the text typed) is written first, in the
 * same transaction as the read, so there is no file without its entry.
 */
/** Rows read per query for an export; other requests are served between two reads. */
const EXPORT_READ_SLICE = 1_000;

/**
 * The rows of an export, in list order, read EXPORT_READ_SLICE at a time with the event loop free in between: read in
 * one go, 19,000 rows held every other request (and, on SQLite, the one connection) for 0.2–0.3 s. The list (ids,
 * count, audit entry) is fixed in one transaction; the details are read just after it.
 */
export async function exportRows(db: Db, accountIds: number[], ids: number[], slice = EXPORT_READ_SLICE): Promise<TrackingRow[]> {
  const rows: TrackingRow[] = [];
  for (let start = 0; start < ids.length; start += slice) {
    if (start > 0) await nextTurn();
    rows.push(...(await rowsByIds(db, accountIds, ids.slice(start, start + slice))));
  }
  return rows;
}

/**
 * Exports are built one at a time: a 20,000-row export holds some 100 MB (csv) to 250 MB (xlsx, its writer thread
 * included) while it is built; four xlsx at the same moment took the process to 470 MB. The others wait their turn
 * (a second or two each).
 */
const exportTurn = oneAtATime();

interface ExportInput {
  filters: TrackingFilters;
  sort: TrackingSort;
  dir: SortDirection;
  format: SpreadsheetFormat;
  lang: Language;
  timeZone: string;
  now: Date;
}

export async function exportApplications(db: Db, actor: Pick<Actor, 'id' | 'accountIds'>, access: AuditContext, input: ExportInput): Promise<SpreadsheetFile> {
  return exportTurn(() => buildExport(db, actor, access, input));
}

async function buildExport(db: Db, actor: Pick<Actor, 'id' | 'accountIds'>, access: AuditContext, input: ExportInput): Promise<SpreadsheetFile> {
  const t = tFor(input.lang);
  const ids = await db.transaction(async (trx) => {
    const count = await countMatching(trx, actor.accountIds, input.filters);
    if (count > EXPORT_MAX_ROWS) throw new ExportTooLargeError(count);
    const found = await matchingIdsInOrder(trx, actor.accountIds, input.filters, input.sort, input.dir, EXPORT_MAX_ROWS);
    await recordAudit(trx, {
      ...access,
      at: input.now,
      action: 'applications.export',
      object: { type: 'application_list', id: input.format },
      details: { format: input.format, count: found.length, filters: filtersForAudit(input.filters), sort: input.sort, dir: input.dir },
    });
    return found;
  });
  const rows = await exportRows(db, actor.accountIds, ids);
  const tz = input.timeZone;
  const cells = await mapInSlices(rows, (r) => [
    r.reference,
    r.title ? t(`applications:titles.${r.title}`, { defaultValue: r.title }) : '',
    r.firstName,
    r.lastName,
    r.email,
    r.companyName,
    r.accountNumber,
    r.keyName,
    r.keyNumber,
    t(`applications:statuses.${r.status}`),
    t(`applications:priorities.${r.priority}`),
    t(`applications:origins.${r.origin}`),
    localDateTime(r.createdAt, tz),
    localDateTime(r.statusChangedAt, tz),
    localDateTime(r.submittedAt, tz),
  ]);
  const headers = EXPORT_COLUMN_KEYS.map((k) => t(`tracking:export.columns.${k}`));
  return spreadsheetFile(input.format, `${t('tracking:export.fileName')}-${localDate(input.now, tz)}`, headers, cells, t('tracking:export.sheetName'));
}

type DownloadDeps = Pick<Deps, 'config' | 'db'>;

/** Who downloads (an administrator, within their BCs), from where and when: every download is audited. */
export interface Downloader {
  actor: Pick<Actor, 'accountIds'>;
  access: AuditContext;
  now: Date;
}

/** A supporting document of an application of the actor's BCs (another BC's → 404), its download audited. */
export async function documentDownload(
  deps: DownloadDeps,
  by: Downloader,
  input: { applicationId: number; documentId: number },
): Promise<{ headers: Record<string, string>; stream: Readable }> {
  const { applicationId, documentId } = input;
  const { document, headers, stream } = await readDocument(deps, deps.db, { applicationId, documentId, accountIds: by.actor.accountIds });
  try {
    await recordAudit(deps.db, {
      ...by.access,
      at: by.now,
      action: 'document.download',
      applicationId,
      object: { type: 'document', id: document.id },
      details: { kind: document.kind, sha256: document.sha256, size: document.size },
    });
  } catch (err) {
    stream.destroy();
    throw err;
  }
  return { headers, stream };
}

/** A signed version's PDF of an application of the actor's BCs (another BC's → 404), from the archive, audited. */
export async function signedPdfDownload(
  deps: DownloadDeps,
  by: Downloader,
  input: { applicationId: number; version: number },
): Promise<{ pdf: Buffer; fileName: string }> {
  const { db } = deps;
  const { applicationId, version } = input;
  if (!(await findApplicationInScope(db, applicationId, by.actor.accountIds))) throw new NotFoundError('application');
  const signature = await findSignature(db, applicationId, version);
  if (!signature) throw new NotFoundError('signature');
  const signed = await readSignedPdf(deps, applicationId, version);
  if (!signed) throw new NotFoundError('signature');
  await recordAudit(db, {
    ...by.access,
    at: by.now,
    action: 'signed_pdf.download',
    applicationId,
    object: { type: 'signature', id: signature.id },
    details: { version, sha256: signature.pdfSha256 },
  });
  return signed;
}
