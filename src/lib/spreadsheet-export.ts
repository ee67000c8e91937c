import * as XLSX from 'xlsx';

/**
 * Spreadsheet exports (xlsx and csv) that a spreadsheet program can never run as formulas: every cell is text, and a
 * value starting with = + - @ TAB or CR gets a leading apostrophe (OWASP "CSV injection"). Pure: no Express.
 */

export type SpreadsheetFormat = 'xlsx' | 'csv';
export const SPREADSHEET_FORMATS: readonly SpreadsheetFormat[] = ['xlsx', 'csv'];

export type CellValue = string | number | boolean | null | undefined;

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

export function isSpreadsheetFormat(v: unknown): v is SpreadsheetFormat {
  return typeof v === 'string' && (SPREADSHEET_FORMATS as readonly string[]).includes(v);
}

/** A cell as text, prefixed with ' when a spreadsheet would read it as a formula. */
export function neutraliseCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV: comma separator, CRLF line ends, fields quoted when they hold a comma, a quote or a line break,
 * preceded by a UTF-8 byte-order mark so spreadsheet programs read accents correctly.
 */
export function toCsv(headers: readonly string[], rows: ReadonlyArray<readonly CellValue[]>): string {
  const lines = [headers, ...rows].map((row) => row.map((cell) => csvField(neutraliseCell(cell))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Excel's limit on sheet names: 31 characters, none of : \ / ? * [ ]. */
function safeSheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31) || 'Sheet1';
}

/** One-sheet xlsx; every cell an explicit string cell (type 's'), never a number, date or formula. */
export function toXlsxBuffer(headers: readonly string[], rows: ReadonlyArray<readonly CellValue[]>, sheetName = 'Export'): Buffer {
  const sheet: XLSX.WorkSheet = {};
  const all = [headers, ...rows];
  let maxCol = Math.max(0, headers.length - 1);
  all.forEach((row, r) => {
    row.forEach((value, c) => {
      sheet[XLSX.utils.encode_cell({ r, c })] = { t: 's', v: neutraliseCell(value) };
      if (c > maxCol) maxCol = c;
    });
  });
  sheet['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, all.length - 1), c: maxCol } });
  sheet['!cols'] = Array.from({ length: maxCol + 1 }, (_v, c) => ({
    wch: Math.min(60, Math.max(8, ...all.map((row) => neutraliseCell(row[c]).length))),
  }));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, safeSheetName(sheetName));
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

export interface SpreadsheetFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/** The file to send: body, content type and a file name `<baseName>.<format>` (baseName kept to safe characters). */
export function spreadsheetFile(
  format: SpreadsheetFormat,
  baseName: string,
  headers: readonly string[],
  rows: ReadonlyArray<readonly CellValue[]>,
  sheetName?: string,
): SpreadsheetFile {
  const safeBase = baseName.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100) || 'export';
  if (format === 'csv') {
    return { body: Buffer.from(toCsv(headers, rows), 'utf8'), contentType: 'text/csv; charset=utf-8', fileName: `${safeBase}.csv` };
  }
  return {
    body: toXlsxBuffer(headers, rows, sheetName),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: `${safeBase}.xlsx`,
  };
}
