import * as XLSX from 'xlsx';
import {
  OFF_THREAD_ROWS,
  toXlsxBufferOffThread,
  isSpreadsheetFormat,
  neutraliseCell,
  spreadsheetFile,
  toCsv,
  toXlsxBuffer,
  xlsxWriters,
} from '../../src/lib/spreadsheet-export';

describe('neutraliseCell', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+33 1 23', "'+33 1 23"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['a=b', 'a=b'],
    ['Société Générale', 'Société Générale'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-1, "'-1"],
    [true, 'true'],
  ])('%j → %j', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });
});

describe('toCsv', () => {
  it('starts with a BOM, separates with commas, ends lines with CRLF and quotes what needs quoting', () => {
    const csv = toCsv(
      ['Nom', 'Société'],
      [
        ['a,b', 'say "hi"'],
        ['line\nbreak', '=HYPERLINK("x")'],
        [null, 'plain'],
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe('Nom,Société\r\n"a,b","say ""hi"""\r\n"line\nbreak","\'=HYPERLINK(""x"")"\r\n,plain\r\n');
  });
});

describe('toXlsxBuffer', () => {
  it('reads back as one sheet of string cells, formulas neutralised', () => {
    expect(XLSX.version).toBe('0.20.3');
    const buf = toXlsxBuffer(
      ['Name', 'Amount'],
      [
        ['=cmd|calc', 12],
        ['Zoé', '007'],
      ],
      'Clés/accès: test',
    );
    const book = XLSX.read(buf, { type: 'buffer', cellFormula: true });
    expect(book.SheetNames).toEqual(['Clés accès  test']);
    const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
    expect(sheet.A2).toMatchObject({ t: 's', v: "'=cmd|calc" });
    expect(sheet.A2?.f).toBeUndefined();
    expect(sheet.B2).toMatchObject({ t: 's', v: '12' });
    expect(sheet.B3).toMatchObject({ t: 's', v: '007' });
    expect(XLSX.utils.sheet_to_json(sheet, { header: 1 })).toEqual([
      ['Name', 'Amount'],
      ["'=cmd|calc", '12'],
      ['Zoé', '007'],
    ]);
  });

  it('writes a header-only sheet for an empty list', () => {
    const book = XLSX.read(toXlsxBuffer(['A', 'B'], []), { type: 'buffer' });
    const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
    expect(XLSX.utils.sheet_to_json(sheet, { header: 1 })).toEqual([['A', 'B']]);
  });
});

describe('spreadsheetFile', () => {
  it('names the file safely and sets the content type', async () => {
    expect(await spreadsheetFile('csv', 'clés d’accès 2026', ['a'], [])).toMatchObject({
      contentType: 'text/csv; charset=utf-8',
      fileName: 'cl-s-d-acc-s-2026.csv',
    });
    expect((await spreadsheetFile('xlsx', 'keys', ['a'], [])).contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(isSpreadsheetFormat('xlsx')).toBe(true);
    expect(isSpreadsheetFormat('xls')).toBe(false);
  });
});

describe('large xlsx written off the main thread', () => {
  const cellsOf = (buf: Buffer) => {
    const book = XLSX.read(buf, { type: 'buffer' });
    const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
    return {
      name: book.SheetNames[0],
      rows: XLSX.utils.sheet_to_json(sheet, { header: 1, raw: false }) as string[][],
      cols: sheet['!cols'],
      types: new Set(
        Object.keys(sheet)
          .filter((k) => !k.startsWith('!'))
          .map((k) => (sheet[k] as XLSX.CellObject).t),
      ),
    };
  };

  it('gives the same workbook as the main thread, formulas neutralised, every cell text', async () => {
    const rows = Array.from({ length: OFF_THREAD_ROWS + 5 }, (_v, i) => [`=HYPERLINK("x${i}")`, i, `Zoé ${i}`, i % 2 ? null : '+33 1 23']);
    const offThread = await toXlsxBufferOffThread(['Formula', 'N', 'Name', 'Phone'], rows, 'Suivi: demandes/2026');
    const inThread = toXlsxBuffer(['Formula', 'N', 'Name', 'Phone'], rows, 'Suivi: demandes/2026');
    const a = cellsOf(offThread);
    expect(a).toEqual(cellsOf(inThread));
    expect(a.name).toBe('Suivi  demandes 2026');
    expect(a.rows[1]).toEqual(['\'=HYPERLINK("x0")', '0', 'Zoé 0', "'+33 1 23"]);
    expect(a.rows).toHaveLength(OFF_THREAD_ROWS + 6);
    expect([...a.types]).toEqual(['s']);
  });

  it('spreadsheetFile uses it above the threshold', async () => {
    const rows = Array.from({ length: OFF_THREAD_ROWS + 1 }, (_v, i) => [String(i)]);
    const file = await spreadsheetFile('xlsx', 'big', ['n'], rows);
    expect(cellsOf(file.body).rows).toHaveLength(OFF_THREAD_ROWS + 2);
  });

  it('writes one file at a time: exports at the same moment wait for each other, each gets its own file', async () => {
    const rowsFor = (tag: string) => Array.from({ length: OFF_THREAD_ROWS + 1 }, (_v, i) => [`${tag}${i}`]);
    xlsxWriters.mostAtOnce = 0;
    const files = await Promise.all(['a', 'b', 'c'].map((tag) => toXlsxBufferOffThread(['n'], rowsFor(tag))));
    expect(files.map((f) => cellsOf(f).rows[1]?.[0])).toEqual(['a0', 'b0', 'c0']);
    expect(xlsxWriters.mostAtOnce).toBe(1);
    expect(xlsxWriters.running).toBe(0);
  });

  it('rejects when the worker takes longer than its time limit', async () => {
    const rows = Array.from({ length: 20_000 }, (_v, i) => [String(i), 'x'.repeat(20)]);
    await expect(toXlsxBufferOffThread(['a', 'b'], rows, 'x', 1)).rejects.toThrow('took too long');
  });
});
