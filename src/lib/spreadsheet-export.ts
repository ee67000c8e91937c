import { Worker } from 'node:worker_threads';
import type * as XLSX from 'xlsx';
import { xlsx } from './xlsx';
import { oneAtATime } from './one-at-a-time';

/**
 * Spreadsheet exports (xlsx and csv) that a spreadsheet program can never run as formulas: every cell is text, and a
 * value starting with = + - @ TAB or CR gets a leading apostrophe (OWASP "CSV injection"). Pure: no Express.
 */

export type SpreadsheetFormat = 'xlsx' | 'csv';
const SPREADSHEET_FORMATS: readonly SpreadsheetFormat[] = ['xlsx', 'csv'];

type CellValue = string | number | boolean | null | undefined;

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
  return Buffer.from(writeBook(xlsx(), neutralisedRows(headers, rows), safeSheetName(sheetName)));
}

function neutralisedRows(headers: readonly string[], rows: ReadonlyArray<readonly CellValue[]>): string[][] {
  return [headers, ...rows].map((row) => row.map(neutraliseCell));
}

/**
 * Builds and writes the workbook from cells already neutralised. Self-contained on purpose: its own source also runs
 * in the export worker (toXlsxBufferOffThread), so it may use only its arguments (and a coverage run, which rewrites
 * functions with counters, breaks the worker: test/lib/spreadsheet-export.test.ts says so at once).
 */
function writeBook(X: typeof XLSX, all: string[][], sheetName: string): Uint8Array {
  // A dense sheet (rows of cells, not one object key per cell): a third less memory and twice as fast for 20,000 rows.
  // Every value is a JS string, which aoa_to_sheet keeps as a string cell (type 's'): never a number, date or formula.
  const sheet = X.utils.aoa_to_sheet(all, { dense: true });
  const widths: number[] = [];
  for (const row of all) for (let c = 0; c < row.length; c++) widths[c] = Math.max(widths[c] ?? 0, (row[c] as string).length);
  sheet['!cols'] = Array.from({ length: Math.max(1, widths.length) }, (_v, c) => ({ wch: Math.min(60, Math.max(8, widths[c] ?? 0)) }));
  const book = X.utils.book_new();
  X.utils.book_append_sheet(book, sheet, sheetName);
  return X.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Uint8Array;
}

/** Above this many rows an xlsx is written in a worker thread: writing 20,000 rows takes a second or two. */
export const OFF_THREAD_ROWS = 2_000;
const XLSX_WRITE_TIME_LIMIT_MS = 60_000;

const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const XLSX = require(workerData.xlsxPath);
const writeBook = ${writeBook.toString()};
const out = writeBook(XLSX, workerData.all, workerData.sheetName);
parentPort.postMessage(out);
`;

/** Writer threads alive now, and the most alive at once since start (for the logs and the tests). */
export const xlsxWriters = { running: 0, mostAtOnce: 0 };
const writerTurn = oneAtATime();

/**
 * The same file as toXlsxBuffer, written in a one-off worker thread so a large export does not hold up every other
 * request meanwhile. One writer at a time: each takes some 120 MB for 20,000 rows, so a second export at the same
 * moment waits for the first (a couple of seconds) rather than doubling the process's memory. Rejects if the worker
 * fails, runs out of memory or takes longer than the time limit (counted from its own start).
 */
export function toXlsxBufferOffThread(
  headers: readonly string[],
  rows: ReadonlyArray<readonly CellValue[]>,
  sheetName = 'Export',
  timeLimitMs = XLSX_WRITE_TIME_LIMIT_MS,
): Promise<Buffer> {
  return writerTurn(() => writeInWorker(headers, rows, sheetName, timeLimitMs));
}

function writeInWorker(headers: readonly string[], rows: ReadonlyArray<readonly CellValue[]>, sheetName: string, timeLimitMs: number): Promise<Buffer> {
  xlsxWriters.running++;
  xlsxWriters.mostAtOnce = Math.max(xlsxWriters.mostAtOnce, xlsxWriters.running);
  const worker = new Worker(WRITER_SOURCE, {
    eval: true,
    workerData: { xlsxPath: require.resolve('xlsx'), all: neutralisedRows(headers, rows), sheetName: safeSheetName(sheetName) },
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      xlsxWriters.running--;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new Error('xlsx export took too long'))), timeLimitMs);
    worker.once('message', (out: Uint8Array) => finish(() => resolve(Buffer.from(out.buffer, out.byteOffset, out.byteLength))));
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`xlsx export worker exited (${code})`))));
  });
}

export interface SpreadsheetFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/**
 * The file to send: body, content type and a file name `<baseName>.<format>` (baseName kept to safe characters).
 * A large xlsx is written off the main thread (toXlsxBufferOffThread).
 */
export async function spreadsheetFile(
  format: SpreadsheetFormat,
  baseName: string,
  headers: readonly string[],
  rows: ReadonlyArray<readonly CellValue[]>,
  sheetName?: string,
): Promise<SpreadsheetFile> {
  const safeBase = baseName.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100) || 'export';
  if (format === 'csv') {
    return { body: Buffer.from(toCsv(headers, rows), 'utf8'), contentType: 'text/csv; charset=utf-8', fileName: `${safeBase}.csv` };
  }
  return {
    body: rows.length > OFF_THREAD_ROWS ? await toXlsxBufferOffThread(headers, rows, sheetName) : toXlsxBuffer(headers, rows, sheetName),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: `${safeBase}.xlsx`,
  };
}
