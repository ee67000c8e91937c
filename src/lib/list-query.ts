/**
 * Paginated, searchable, sortable lists: parses `page`, `pageSize`, `sort`, `dir` and `q` from a query string against
 * whitelists, clamps the page, and builds the view model that views/macros/table.njk renders (sortable headers with
 * aria-sort, "Showing 1 to 10 of N", first/previous/pages/next/last). Pure: no Express, no Knex.
 */

export type SortDirection = 'asc' | 'desc';

const DEFAULT_PAGE_SIZES: readonly number[] = [10, 25, 50];
const MAX_PAGE = 1_000_000;
const DEFAULT_MAX_SEARCH_LENGTH = 100;

export interface ListSpec<S extends string> {
  /** The only values `sort` may take (never a column name straight from the URL). */
  sortable: readonly S[];
  defaultSort: S;
  defaultDir?: SortDirection;
  pageSizes?: readonly number[];
  /** Must be one of pageSizes; defaults to the first. */
  defaultPageSize?: number;
  maxSearchLength?: number;
}

export interface ListQuery<S extends string = string> {
  page: number;
  pageSize: number;
  sort: S;
  dir: SortDirection;
  /** Trimmed, NFC, inner whitespace collapsed; '' when there is no search. */
  q: string;
}

/** A query-string value as one string: the first of a repeated parameter, nothing for objects. */
function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function positiveInt(value: unknown): number | undefined {
  const s = single(value)?.trim();
  if (!s || !/^\d{1,9}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 ? n : undefined;
}

export function parseListQuery<S extends string>(query: unknown, spec: ListSpec<S>): ListQuery<S> {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const pageSizes = spec.pageSizes ?? DEFAULT_PAGE_SIZES;
  const defaultPageSize = spec.defaultPageSize ?? (pageSizes[0] as number);
  const requestedSize = positiveInt(q.pageSize);
  const pageSize = requestedSize !== undefined && pageSizes.includes(requestedSize) ? requestedSize : defaultPageSize;
  const page = Math.min(positiveInt(q.page) ?? 1, MAX_PAGE);
  const requestedSort = single(q.sort);
  const sortValid = requestedSort !== undefined && (spec.sortable as readonly string[]).includes(requestedSort);
  const sort = sortValid ? (requestedSort as S) : spec.defaultSort;
  const requestedDir = single(q.dir);
  const dir: SortDirection = requestedDir === 'asc' || requestedDir === 'desc' ? requestedDir : (spec.defaultDir ?? 'asc');
  const search = (single(q.q) ?? '')
    .normalize('NFC')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, spec.maxSearchLength ?? DEFAULT_MAX_SEARCH_LENGTH);
  return { page, pageSize, sort, dir, q: search };
}

export interface PageWindow {
  /** The page actually shown: clamped to [1, pageCount]. */
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
  offset: number;
  /** 1-based index of the first row shown, 0 when the list is empty. */
  from: number;
  to: number;
}

/** Clamps the requested page to what exists once the total is known. */
export function paginate(query: Pick<ListQuery, 'page' | 'pageSize'>, total: number): PageWindow {
  const safeTotal = Math.max(0, Math.floor(total));
  const pageCount = Math.max(1, Math.ceil(safeTotal / query.pageSize));
  const page = Math.min(Math.max(1, query.page), pageCount);
  const offset = (page - 1) * query.pageSize;
  return {
    page,
    pageSize: query.pageSize,
    pageCount,
    total: safeTotal,
    offset,
    from: safeTotal === 0 ? 0 : offset + 1,
    to: Math.min(offset + query.pageSize, safeTotal),
  };
}

/** The query string for a list state; extra parameters (filters) are kept, empty values dropped. */
export function listQueryString(query: ListQuery, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') params.set(k, v);
  if (query.q) params.set('q', query.q);
  params.set('sort', query.sort);
  params.set('dir', query.dir);
  params.set('pageSize', String(query.pageSize));
  params.set('page', String(query.page));
  return params.toString();
}

export function listHref(base: string, query: ListQuery, extra: Record<string, string | undefined> = {}): string {
  return `${base}?${listQueryString(query, extra)}`;
}

export interface ColumnSpec {
  /** The sort key (one of the spec's sortable values) or any id for a column that does not sort. */
  key: string;
  /** Translation key of the header. */
  labelKey: string;
  sortable?: boolean;
  /** Extra class on the header and cells, e.g. 'num'. */
  className?: string;
}

