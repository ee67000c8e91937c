import type * as XLSX from 'xlsx';
import { xlsx } from '../../lib/xlsx';
import type { TFunction } from 'i18next';
import { neutraliseCell, toXlsxBuffer } from '../../lib/spreadsheet-export';
import { COLUMN_KEYS, MANDATORY_COLUMNS } from './columns';
import type { CheckedRow, RowError } from './validate';

/**
 * The spreadsheets Sésame hands out for bulk send: the template (19 headers in the page language, each with a note
 * giving its format, plus an "Instructions" sheet with the same notes and an example) and the rejected rows (the
 * original 19 columns plus an error column). Every cell is text; values are neutralised against formula injection.
 */

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function columnLabel(t: TFunction, key: string): string {
  return t(`bulk:columns.${key}.label`);
}

function note(t: TFunction, key: (typeof COLUMN_KEYS)[number]): string {
  const need = MANDATORY_COLUMNS.includes(key) ? t('bulk:template.mandatory') : t('bulk:template.optional');
  return `${need} – ${t(`bulk:columns.${key}.note`)}`;
}

export function templateWorkbook(t: TFunction): Buffer {
  const headers = COLUMN_KEYS.map((k) => columnLabel(t, k));
  const sheet = xlsx().utils.aoa_to_sheet([headers]);
  COLUMN_KEYS.forEach((key, c) => {
    const cell = sheet[xlsx().utils.encode_cell({ r: 0, c })] as XLSX.CellObject;
    // Author kept ASCII: SheetJS writes comment authors without encoding them.
    const comment = [{ a: 'Sesame', t: note(t, key) }] as XLSX.Comments;
    comment.hidden = true;
    cell.c = comment;
  });
  sheet['!cols'] = headers.map((h) => ({ wch: Math.max(14, h.length + 2) }));

  const instructions = xlsx().utils.aoa_to_sheet([
    [t('bulk:template.instructionsTitle')],
    [t('bulk:template.instructionsRows', { max: 3000 })],
    [t('bulk:template.instructionsText')],
    [],
    [t('bulk:template.columnHeader'), t('bulk:template.needHeader'), t('bulk:template.formatHeader'), t('bulk:template.exampleHeader')],
    ...COLUMN_KEYS.map((key) => [
      columnLabel(t, key),
      MANDATORY_COLUMNS.includes(key) ? t('bulk:template.mandatory') : t('bulk:template.optional'),
      t(`bulk:columns.${key}.note`),
      neutraliseCell(t(`bulk:columns.${key}.example`)),
    ]),
  ]);
  instructions['!cols'] = [{ wch: 34 }, { wch: 12 }, { wch: 80 }, { wch: 30 }];

  const book = xlsx().utils.book_new();
  xlsx().utils.book_append_sheet(book, sheet, t('bulk:template.sheetName'));
  xlsx().utils.book_append_sheet(book, instructions, t('bulk:template.instructionsSheetName'));
  return xlsx().write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

function errorText(t: TFunction, e: RowError): string {
  const message = t(e.key, e.params ?? {});
  return e.column ? t('bulk:errorWithColumn', { column: columnLabel(t, e.column), message }) : message;
}

/** The rows that will not be initiated, as they were uploaded, with their errors in a last column. */
export function rejectedWorkbook(t: TFunction, rows: CheckedRow[]): Buffer {
  const headers = [...COLUMN_KEYS.map((k) => columnLabel(t, k)), t('bulk:rejected.errorsColumn')];
  const body = rows.map((r) => [
    ...r.v,
    t('bulk:rejected.rowErrors', { row: r.n, errors: r.errors.map((e) => errorText(t, e)).join(t('bulk:listSeparator')) }),
  ]);
  return toXlsxBuffer(headers, body, t('bulk:rejected.sheetName'));
}
