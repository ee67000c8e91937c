import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { xlsx } from '../../lib/xlsx';
import { COLUMN_KEYS, MANDATORY_COLUMNS, columnForHeader, type ColumnKey } from './columns';
import { UploadRefused } from './upload-refused';
import { inspectXlsxZip, isOleCompound, isZip, readFirstSheet, type RawCell } from './xlsx-reader';

/**
 * Untrusted spreadsheet → plain rows. The type comes from the content, never the name or the declared MIME type:
 * a zip is an xlsx (inspected, then parsed in a worker), an OLE file is an old .xls (refused), anything else must be
 * UTF-8 text without control characters and is read as CSV (`,` `;` or tab, detected on the header line).
 * Every cell becomes trimmed NFC text; a cell starting with `=` refuses the whole file.
 */

export const MAX_DATA_ROWS = 3000;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Longer cells are cut (every column's own limit is far below, so the row is still reported as too long). */
const MAX_CELL_LENGTH = 500;

export type FileType = 'xlsx' | 'csv';

export interface UploadRow {
  /** Row number as the spreadsheet program shows it (the header is row 1). */
  n: number;
  /** The 19 cells in template order (COLUMN_KEYS), '' when absent. */
  v: string[];
}

interface ParsedUpload {
  fileType: FileType;
  rows: UploadRow[];
  /** Header texts that matched no template column (their cells are ignored). */
  ignoredColumns: string[];
}

interface Grid {
  rows: Array<{ n: number; cells: string[] }>;
  truncated: boolean;
}

export async function parseUpload(buf: Buffer, opts: { timeLimitMs?: number } = {}): Promise<ParsedUpload> {
  if (buf.length === 0) throw new UploadRefused('bulk:upload.errors.empty');
  if (buf.length > MAX_FILE_BYTES) throw new UploadRefused('bulk:upload.errors.tooLarge', { maxBytes: MAX_FILE_BYTES });
  let grid: Grid;
  let fileType: FileType;
  if (isZip(buf)) {
    inspectXlsxZip(buf);
    // Header + 3,000 rows + one more, so a 3,001st row is seen and refused.
    const sheet = await readFirstSheet(buf, { sheetRows: MAX_DATA_ROWS + 2, ...(opts.timeLimitMs ? { timeLimitMs: opts.timeLimitMs } : {}) });
    grid = { rows: sheet.rows.map(([r, cells]) => ({ n: r + 1, cells: cells.map(cellText) })), truncated: sheet.truncated };
    fileType = 'xlsx';
  } else if (isOleCompound(buf)) {
    throw new UploadRefused('bulk:upload.errors.oldExcel');
  } else {
    grid = csvGrid(buf);
    fileType = 'csv';
  }
  return { fileType, ...rowsFromGrid(grid) };
}

/** Control characters that never occur in a text spreadsheet (tab, LF, CR and form feed are fine). */
function looksBinary(buf: Buffer): boolean {
  for (const byte of buf) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return true;
  }
  return false;
}

function csvGrid(buf: Buffer): Grid {
  if (looksBinary(buf)) throw new UploadRefused('bulk:upload.errors.wrongType');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new UploadRefused('bulk:upload.errors.encoding');
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) throw new UploadRefused('bulk:upload.errors.empty');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 64 * 1024,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    if (err instanceof CsvError)
      throw new UploadRefused('bulk:upload.errors.csvMalformed', { line: Number((err as CsvError & { lines?: number }).lines) || 1 });
    throw err;
  }
  return { rows: records.map((r) => ({ n: r.info.lines, cells: r.record.map(cleanText) })), truncated: false };
}

/** The separator that occurs most on the header line, outside quotes (French Excel writes `;`). */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch] = (counts[ch] as number) + 1;
  }
  const [best, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0] as [string, number];
  return count > 0 ? best : ',';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A cell as text. Dates typed into a General cell come back as serial numbers with a date format: dd/mm/yyyy. */
function cellText(cell: RawCell): string {
  if (!cell) return '';
  const [type, value, formatted, format] = cell;
  if (value === null || value === undefined || type === 'z') return '';
  if (type === 'n' && typeof value === 'number') {
    if (format && xlsx().SSF.is_date(format)) {
      const d = xlsx().SSF.parse_date_code(value);
      if (d) return `${pad(d.d)}/${pad(d.m)}/${d.y}`;
    }
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  if (type === 'd' && typeof value === 'string') {
    const [y, m, d] = value.slice(0, 10).split('-');
    return `${d}/${m}/${y}`;
  }
  if (type === 's') return cleanText(String(value));
  return cleanText(formatted ?? String(value));
}

/**
 * NFC, control characters as spaces, trimmed, length-capped. A leading apostrophe before = + - @ is the neutraliser
 * our own exports add (the rejected-rows file): it is removed so a corrected file reads as the administrator sees it.
 */
function cleanText(raw: string): string {
  let s = raw.normalize('NFC');
  if (/^'[=+\-@\t\r]/.test(s)) s = s.slice(1);
  return (
    s
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
      .slice(0, MAX_CELL_LENGTH)
  );
}

function rowsFromGrid(grid: Grid): { rows: UploadRow[]; ignoredColumns: string[] } {
  const nonEmpty = grid.rows.filter((r) => r.cells.some((c) => c !== ''));
  const header = nonEmpty[0];
  if (!header) throw new UploadRefused('bulk:upload.errors.empty');
  const index: Partial<Record<ColumnKey, number>> = {};
  const ignoredColumns: string[] = [];
  header.cells.forEach((text, c) => {
    if (!text) return;
    const key = columnForHeader(text);
    if (!key) {
      ignoredColumns.push(text.slice(0, 60));
      return;
    }
    if (index[key] !== undefined) throw new UploadRefused('bulk:upload.errors.duplicateColumn', {}, [key]);
    index[key] = c;
  });
  const missing = MANDATORY_COLUMNS.filter((k) => index[k] === undefined);
  if (missing.length) throw new UploadRefused('bulk:upload.errors.missingColumns', { count: missing.length }, missing);
  const rows: UploadRow[] = [];
  for (const row of nonEmpty.slice(1)) {
    const v = COLUMN_KEYS.map((k) => (index[k] === undefined ? '' : (row.cells[index[k] as number] ?? '')));
    if (v.every((cell) => cell === '')) continue; // only ignored columns filled: nothing to initiate
    rows.push({ n: row.n, v });
  }
  if (rows.length > MAX_DATA_ROWS || grid.truncated) throw new UploadRefused('bulk:upload.errors.tooManyRows', { max: MAX_DATA_ROWS });
  if (!rows.length) throw new UploadRefused('bulk:upload.errors.noDataRows');
  return { rows, ignoredColumns };
}
