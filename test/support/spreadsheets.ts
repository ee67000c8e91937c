import zlib from 'node:zlib';
import * as XLSX from 'xlsx';

/** Spreadsheet fixtures for the bulk-send tests, generated in memory (no binary fixture files). */

export const HEADERS_FR = [
  'Civilité',
  'Prénom',
  'Nom',
  'Adresse e-mail',
  'Matricule',
  'Code centre de coût',
  'Fonction',
  'Téléphone professionnel',
  'Téléphone mobile',
  'Langue de correspondance',
  'Nom à embosser',
  'Adresse professionnelle ligne 1',
  'Adresse professionnelle ligne 2',
  'Code postal professionnel',
  'Ville professionnelle',
  'Pays professionnel',
  'Date de naissance',
  'Nom de naissance',
  'E-mail de l’approbateur supplémentaire',
];

/** A complete, valid row (19 cells) for employee i. */
export function validRow(i: number, overrides: Partial<Record<number, string>> = {}): string[] {
  const row = [
    i % 2 ? 'Mme' : 'M.',
    i % 3 ? 'Hélène' : 'François',
    `Dupont-Lefèvre${i}`.replace(/\d/g, (d) => 'abcdefghij'[Number(d)] as string),
    `employe${i}@entreprise.example`,
    `M${String(i).padStart(6, '0')}`,
    'CC-PARIS-01',
    'Responsable des achats',
    '01 23 45 67 89',
    '06 12 34 56 78',
    i % 5 ? 'fr' : 'en',
    'HÉLÈNE DUPONT',
    '12 rue de la Paix',
    'Bâtiment B',
    '75002',
    'Paris',
    'FR',
    '27/03/1985',
    'Martin',
    `manager${i}@entreprise.example`,
  ];
  for (const [k, v] of Object.entries(overrides)) row[Number(k)] = v as string;
  return row;
}

export function rows(count: number, from = 1): string[][] {
  return Array.from({ length: count }, (_v, i) => validRow(from + i));
}

/** An xlsx whose cells are all strings (as a spreadsheet program saves a text-formatted sheet). */
export function xlsxOf(aoa: unknown[][], opts: { sheetName?: string } = {}): Buffer {
  const sheet = XLSX.utils.aoa_to_sheet(aoa);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, opts.sheetName ?? 'Demandes');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

export function csvOf(aoa: string[][], opts: { delimiter?: string; bom?: boolean; eol?: string } = {}): Buffer {
  const d = opts.delimiter ?? ';';
  const quote = (v: string) => (v.includes(d) || v.includes('"') || /[\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const text = aoa.map((r) => r.map(quote).join(d)).join(opts.eol ?? '\r\n');
  return Buffer.from(`${opts.bom === false ? '' : '\uFEFF'}${text}\r\n`, 'utf8');
}

/** A minimal zip writer, to build archives SheetJS would never write (bombs, lying headers). */
export function zipOf(entries: Array<{ name: string; data: Buffer; declaredSize?: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const compressed = zlib.deflateRawSync(e.data);
    const name = Buffer.from(e.name, 'utf8');
    const crc = zlib.crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const CONTENT_TYPES = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>');

/** A "workbook" whose one worksheet inflates to `size` bytes, optionally declared smaller than it really is. */
export function zipBomb(size: number, declaredSize?: number): Buffer {
  return zipOf([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(size, 0x20), ...(declaredSize !== undefined ? { declaredSize } : {}) },
  ]);
}

export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  Buffer.alloc(64, 0),
]);

export const EXE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.from([0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]),
  Buffer.from('This program cannot be run in DOS mode.'),
  Buffer.alloc(64, 0),
]);

/** The headers of a workbook's first sheet, as text. */
export function headersOf(buf: Buffer): string[] {
  const book = XLSX.read(buf, { type: 'buffer' });
  const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
  return (XLSX.utils.sheet_to_json(sheet, { header: 1 })[0] as string[]).map(String);
}

export function sheetRowsOf(buf: Buffer): string[][] {
  const book = XLSX.read(buf, { type: 'buffer' });
  const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
  return (XLSX.utils.sheet_to_json(sheet, { header: 1, defval: '' }) as unknown[][]).map((r) => r.map(String));
}