/** Columns whose header keys are `<prefix>.<key>`: `labelledColumns('approvals:columns', ['reference', 'name'])`. */
export function labelledColumns<K extends string>(prefix: string, keys: readonly K[]): Array<{ key: K; labelKey: string }> {
  return keys.map((key) => ({ key, labelKey: `${prefix}.${key}` }));
}

interface ColumnView extends ColumnSpec {
  sortable: boolean;
  /** 'ascending' | 'descending' on the sorted column, 'none' on the other sortable ones, undefined otherwise. */
  ariaSort?: 'ascending' | 'descending' | 'none';
  /** The link that sorts by this column: ascending first, the other direction when it is already sorted by it. */
  href?: string;
}

/** What a pagination link is: First, Previous, a numbered page, Next, Last. */
export type PageLinkRel = 'first' | 'previous' | 'page' | 'next' | 'last';

interface PaginationLink {
  page: number;
  href: string;
  current: boolean;
}

interface PaginationView {
  page: number;
  pageCount: number;
  first?: string;
  previous?: string;
  next?: string;
  last?: string;
  pages: PaginationLink[];
}

interface ListView {
  base: string;
  query: ListQuery;
  window: PageWindow;
  columns: ColumnView[];
  pagination: PaginationView;
  pageSizes: readonly number[];
  /** Hidden fields for the search / page-size forms, so a new search keeps the sort and the filters. */
  hidden: Array<{ name: string; value: string }>;
  /** The current list state as a query string (for export links and "back to the list"). */
  queryString: string;
}

/** How many numbered page links around the current one. */
const PAGE_LINK_RADIUS = 2;

export function buildListView(input: {
  base: string;
  query: ListQuery;
  total: number;
  columns: ColumnSpec[];
  pageSizes?: readonly number[];
  /** Filters carried in every link (besides q, sort, dir, page, pageSize). */
  extra?: Record<string, string | undefined>;
  /**
   * Parameters of one pagination link besides the page number (e.g. a keyset cursor), by the page it leads to and
   * its role; the sortable headers and the list state carry none.
   */
  pageLinkParams?: (page: number, rel: PageLinkRel) => Record<string, string | undefined>;
}): ListView {
  const { base, query, total } = input;
  const extra = input.extra ?? {};
  const window = paginate(query, total);
  const current: ListQuery = { ...query, page: window.page };
  const at = (page: number, rel: PageLinkRel) => listHref(base, { ...current, page }, { ...extra, ...input.pageLinkParams?.(page, rel) });
  const columns: ColumnView[] = input.columns.map((c) => {
    const sortable = c.sortable ?? true;
    if (!sortable) return { ...c, sortable };
    const isSorted = query.sort === c.key;
    const nextDir: SortDirection = isSorted && query.dir === 'asc' ? 'desc' : 'asc';
    return {
      ...c,
      sortable,
      ariaSort: isSorted ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none',
      href: listHref(base, { ...current, sort: c.key, dir: nextDir, page: 1 }, extra),
    };
  });
  const lo = Math.max(1, window.page - PAGE_LINK_RADIUS);
  const hi = Math.min(window.pageCount, window.page + PAGE_LINK_RADIUS);
  const pages: PaginationLink[] = [];
  for (let p = lo; p <= hi; p++) pages.push({ page: p, href: at(p, 'page'), current: p === window.page });
  const hasPrev = window.page > 1;
  const hasNext = window.page < window.pageCount;
  const pagination: PaginationView = {
    page: window.page,
    pageCount: window.pageCount,
    pages,
    ...(hasPrev ? { first: at(1, 'first'), previous: at(window.page - 1, 'previous') } : {}),
    ...(hasNext ? { next: at(window.page + 1, 'next'), last: at(window.pageCount, 'last') } : {}),
  };
  const hidden = [
    ...Object.entries(extra)
      .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
      .map(([name, value]) => ({ name, value })),
    { name: 'sort', value: query.sort },
    { name: 'dir', value: query.dir },
  ];
  return {
    base,
    query: current,
    window,
    columns,
    pagination,
    pageSizes: input.pageSizes ?? DEFAULT_PAGE_SIZES,
    hidden,
    queryString: listQueryString(current, extra),
  };
}

/** Escapes LIKE wildcards so a search for "50%" or "a_b" matches literally (use with `ESCAPE '\'`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
