import { escapeHtml } from '../../lib/html';
import type { Status } from '../applications/status';

/**
 * The summary's number cells as markup, a row at a time. A summary of 50 keys has 700 cells, each a number that
 * links to the matching list: as template code that is several thousand template lookups and escapes per page
 * (most of the page's cost), as code it is one string per row. The cell is `<td>` with its count and status as data
 * attributes; the link's purpose comes from the table's row and column headers (scope="row" / scope="col").
 */
export interface SummaryCell {
  n: number;
  /** The number as shown, in the page's language. */
  text: string;
  /** The list of exactly these applications; none for zero. */
  href: string | null;
  status?: Status;
}

export function cellHtml(c: SummaryCell): string {
  const status = c.status ? ` data-status="${escapeHtml(c.status)}"` : '';
  if (!c.href) return `<td class="num tracking-summary__zero" data-count="${c.n}"${status}>${escapeHtml(c.text)}</td>`;
  return `<td class="num" data-count="${c.n}"${status}><a href="${escapeHtml(c.href)}">${escapeHtml(c.text)}</a></td>`;
}

export function cellsHtml(cells: SummaryCell[]): string {
  let html = '';
  for (const c of cells) html += cellHtml(c);
  return html;
}
