import * as XLSX from 'xlsx';
import { parseUpload, detectDelimiter, MAX_FILE_BYTES } from '../../src/features/bulk/parse';
import { UploadRefused } from '../../src/features/bulk/upload-refused';
import { COLUMN_KEYS } from '../../src/features/bulk/columns';
import { EXE, HEADERS_FR, PNG, csvOf, rows, validRow, xlsxOf, zipBomb, zipOf } from '../support/spreadsheets';

async function refusal(buf: Buffer, opts: { timeLimitMs?: number } = {}): Promise<UploadRefused> {
  try {
    await parseUpload(buf, opts);
  } catch (err) {
    if (err instanceof UploadRefused) return err;
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('reading an uploaded spreadsheet', () => {
  it('uses the SheetJS build with the security fixes', () => {
    expect(XLSX.version).toBe('0.20.3');
  });

  it('reads a French CSV with semicolons, a BOM and accents', async () => {
    const parsed = await parseUpload(csvOf([HEADERS_FR, validRow(1), validRow(2)], { delimiter: ';', bom: true }));
    expect(parsed.fileType).toBe('csv');
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows[0]).toEqual({ n: 2, v: validRow(1) });
    expect(parsed.rows[1]?.v[COLUMN_KEYS.indexOf('firstName')]).toBe('Hélène');
    expect(parsed.ignoredColumns).toEqual([]);
  });

  it('reads a comma CSV without a BOM, with English headers in any case and order', async () => {
    const csv = csvOf(
      [
        ['E-MAIL ADDRESS', 'last name', 'First Name', 'title', 'Notes'],
        ['jo@example.com', 'Smith', 'Jo', 'Mr', 'ignored'],
      ],
      { delimiter: ',', bom: false },
    );
    const parsed = await parseUpload(csv);
    expect(parsed.rows[0]?.v.slice(0, 4)).toEqual(['Mr', 'Jo', 'Smith', 'jo@example.com']);
    expect(parsed.ignoredColumns).toEqual(['Notes']);
  });

  it('reads an xlsx, keeping the spreadsheet row numbers and skipping blank rows', async () => {
    const parsed = await parseUpload(xlsxOf([HEADERS_FR, validRow(1), [], validRow(2)]));
    expect(parsed.fileType).toBe('xlsx');
    expect(parsed.rows.map((r) => r.n)).toEqual([2, 4]);
    expect(parsed.rows[1]?.v).toEqual(validRow(2));
  });

  it('turns a date typed into a General cell back into dd/mm/yyyy, and numbers into plain digits', async () => {
    const sheet = XLSX.utils.aoa_to_sheet([HEADERS_FR, validRow(1)]);
    sheet['Q2'] = { t: 'n', v: 31133, z: 'm/d/yy' }; // 27/03/1985 as Excel stores it
    sheet['E2'] = { t: 'n', v: 123456 };
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, 'Demandes');
    const parsed = await parseUpload(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    expect(parsed.rows[0]?.v[COLUMN_KEYS.indexOf('dateOfBirth')]).toBe('27/03/1985');
    expect(parsed.rows[0]?.v[COLUMN_KEYS.indexOf('employeeNumber')]).toBe('123456');
  });

  it('reads back the rejected-rows file: the neutralising apostrophe is dropped', async () => {
    const parsed = await parseUpload(xlsxOf([HEADERS_FR, validRow(1, { 7: "'+33 1 23 45 67 89" })]));
    expect(parsed.rows[0]?.v[7]).toBe('+33 1 23 45 67 89');
  });

  it('accepts exactly 3,000 rows', async () => {
    const parsed = await parseUpload(csvOf([HEADERS_FR, ...rows(3000)]));
    expect(parsed.rows).toHaveLength(3000);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'bulk:upload.errors.empty'],
    ['a file of blank lines', Buffer.from('\r\n \r\n'), 'bulk:upload.errors.empty'],
    ['a PNG image renamed .xlsx', PNG, 'bulk:upload.errors.wrongType'],
    ['a Windows program renamed .xlsx', EXE, 'bulk:upload.errors.wrongType'],
    [
      'an Excel 97-2003 file',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 0)]),
      'bulk:upload.errors.oldExcel',
    ],
    [
      'a CSV saved in Windows-1252',
      Buffer.from('Civilit\xe9;Pr\xe9nom;Nom;Adresse e-mail\r\nM.;Fran\xe7ois;Martin;f@example.com\r\n', 'latin1'),
      'bulk:upload.errors.encoding',
    ],
    ['headers only (xlsx)', xlsxOf([HEADERS_FR]), 'bulk:upload.errors.noDataRows'],
    ['headers only (csv)', csvOf([HEADERS_FR]), 'bulk:upload.errors.noDataRows'],
    ['a CSV with an unclosed quote', Buffer.from('Civilité;Prénom;Nom;Adresse e-mail\n"M.;Jo;Smith;jo@example.com\n'), 'bulk:upload.errors.csvMalformed'],
    ['a zip that is not a workbook', zipOf([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]), 'bulk:upload.errors.wrongType'],
  ])('refuses %s', async (_name, buf, key) => {
    expect((await refusal(buf)).key).toBe(key);
  });

  it('refuses a file over 5 MB before reading it', async () => {
    expect((await refusal(Buffer.alloc(MAX_FILE_BYTES + 1, 0x41))).key).toBe('bulk:upload.errors.tooLarge');
  });

  it('refuses 3,001 rows whole (csv and xlsx)', async () => {
    expect((await refusal(csvOf([HEADERS_FR, ...rows(3001)]))).key).toBe('bulk:upload.errors.tooManyRows');
    expect((await refusal(xlsxOf([HEADERS_FR, ...rows(3001)]))).key).toBe('bulk:upload.errors.tooManyRows');
  });

  it('refuses a sheet that goes on beyond what is read, even with blank rows in between', async () => {
    const aoa: string[][] = [HEADERS_FR, ...rows(10)];
    for (let i = 0; i < 3000; i++) aoa.push([]);
    aoa.push(validRow(99));
    expect((await refusal(xlsxOf(aoa))).key).toBe('bulk:upload.errors.tooManyRows');
  });

  it('names the missing mandatory columns', async () => {
    const err = await refusal(
      csvOf([
        ['Civilité', 'Prénom', 'Téléphone mobile'],
        ['M.', 'Jo', '0612345678'],
      ]),
    );
    expect(err.key).toBe('bulk:upload.errors.missingColumns');
    expect(err.columns).toEqual(['lastName', 'email']);
  });

  it('refuses a column given twice (French and English header for the same column)', async () => {
    const err = await refusal(
      csvOf([
        [...HEADERS_FR, 'E-mail address'],
        [...validRow(1), 'x@example.com'],
      ]),
    );
    expect(err.key).toBe('bulk:upload.errors.duplicateColumn');
    expect(err.columns).toEqual(['email']);
  });

  it('refuses a corrupt workbook', async () => {
    const good = xlsxOf([HEADERS_FR, validRow(1)]);
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    expect((await refusal(truncated)).key).toBe('bulk:upload.errors.corrupt');
    const scrambled = Buffer.from(good);
    for (let i = 200; i < scrambled.length - 200; i += 7) scrambled[i] = (scrambled[i] as number) ^ 0xff;
    expect(['bulk:upload.errors.corrupt', 'bulk:upload.errors.tooComplex']).toContain((await refusal(scrambled)).key);
  });

  it('refuses a zip bomb by its declared size, and one whose headers lie about its size', async () => {
    expect((await refusal(zipBomb(60 * 1024 * 1024))).key).toBe('bulk:upload.errors.tooComplex');
    expect((await refusal(zipBomb(2 * 1024 * 1024))).key).toBe('bulk:upload.errors.tooComplex'); // ratio > 100
    expect((await refusal(zipBomb(8 * 1024 * 1024, 1000))).key).toBe('bulk:upload.errors.tooComplex'); // lying header
  });

  it('refuses a workbook holding a formula, even though the cell shows a value', async () => {
    const sheet = XLSX.utils.aoa_to_sheet([HEADERS_FR, validRow(1)]);
    sheet['E2'] = { t: 'n', v: 2, f: '1+1' };
    const book = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(book, sheet, 'Demandes');
    const err = await refusal(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    expect(err.key).toBe('bulk:upload.errors.formulaInWorkbook');
  });

  it('keeps a text cell starting with = (xlsx and csv) as text: never evaluated, the file is not refused', async () => {
    const xlsx = await parseUpload(xlsxOf([HEADERS_FR, validRow(1), validRow(2, { 6: '=HYPERLINK("http://evil.example","x")' })]));
    expect(xlsx.rows).toHaveLength(2);
    expect(xlsx.rows[1]!.v[6]).toBe('=HYPERLINK("http://evil.example","x")');
    const csv = await parseUpload(csvOf([HEADERS_FR, validRow(1, { 2: '\t=1+1' })]));
    expect(csv.rows[0]!.v[2]).toBe('=1+1');
  });

  it('gives up on a workbook that takes longer than the time limit', async () => {
    expect((await refusal(xlsxOf([HEADERS_FR, ...rows(3000)]), { timeLimitMs: 1 })).key).toBe('bulk:upload.errors.tooSlow');
    // the stuck worker was killed; the next file gets a fresh one
    expect((await parseUpload(xlsxOf([HEADERS_FR, validRow(1)]))).rows).toHaveLength(1);
  });

  it('reads several workbooks in a row and at the same time (warm worker, extra workers when busy)', async () => {
    const files = [1, 2, 3].map((i) => xlsxOf([HEADERS_FR, ...rows(i, i * 10)]));
    for (const f of files) await parseUpload(f);
    const parsed = await Promise.all(files.map((f) => parseUpload(f)));
    expect(parsed.map((p) => p.rows.length)).toEqual([1, 2, 3]);
    expect(parsed[2]?.rows[0]?.v).toEqual(validRow(30));
  });

  it('copies cells into plain data: a __proto__ header or value pollutes nothing', async () => {
    const parsed = await parseUpload(
      csvOf([
        [...HEADERS_FR, '__proto__'],
        [...validRow(1), '{"polluted":true}'],
      ]),
    );
    expect(parsed.ignoredColumns).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Array.isArray(parsed.rows[0]?.v)).toBe(true);
  });

  it.each([
    ['a;b;c,d\n1;2;3', ';'],
    ['a,b,c\n1,2,3', ','],
    ['"x;y",b,c\n', ','],
    ['a\tb\tc\n', '\t'],
    ['single\n', ','],
  ])('detects the separator of %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});
