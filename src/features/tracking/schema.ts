import { parseDayRange } from '../../lib/day-range';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import type { Origin, Priority } from '../../core/application/create';
import { STATUSES, type Status } from '../../core/application/status';
import { addDays, zonedTimeToUtc } from '../../lib/time-zone';

/** The applications list's filters (GET query string), as the repository uses them. */
export interface TrackingFilters {
  keyId?: number;
  /** A bulk batch (the batches page links here for sorting, filtering and exporting its applications). */
  batchId?: number;
  /** Empty = every status. */
  statuses: Status[];
  priority?: Priority;
  origin?: Origin;
  /** Initiation dates, inclusive, 'YYYY-MM-DD' in the service's time zone. */
  from?: string;
  to?: string;
  /** The same bounds as instants: created_at >= fromIso and < toIsoExclusive. */
  fromIso?: string;
  toIsoExclusive?: string;
  /** Reference, name or e-mail (trimmed, NFC, at most 100 characters); '' for none. */
  q: string;
}

/** The filter fields as typed, to show them again and carry them in links. */
export interface FilterValues {
  key: string;
  batch: string;
  status: string[];
  priority: string;
  origin: string;
  from: string;
  to: string;
  q: string;
}

export const ORIGINS: readonly Origin[] = ['controlled', 'bulk', 'self_service'];
export const PRIORITY_VALUES: readonly Priority[] = ['normal', 'urgent'];
const Q_MAX = 100;

function single(value: unknown, max = 40): string {
  if (Array.isArray(value)) return single(value[0], max);
  return typeof value === 'string' ? value.normalize('NFC').trim().slice(0, max) : '';
}

/** `status=a&status=b` or `status=a,b` (the language switch link joins repeated values with commas). */
function many(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .slice(0, STATUSES.length * 2);
}

export interface ParsedFilters {
  filters: TrackingFilters;
  values: FilterValues;
  errors: FormErrors | null;
  /** A key or batch was asked for that is not one of the actor's (another BC's, unknown, or junk): the route answers 404. */
  foreignKey: boolean;
}

/**
 * The list's filters from a query string. Statuses, priority and origin outside their lists are dropped; a malformed
 * date is an error shown next to its field (that bound is then ignored); a key that is not one of `keyIds` (the
 * actor's) is reported, so the route answers 404 rather than silently widening the list.
 */
export function parseTrackingFilters(source: unknown, keyIds: readonly number[], timeZone: string, batchIds: readonly number[] = []): ParsedFilters {
  const q = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const statuses = [...new Set(many(q.status).filter((s): s is Status => (STATUSES as readonly string[]).includes(s)))].sort(
    (a, b) => STATUSES.indexOf(a) - STATUSES.indexOf(b),
  );
  const values: FilterValues = {
    key: single(q.key),
    batch: single(q.batch),
    status: statuses,
    priority: single(q.priority),
    origin: single(q.origin),
    from: single(q.from),
    to: single(q.to),
    q: single(q.q, Q_MAX * 2)
      .replace(/\p{Cc}/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, Q_MAX),
  };
  const filters: TrackingFilters = { statuses, q: values.q };
  let foreignKey = false;
  if (values.key) {
    const keyId = /^\d{1,9}$/.test(values.key) ? Number(values.key) : NaN;
    if (keyIds.includes(keyId)) filters.keyId = keyId;
    else foreignKey = true;
  }
  if (values.batch) {
    const batchId = /^\d{1,9}$/.test(values.batch) ? Number(values.batch) : NaN;
    if (batchIds.includes(batchId)) filters.batchId = batchId;
    else foreignKey = true;
  }
  if ((PRIORITY_VALUES as readonly string[]).includes(values.priority)) filters.priority = values.priority as Priority;
  else values.priority = '';
  if ((ORIGINS as readonly string[]).includes(values.origin)) filters.origin = values.origin as Origin;
  else values.origin = '';
  const range = parseDayRange(values.from, values.to, 'tracking');
  const problems = range.problems;
  if (range.from) filters.from = range.from;
  if (range.to) filters.to = range.to;
  if (filters.from) filters.fromIso = zonedTimeToUtc(filters.from, '00:00', timeZone).toISOString();
  if (filters.to) filters.toIsoExclusive = zonedTimeToUtc(addDays(filters.to, 1), '00:00', timeZone).toISOString();
  return { filters, values, errors: problems.length ? formErrors(problems) : null, foreignKey };
}

/** The filters as query parameters (for sort, pagination and export links); empty ones left out. */
export function filterParams(values: FilterValues): Record<string, string | undefined> {
  return {
    key: values.key || undefined,
    batch: values.batch || undefined,
    status: values.status.length ? values.status.join(',') : undefined,
    priority: values.priority || undefined,
    origin: values.origin || undefined,
    from: values.from || undefined,
    to: values.to || undefined,
  };
}

/** What the export's audit entry records of the filter: ids and codes, never the text typed (it may be a name). */
export function filtersForAudit(f: TrackingFilters): Record<string, unknown> {
  return {
    keyId: f.keyId ?? null,
    batchId: f.batchId ?? null,
    statuses: f.statuses,
    priority: f.priority ?? null,
    origin: f.origin ?? null,
    from: f.from ?? null,
    to: f.to ?? null,
    text: f.q ? true : false,
  };
}

/**
 * The charts' key filter (`?key=` on the tracking page): undefined for every key, the key when it is one of `keys`
 * (the actor's), 'foreign' for anything else (another BC's key, an unknown id, junk), which the route answers with 404.
 */
export function chartKeyParam<K extends { id: number }>(value: unknown, keys: readonly K[]): K | 'foreign' | undefined {
  const text = single(value);
  if (!text) return undefined;
  const id = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  return keys.find((k) => k.id === id) ?? 'foreign';
}
