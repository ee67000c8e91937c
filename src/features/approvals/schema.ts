import { z } from 'zod';
import { parseDayRange } from '../../lib/day-range';
import { formErrors, type FormErrors } from '../../lib/form-errors';
import type { Priority } from '../../core/application/create';

/** What the queue's buttons do. `urgent` / `normal`: change the priority to that value. */
const ACTIONS = ['approve', 'return', 'cancel', 'urgent', 'normal'] as const;
export type ApprovalAction = (typeof ACTIONS)[number];

/**
 * Which part of the queue is shown: `ready` = signed and submitted (pending_approval), the default; `additional` =
 * signed but still waiting for the additional approver (awaiting_additional_approval), which cannot be approved yet.
 */
const STAGES = ['ready', 'additional'] as const;
export type Stage = (typeof STAGES)[number];

export const COMMENT_MAX = 1000;
/** "Select all" takes at most this many applications in one confirmation (the page says when the filter matched more). */
export const SELECT_ALL_LIMIT = 5000;

export function isAction(value: unknown): value is ApprovalAction {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

export interface QueueFilters {
  stage: Stage;
  keyId?: number;
  priority?: Priority;
  /** Initiation dates, inclusive, 'YYYY-MM-DD' in the service's time zone. */
  from?: string;
  to?: string;
  /** Only the applications pending longer than their key's approval deadline (issue 16 item 3; the ready stage only). */
  overdue?: boolean;
}

/** The filter fields as typed, to show them again (and carry them in links and hidden fields). */
export interface FilterValues {
  stage: string;
  key: string;
  priority: string;
  from: string;
  to: string;
  /** 'yes' or ''. */
  overdue: string;
}

export const FILTER_FIELDS = ['stage', 'key', 'priority', 'overdue', 'from', 'to'] as const;

function single(value: unknown): string {
  if (Array.isArray(value)) return single(value[0]);
  return typeof value === 'string' ? value.normalize('NFC').trim().slice(0, 40) : '';
}

/**
 * The queue's filters from a query string (or the hidden fields of the selection form). A key that is not one of the
 * actor's is ignored (never trusted); a malformed date is an error shown next to its field, and that bound is ignored.
 */
export function parseQueueFilters(source: unknown, keyIds: number[]): { filters: QueueFilters; values: FilterValues; errors: FormErrors | null } {
  const q = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const values: FilterValues = {
    stage: single(q.stage),
    key: single(q.key),
    priority: single(q.priority),
    from: single(q.from),
    to: single(q.to),
    overdue: single(q.overdue),
  };
  const filters: QueueFilters = { stage: (STAGES as readonly string[]).includes(values.stage) ? (values.stage as Stage) : 'ready' };
  values.stage = filters.stage;
  const keyId = /^\d{1,9}$/.test(values.key) ? Number(values.key) : NaN;
  if (keyIds.includes(keyId)) filters.keyId = keyId;
  else values.key = '';
  if (values.priority === 'normal' || values.priority === 'urgent') filters.priority = values.priority;
  else values.priority = '';
  if (values.overdue === 'yes' && filters.stage === 'ready') filters.overdue = true;
  else values.overdue = '';
  const range = parseDayRange(values.from, values.to, 'approvals');
  const problems = range.problems;
  if (range.from) filters.from = range.from;
  if (range.to) filters.to = range.to;
  return { filters, values, errors: problems.length ? formErrors(problems) : null };
}

/** Application ids ticked in the list: positive integers, without duplicates; anything else is dropped. */
export function parseIds(value: unknown): number[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const ids = new Set<number>();
  for (const v of list) {
    if (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) > 0) ids.add(Number(v));
    if (ids.size >= SELECT_ALL_LIMIT) break;
  }
  return [...ids];
}

/** The free comment: NFC, control characters removed (line breaks kept), trimmed. */
function normaliseComment(value: unknown): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return '';
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .trim();
}

export interface ConfirmInput {
  comment: string;
  urgentTermsAccepted: boolean;
  /** Priority to normal: also return the application to the employee so they choose a PIN. */
  returnToApplicant: boolean;
}

