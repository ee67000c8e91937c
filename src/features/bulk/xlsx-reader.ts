import zlib from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { UploadRefused } from './upload-refused';

/**
 * Reading an untrusted xlsx in two steps:
 * 1. `inspectXlsxZip` walks the zip's central directory without trusting it: refuses zip64, too many entries, a
 *    declared total over 50 MB or a suspicious compression ratio (zip bomb), then inflates every entry with a hard
 *    output cap equal to its declared size (a lying header fails here, not in SheetJS), checks that it is a
 *    SpreadsheetML workbook, and refuses any worksheet holding a formula (`<f>` element).
 * 2. `readFirstSheet` runs SheetJS in a worker thread with a memory cap and a time limit, first sheet only,
 *    at most `sheetRows` rows, formulas/HTML/styles off, and returns plain arrays. The worker stays warm between
 *    files (cold, loading SheetJS and compiling its parser doubles the time); it is replaced after a time-out, an
 *    error, a polluted prototype, or 50 files.
 */

const ZIP_LIMITS = {
  maxTotalUncompressed: 50 * 1024 * 1024,
  /** Compression ratio above which a large entry is treated as a bomb. */
  maxRatio: 100,
  /** Entries smaller than this are never ratio-checked (tiny XML files compress very well). */
  ratioCheckFrom: 1024 * 1024,
  maxEntries: 2000,
};

const SIG_EOCD = 0x06054b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === SIG_LOCAL;
}

/** Legacy Excel 97-2003 (.xls) and other OLE compound files. */
export function isOleCompound(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

function corrupt(): UploadRefused {
  return new UploadRefused('bulk:upload.errors.corrupt');
}

function bomb(): UploadRefused {
  return new UploadRefused('bulk:upload.errors.tooComplex');
}

function centralDirectory(buf: Buffer): ZipEntry[] {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt();
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  const offset = buf.readUInt32LE(eocd + 16);
  // zip64 markers: a 5 MB spreadsheet never needs them.
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw bomb();
  if (count > ZIP_LIMITS.maxEntries) throw bomb();
  if (offset + size > eocd) throw corrupt();
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== SIG_CENTRAL) throw corrupt();
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) throw bomb();
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    entries.push({ name, method, compressedSize, uncompressedSize, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function inflateEntry(buf: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== SIG_LOCAL) throw corrupt();
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw corrupt();
  const data = buf.subarray(start, end);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) throw corrupt();
    return data;
  }
  if (entry.method !== 8) throw corrupt();
  let out: Buffer;
  try {
    // One byte of headroom: producing more than declared means the header lies (bomb), not just a damaged file.
    out = zlib.inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb();
    throw corrupt();
  }
  if (out.length > entry.uncompressedSize) throw bomb();
  if (out.length !== entry.uncompressedSize) throw corrupt();
  return out;
}

/** A cell formula in SpreadsheetML: `<f>`, `<f t="shared" …/>`, possibly namespace-prefixed (`<x:f>`). */
const FORMULA_ELEMENT = /<(?:[A-Za-z_][\w.-]*:)?f[\s>/]/;

export function inspectXlsxZip(buf: Buffer): void {
  const entries = centralDirectory(buf);
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    if (total > ZIP_LIMITS.maxTotalUncompressed) throw bomb();
    if (e.uncompressedSize >= ZIP_LIMITS.ratioCheckFrom && e.uncompressedSize / Math.max(1, e.compressedSize) > ZIP_LIMITS.maxRatio) throw bomb();
  }
  const names = new Set(entries.map((e) => e.name.toLowerCase()));
  if (!names.has('[content_types].xml') || !names.has('xl/workbook.xml')) throw new UploadRefused('bulk:upload.errors.wrongType');
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const content = inflateEntry(buf, e);
    const lower = e.name.toLowerCase();
    if (lower.startsWith('xl/worksheets/') && lower.endsWith('.xml') && FORMULA_ELEMENT.test(content.toString('utf8'))) {
      throw new UploadRefused('bulk:upload.errors.formulaInWorkbook');
    }
  }
}

/** One cell as the worker returns it: [type, value, formatted text, number format]; null for an empty cell. */
export type RawCell = [string, string | number | boolean | null, string | null, string | null] | null;

interface RawSheet {
  /** [0-based row index, cells] for every row SheetJS returned (empty rows may be missing). */
  rows: Array<[number, RawCell[]]>;
  /** The sheet has rows beyond sheetRows (SheetJS stopped reading). */
  truncated: boolean;
}

