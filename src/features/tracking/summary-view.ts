import { escapeHtml } from '../../lib/html';
import { STATUSES, type Status } from '../../core/application/status';

/**
 * The summary's columns: each status on its own, grouped visually the way an administrator follows applications
 * (to fill, to approve, approved and beyond, closed).
 */
export const SUMMARY_GROUPS: Array<{ id: string; statuses: Status[] }> = [
  { id: 'filling', statuses: ['invited', 'in_progress', 'returned'] },
  { id: 'approval', statuses: ['awaiting_additional_approval', 'pending_approval'] },
  { id: 'approved', statuses: ['approved', 'transmitted', 'card_issued', 'card_delivered'] },
  { id: 'closed', statuses: ['cancelled', 'expired', 'declined_by_issuer'] },
];
export const SUMMARY_STATUSES: Status[] = SUMMARY_GROUPS.flatMap((g) => g.statuses);
if (SUMMARY_STATUSES.length !== STATUSES.length || STATUSES.some((s) => !SUMMARY_STATUSES.includes(s))) {
  throw new Error('tracking summary groups must list every status exactly once');
}

/**
 * The summary's number cells as markup, a row at a time. A summary of 50 keys has 700 cells, each a number that
 * links to the matching list: as template code that is several thousand template lookups and escapes per page
 * (most of the page's cost), as code it is one string per row. The cell is `<td>` with its count and status as data
 * attributes; the link's purpose comes from the table's row and column headers (scope="row" / scope="col").
 *
 * Each part is escaped once, not once per cell: the list's address and each status's query part when the row
 * builder is made, the row's own query part when a row starts, each number's text the first time it is shown.
 */
interface SummaryRowCounts {
  counts: Record<Status, number>;
  total: number;
  urgent: number;
}

interface SummaryCellsBuilder {
  /** The cells of one row: one per status, then the total and the urgent ones; `keyId` null for the totals row. */
  row(keyId: number | null, counts: SummaryRowCounts): string;
}

export function summaryCells(listPath: string, statuses: readonly Status[], formatNumber: (n: number) => string): SummaryCellsBuilder {
  const base = escapeHtml(listPath);
  const statusParts = statuses.map((s) => ({ status: s, attr: escapeHtml(s), query: `status=${escapeHtml(encodeURIComponent(s))}` }));
  const texts = new Map<number, string>();
  const text = (n: number): string => {
    let t = texts.get(n);
    if (t === undefined) texts.set(n, (t = escapeHtml(formatNumber(n))));
    return t;
  };
  const cell = (n: number, href: string, statusAttr: string): string => {
    const status = statusAttr ? ` data-status="${statusAttr}"` : '';
    return n > 0
      ? `<td class="num" data-count="${n}"${status}><a href="${href}">${text(n)}</a></td>`
      : `<td class="num tracking-summary__zero" data-count="${n}"${status}>${text(n)}</td>`;
  };
  return {
    row(keyId, c) {
      const keyQuery = keyId === null ? '' : `key=${Number(keyId)}`;
      const join = (query: string) => `${base}?${keyQuery ? `${keyQuery}&amp;` : ''}${query}`;
      let html = '';
      for (const s of statusParts) html += cell(c.counts[s.status], join(s.query), s.attr);
      html += cell(c.total, keyQuery ? `${base}?${keyQuery}` : base, '');
      html += cell(c.urgent, join('priority=urgent'), '');
      return html;
    },
  };
}