/** The confirmation form: a comment required where the employee must be told why, the urgent terms ticked. */
export function parseConfirmForm(
  action: ApprovalAction,
  body: Record<string, unknown>,
): { input: ConfirmInput; values: Record<string, string>; errors: FormErrors | null } {
  const comment = normaliseComment(body.comment);
  const urgentTermsAccepted = body.urgentTermsAccepted === 'yes';
  const returnToApplicant = action === 'normal' && body.followUp === 'return';
  const values = { comment, urgentTermsAccepted: urgentTermsAccepted ? 'yes' : '' };
  const problems: Array<{ field: string; key: string; params?: Record<string, number> }> = [];
  if (action === 'urgent' && !urgentTermsAccepted)
    problems.push({ field: 'urgentTermsAccepted', key: 'approvals:confirm.urgentTermsAccepted.errors.required' });
  const commentRequired = action === 'return' || action === 'cancel' || returnToApplicant;
  if (commentRequired && !comment)
    problems.push({ field: 'comment', key: `approvals:confirm.comment.errors.${returnToApplicant ? 'requiredForReturn' : `required.${action}`}` });
  if (comment.length > COMMENT_MAX) problems.push({ field: 'comment', key: 'approvals:confirm.comment.errors.tooLong', params: { max: COMMENT_MAX } });
  return { input: { comment, urgentTermsAccepted, returnToApplicant }, values, errors: problems.length ? formErrors(problems) : null };
}

// ---- Keyset (seek) pagination ---------------------------------------------------------------------------------------

/**
 * The sorts whose Next / Previous links carry a cursor (keyset pagination): their key is NOT NULL and on the
 * application row itself (the initiation date, the reference, the priority's CASE value), so `(key, id) > (?, ?)`
 * follows the list's order exactly. The other sorts (the name, whose parts may be NULL, and the BC's or key's columns,
 * read through a join) keep numbered pages (OFFSET): none of them has an index in its order, so even their first page
 * reads and sorts every matching application, and a deeper page costs about the same.
 */
export const KEYSET_SORTS = ['createdAt', 'reference', 'priority'] as const;
export type KeysetSort = (typeof KEYSET_SORTS)[number];

/**
 * A position in the queue: just after the last row of page `page` (`after`, the Next link) or just before its first
 * row (`before`, the Previous link), in the order `sort` / `dir`. `value` is that row's sort key, `id` its id.
 */
export interface QueueCursor {
  side: 'after' | 'before';
  sort: KeysetSort;
  dir: 'asc' | 'desc';
  page: number;
  value: string | number;
  id: number;
}

const CURSOR_MAX_LENGTH = 200;

/** The sort key's value as the database stores it, per sort: anything else is a forged cursor. */
const CURSOR_VALUE: Record<KeysetSort, z.ZodType<string | number>> = {
  createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/),
  reference: z.string().regex(/^[0-9A-Za-z]{1,10}$/),
  // URGENT_FIRST: 0 urgent, 1 normal.
  priority: z.union([z.literal(0), z.literal(1)]),
};

/** The decoded cursor: [sort, dir, page, value, id]. */
const cursorSchema = z.tuple([
  z.enum(KEYSET_SORTS),
  z.enum(['asc', 'desc']),
  z.number().int().min(1).max(1_000_000),
  z.union([z.string(), z.number()]),
  z.number().int().min(1).max(2_147_483_647),
]);

/** The query-string parameters of a link that carries this cursor (`after=…` or `before=…`, opaque base64url). */
export function cursorParams(c: QueueCursor): Record<string, string> {
  const token = Buffer.from(JSON.stringify([c.sort, c.dir, c.page, c.value, c.id]), 'utf8').toString('base64url');
  return { [c.side]: token };
}

/**
 * The cursor of a queue link, when it is well formed and made for the list's current sort and direction; undefined
 * otherwise (none, both sides, malformed, forged, another sort): the page is then read by its number, as without one.
 * It only positions the page: the rows are still those of the actor's BCs matching the filters.
 */
export function parseQueueCursor(source: unknown, sort: string, dir: string): QueueCursor | undefined {
  const q = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const after = typeof q.after === 'string' ? q.after : undefined;
  const before = typeof q.before === 'string' ? q.before : undefined;
  if ((after === undefined) === (before === undefined)) return undefined;
  const side = after !== undefined ? 'after' : 'before';
  const token = (after ?? before) as string;
  if (token.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) return undefined;
  const [cSort, cDir, page, value, id] = parsed.data;
  if (cSort !== sort || cDir !== dir || !CURSOR_VALUE[cSort].safeParse(value).success) return undefined;
  return { side, sort: cSort, dir: cDir, page, value, id };
}
