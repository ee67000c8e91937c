import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { normaliseReference } from '../../lib/luhn';

/**
 * The issuer's status file (docs/issuer-status-file.md): UTF-8 CSV, `;`-separated, a header line
 * `reference;status;date;reason;card_last4`, then one line per event. Untrusted input: a problem with the whole file
 * (not UTF-8, another separator, wrong header, too many lines…) refuses it whole with StatusFileRefused; a problem
 * with one line is attached to that line (its `errors`) and only that line is refused.
 * Pure: no database, no clock (today's date is given).
 */

export const STATUS_FILE_COLUMNS = ['reference', 'status', 'date', 'reason', 'card_last4'] as const;
export type StatusFileColumn = (typeof STATUS_FILE_COLUMNS)[number];
export const ISSUER_STATUSES = ['issued', 'delivered', 'declined'] as const;
export type IssuerStatus = (typeof ISSUER_STATUSES)[number];

/** At most this many data lines per file (an issuer's nightly file holds a day's events); more refuses the file. */
export const MAX_STATUS_ROWS = 20_000;
export const MAX_STATUS_FILE_BYTES = 5 * 1024 * 1024;
const MAX_REASON_LENGTH = 500;

export interface RowError {
  column: StatusFileColumn | null;
  /** Translation key (issuer-status:rowErrors.*). */
  key: string;
  params?: Record<string, string | number>;
}

export interface StatusRow {
  /** Line number in the file (the header is line 1). */
  line: number;
  reference: string;
  status: string;
  date: string;
  reason: string;
  cardLast4: string;
  errors: RowError[];
}

/** The whole file refused; `key` is the translation key of the reason (issuer-status:file.*). */
export class StatusFileRefused extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`status file refused: ${key}`);
    this.name = 'StatusFileRefused';
  }
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function headerCells(line: string, separator: string): string[] {
  return line.split(separator).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
}

const sameColumns = (cells: string[]) => cells.length === STATUS_FILE_COLUMNS.length && STATUS_FILE_COLUMNS.every((c, i) => cells[i] === c);

/** Decodes and checks the file as a whole; returns its text without BOM. */
function fileText(buf: Buffer): string {
  if (buf.length === 0) throw new StatusFileRefused('issuer-status:file.empty');
  if (buf.length > MAX_STATUS_FILE_BYTES) throw new StatusFileRefused('issuer-status:file.tooLarge', { maxBytes: MAX_STATUS_FILE_BYTES });
  if (buf.subarray(0, 2).toString('latin1') === 'PK') throw new StatusFileRefused('issuer-status:file.notCsv');
  for (const byte of buf) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) throw new StatusFileRefused('issuer-status:file.notCsv');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new StatusFileRefused('issuer-status:file.encoding');
  }
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) throw new StatusFileRefused('issuer-status:file.empty');
  return text;
}

/** Reads the file: every data line with the errors of its own format (duplicates in the file included). */
export function parseStatusFile(buf: Buffer, today: string): StatusRow[] {
  const text = fileText(buf);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (!sameColumns(headerCells(firstLine, ';'))) {
    if (sameColumns(headerCells(firstLine, ',')) || sameColumns(headerCells(firstLine, '\t'))) throw new StatusFileRefused('issuer-status:file.separator');
    throw new StatusFileRefused('issuer-status:file.header', { expected: STATUS_FILE_COLUMNS.join(';') });
  }
  // Counted before parsing, so 100,000 lines are refused at once.
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  if (lines - 1 > MAX_STATUS_ROWS) throw new StatusFileRefused('issuer-status:file.tooManyRows', { max: MAX_STATUS_ROWS });

  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parseCsv(text, {
      delimiter: ';',
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      from_line: 2,
      max_record_size: 4096,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    if (err instanceof CsvError)
      throw new StatusFileRefused('issuer-status:file.malformed', { line: Number((err as CsvError & { lines?: number }).lines) || 1 });
    throw err;
  }
  if (records.length > MAX_STATUS_ROWS) throw new StatusFileRefused('issuer-status:file.tooManyRows', { max: MAX_STATUS_ROWS });
  const rows = records.filter((r) => r.record.some((c) => c.trim() !== '')).map((r) => checkLine(r.info.lines, r.record, today));
  if (!rows.length) throw new StatusFileRefused('issuer-status:file.noRows');

  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.errors.length) continue;
    const id = `${row.reference}|${row.status}`;
    const first = seen.get(id);
    if (first !== undefined) row.errors.push({ column: null, key: 'issuer-status:rowErrors.duplicate', params: { line: first } });
    else seen.set(id, row.line);
  }
  return rows;
}

function checkLine(line: number, record: string[], today: string): StatusRow {
  const cells = record.map((c) => c.normalize('NFC').trim());
  const [reference = '', status = '', date = '', reason = '', cardLast4 = ''] = cells;
  const row: StatusRow = {
    line,
    reference: reference.slice(0, 20),
    status: status.toLowerCase().slice(0, 20),
    date: date.slice(0, 20),
    reason,
    cardLast4,
    errors: [],
  };
  const err = (column: StatusFileColumn | null, key: string, params?: Record<string, string | number>) =>
    row.errors.push({ column, key: `issuer-status:rowErrors.${key}`, ...(params ? { params } : {}) });
  if (cells.length !== STATUS_FILE_COLUMNS.length) {
    err(null, 'columnCount', { expected: STATUS_FILE_COLUMNS.length, found: cells.length });
    return row;
  }
  if (!normaliseReference(reference) || reference !== normaliseReference(reference)) err('reference', 'reference');
  if (!(ISSUER_STATUSES as readonly string[]).includes(row.status)) err('status', 'status', { value: row.status });
  if (!isCalendarDate(date)) err('date', 'date');
  else if (date > today) err('date', 'futureDate');
  if (row.status === 'declined' && !reason) err('reason', 'reasonRequired');
  if (reason.length > MAX_REASON_LENGTH) err('reason', 'reasonTooLong', { max: MAX_REASON_LENGTH });
  // eslint-disable-next-line no-control-regex -- control characters in a reason shown to the employee
  if (/[\u0000-\u001f\u007f]/.test(reason)) err('reason', 'reasonControl');
  if (cardLast4 && !/^\d{4}$/.test(cardLast4)) err('card_last4', 'cardLast4');
  return row;
}