/**
 * Runs inside the worker (plain JS: the worker must start from compiled and from TypeScript sources alike).
 * It serves one request at a time; the parent keeps it warm between uploads (loading SheetJS and warming its code
 * costs more than parsing a 3,000-row sheet) and kills it on a time-out or an error.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const XLSX = require(workerData.xlsxPath);
function read(data, sheetRows) {
  const wb = XLSX.read(data, {
    type: 'buffer', dense: true, sheets: 0, sheetRows: sheetRows,
    cellFormula: false, cellHTML: false, cellStyles: false, cellNF: true, cellText: true, cellDates: false,
    bookVBA: false, bookFiles: false, bookDeps: false, bookProps: false, WTF: false,
  });
  const name = wb.SheetNames[0];
  const sheet = name === undefined ? undefined : wb.Sheets[name];
  const out = { rows: [], truncated: false };
  if (!sheet) return out;
  const rows = sheet['!data'] || [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!row) continue;
    const cells = [];
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (!cell) { cells.push(null); continue; }
      const v = cell.v instanceof Date ? cell.v.toISOString() : (cell.v === undefined ? null : cell.v);
      cells.push([String(cell.t), v, cell.w === undefined ? null : String(cell.w), cell.z === undefined ? null : String(cell.z)]);
    }
    out.rows.push([r, cells]);
  }
  if (sheet['!fullref'] && sheet['!ref']) {
    out.truncated = XLSX.utils.decode_range(sheet['!fullref']).e.r > XLSX.utils.decode_range(sheet['!ref']).e.r;
  }
  return out;
}
// A file that managed to add properties to the built-in prototypes must not influence the next file: say so, and
// the parent retires this worker.
const tainted = () => Object.keys(Object.prototype).length > 0 || Object.keys(Array.prototype).length > 0;
parentPort.on('message', (msg) => {
  try {
    const sheet = read(msg.data, msg.sheetRows);
    parentPort.postMessage({ id: msg.id, ok: true, sheet, tainted: tainted() });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, tainted: true });
  }
});
`;

const XLSX_TIME_LIMIT_MS = 10_000;
/** A warm worker is replaced after this many files, so nothing it accumulates lives long. */
const MAX_USES = 50;

interface PooledWorker {
  worker: Worker;
  uses: number;
}

let idle: PooledWorker | undefined;
let nextRequestId = 1;

function spawn(): PooledWorker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { xlsxPath: require.resolve('xlsx') },
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  return { worker, uses: 0 };
}

function release(pooled: PooledWorker): void {
  pooled.worker.removeAllListeners('message');
  pooled.worker.removeAllListeners('error');
  pooled.worker.removeAllListeners('exit');
  if (!idle && pooled.uses < MAX_USES) {
    // An idle worker never keeps the process alive (tests, shutdown); an unexpected exit just empties the slot.
    pooled.worker.unref();
    pooled.worker.once('exit', () => {
      if (idle === pooled) idle = undefined;
    });
    idle = pooled;
  } else {
    void pooled.worker.terminate();
  }
}

/** Parses the first sheet in a worker thread; refuses when it takes longer than timeLimitMs or runs out of memory. */
export function readFirstSheet(buf: Buffer, opts: { sheetRows: number; timeLimitMs?: number }): Promise<RawSheet> {
  const pooled = idle ?? spawn();
  idle = undefined;
  pooled.worker.removeAllListeners('exit');
  pooled.worker.ref();
  pooled.uses++;
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void, reuse: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      if (reuse) release(pooled);
      else {
        pooled.worker.removeAllListeners();
        void pooled.worker.terminate();
      }
    };
    const timer = setTimeout(() => finish(() => reject(new UploadRefused('bulk:upload.errors.tooSlow')), false), opts.timeLimitMs ?? XLSX_TIME_LIMIT_MS);
    pooled.worker.on('message', (msg: { id: number; ok: boolean; sheet?: RawSheet; tainted?: boolean }) => {
      if (msg.id !== id) return;
      finish(() => (msg.ok && msg.sheet && !msg.tainted ? resolve(msg.sheet) : reject(corrupt())), !msg.tainted);
    });
    pooled.worker.on('error', (err: Error & { code?: string }) => {
      finish(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? bomb() : corrupt()), false);
    });
    pooled.worker.on('exit', () => finish(() => reject(corrupt()), false));
    pooled.worker.postMessage({ id, data: new Uint8Array(buf), sheetRows: opts.sheetRows });
  });
}
