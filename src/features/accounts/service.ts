import { parse } from 'csv-parse/sync';
import { isUniqueViolation, type Db } from '../../platform/db';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { ACCOUNT_FIELDS, accountSchema, toAccountCandidate, type AccountField, type AccountInput } from '../../core/accounts/schema';
import {
  activeKeysOf,
  existingNumbers,
  findAccount,
  holdAccount,
  insertAccounts,
  listAccounts,
  updateAccount as updateAccountRow,
  type Account,
} from '../../core/accounts/repository';

/** A rule the input broke, as a translation key on one field. */
export interface RuleIssue {
  field: string;
  key: string;
  params?: Record<string, string | number>;
}

export type SaveResult = { ok: true; id: number } | { ok: false; issues: RuleIssue[] };

/** Who acted and from where, for the audit log (from the route: auditRequestContext(req)). */

/** Every BC with its number of active keys, for the list page. */
export async function listAllAccounts(db: Db): Promise<Array<Account & { keyCount: number }>> {
  return listAccounts(db);
}

/** One BC, or undefined when there is none with this id. */
export async function getAccount(db: Db, id: number): Promise<Account | undefined> {
  return findAccount(db, id);
}

const numberTaken: RuleIssue = { field: 'number', key: 'accounts:form.number.errors.taken' };

export async function createAccount(db: Db, input: AccountInput, now: Date, audit: AuditContext): Promise<SaveResult> {
  try {
    return await db.transaction(async (trx) => {
      if ((await existingNumbers(trx, [input.number])).size) return { ok: false, issues: [numberTaken] } as const;
      const [id] = await insertAccounts(trx, [input], now);
      await recordAudit(trx, { ...audit, at: now, action: 'account.create', object: { type: 'account', id: id as number } });
      return { ok: true, id: id as number } as const;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, issues: [numberTaken] };
    throw err;
  }
}

/**
 * Saves a BC's new settings unless that would break one of its active keys: a plastic type a key uses cannot be
 * removed, and payment cannot become central while a key offers direct debit (only meaningful for individual payment).
 * The BC is held while its keys are checked, as a key's change holds it. Returns undefined when the BC does not exist.
 */
export async function updateAccount(db: Db, id: number, input: AccountInput, now: Date, audit: AuditContext): Promise<SaveResult | undefined> {
  try {
    return await db.transaction(async (trx) => {
      await holdAccount(trx, id);
      if (!(await findAccount(trx, id))) return undefined;
      const issues: RuleIssue[] = [];
      if ((await existingNumbers(trx, [input.number], id)).size) issues.push(numberTaken);
      const keys = await activeKeysOf(trx, id);
      const orphan = keys.find((k) => !(input.plasticTypes as string[]).includes(k.plasticType));
      if (orphan) {
        issues.push({
          field: 'plasticTypes',
          key: 'accounts:form.plasticTypes.errors.usedByKey',
          params: { plastic: orphan.plasticType, key: orphan.name, keyNumber: orphan.number },
        });
      }
      const debit = input.paymentType === 'central' ? keys.find((k) => k.directDebitRule !== 'none') : undefined;
      if (debit) {
        issues.push({ field: 'paymentType', key: 'accounts:form.paymentType.errors.directDebitKey', params: { key: debit.name, keyNumber: debit.number } });
      }
      if (issues.length) return { ok: false, issues } as const;
      await updateAccountRow(trx, id, input, now);
      await recordAudit(trx, { ...audit, at: now, action: 'account.update', object: { type: 'account', id } });
      return { ok: true, id } as const;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, issues: [numberTaken] };
    throw err;
  }
}

// ---- CSV import ---------------------------------------------------------------------------------------------------

/** CSV columns: the database names of the form's fields. Building and phone may be left out. */
export const CSV_COLUMNS: ReadonlyArray<{ column: string; field: AccountField; required: boolean }> = [
  { column: 'number', field: 'number', required: true },
  { column: 'company_name', field: 'companyName', required: true },
  { column: 'address_building', field: 'addressBuilding', required: false },
  { column: 'address_street', field: 'addressStreet', required: true },
  { column: 'address_city', field: 'addressCity', required: true },
  { column: 'address_postal_code', field: 'addressPostalCode', required: true },
  { column: 'address_country', field: 'addressCountry', required: true },
  { column: 'phone', field: 'phone', required: false },
  { column: 'card_product', field: 'cardProduct', required: true },
  { column: 'plastic_types', field: 'plasticTypes', required: true },
  { column: 'liability_type', field: 'liabilityType', required: true },
  { column: 'statement_option', field: 'statementOption', required: true },
  { column: 'payment_type', field: 'paymentType', required: true },
];

const COLUMN_OF_FIELD = new Map(CSV_COLUMNS.map((c) => [c.field as string, c.column]));

/** The sample offered on the import page. */
export const SAMPLE_CSV =
  '\uFEFF' +
  [
    CSV_COLUMNS.map((c) => c.column).join(','),
    '00820400999,Exemple Industries SA,Bâtiment B,10 rue de Rivoli,Paris,75004,FR,+33 1 40 00 00 99,corporate,corporate|gold,company,centralised,central',
    '00820401005,Example Benelux SA,,Rue de la Loi 16,Bruxelles,1000,BE,+32 2 500 00 00,corporate_air_france,corporate,joint,individual,individual',
  ].join('\r\n') +
  '\r\n';

export const MAX_IMPORT_ROWS = 5000;

/** A problem with the whole file (the summary shows it); nothing is imported. */
export interface FileIssue {
  key: string;
  params?: Record<string, string | number>;
}

/** A problem with one cell: `row` counts lines as a spreadsheet shows them (header = 1). */
export interface RowIssue {
  row: number;
  column: string;
  key: string;
  params?: Record<string, string | number>;
}

type ImportResult = { ok: true; count: number } | { ok: false; fileIssues: FileIssue[]; rowIssues: RowIssue[] };

/** `;` when the header line holds more semicolons than commas (French spreadsheet exports), else `,`. */
function detectDelimiter(text: string): ',' | ';' {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (ch: string) => firstLine.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** UTF-8 text of an uploaded file, or why it is not a CSV file (checked by content, never by name). */
function decodeCsv(buffer: Buffer): { text: string } | { issue: FileIssue } {
  if (buffer.length === 0) return { issue: { key: 'accounts:import.errors.empty' } };
  if (buffer.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return { issue: { key: 'accounts:import.errors.spreadsheet' } };
  if (buffer.includes(0)) return { issue: { key: 'accounts:import.errors.notCsv' } };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return { issue: { key: 'accounts:import.errors.encoding' } };
  }
  // Control characters other than tab and line breaks mean a binary file, not text.
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) return { issue: { key: 'accounts:import.errors.notCsv' } };
  return { text: text.replace(/^\uFEFF/, '') };
}

/**
 * Reads a CSV of BCs and checks every row with the form's schema, plus duplicates within the file and against the
 * database. Nothing is written: see importAccounts.
 */
async function checkAccountsCsv(db: Db, buffer: Buffer): Promise<{ inputs: AccountInput[] } | { fileIssues: FileIssue[]; rowIssues: RowIssue[] }> {
  const decoded = decodeCsv(buffer);
  if ('issue' in decoded) return { fileIssues: [decoded.issue], rowIssues: [] };
  let records: string[][];
  try {
    records = parse(decoded.text, { delimiter: detectDelimiter(decoded.text), skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { fileIssues: [{ key: 'accounts:import.errors.notParseable', params: { line: line ?? 1 } }], rowIssues: [] };
  }
  const [header, ...rows] = records;
  if (!header) return { fileIssues: [{ key: 'accounts:import.errors.empty' }], rowIssues: [] };
  const names = header.map((h) => h.trim().toLowerCase());
  const known = new Set(CSV_COLUMNS.map((c) => c.column));
  const fileIssues: FileIssue[] = [];
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) fileIssues.push({ key: 'accounts:import.errors.unknownColumns', params: { columns: unknown.join(', ') } });
  const missing = CSV_COLUMNS.filter((c) => c.required && !names.includes(c.column)).map((c) => c.column);
  if (missing.length) fileIssues.push({ key: 'accounts:import.errors.missingColumns', params: { columns: missing.join(', ') } });
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) fileIssues.push({ key: 'accounts:import.errors.repeatedColumns', params: { columns: [...new Set(repeated)].join(', ') } });
  if (fileIssues.length) return { fileIssues, rowIssues: [] };
  if (!rows.length) return { fileIssues: [{ key: 'accounts:import.errors.noRows' }], rowIssues: [] };
  if (rows.length > MAX_IMPORT_ROWS) return { fileIssues: [{ key: 'accounts:import.errors.tooManyRows', params: { max: MAX_IMPORT_ROWS } }], rowIssues: [] };

  const rowIssues: RowIssue[] = [];
  const inputs: Array<{ row: number; input: AccountInput }> = [];
  const firstRowOfNumber = new Map<string, number>();
  rows.forEach((cells, index) => {
    const row = index + 2;
    if (cells.length !== names.length) {
      rowIssues.push({ row, column: '', key: 'accounts:import.errors.columnCount', params: { expected: names.length, found: cells.length } });
      return;
    }
    const raw: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const field = CSV_COLUMNS.find((c) => c.column === name)?.field as AccountField;
      raw[field] = cells[i];
    });
    const parsed = accountSchema.safeParse(toAccountCandidate(raw));
    if (!parsed.success) {
      const seen = new Set<string>();
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        if (seen.has(field)) continue;
        seen.add(field);
        rowIssues.push({ row, column: COLUMN_OF_FIELD.get(field) ?? field, key: issue.message });
      }
      return;
    }
    const first = firstRowOfNumber.get(parsed.data.number);
    if (first !== undefined) {
      rowIssues.push({ row, column: 'number', key: 'accounts:import.errors.duplicateInFile', params: { row: first } });
      return;
    }
    firstRowOfNumber.set(parsed.data.number, row);
    inputs.push({ row, input: parsed.data });
  });
  const taken = await existingNumbers(
    db,
    inputs.map((i) => i.input.number),
  );
  for (const { row, input } of inputs) {
    if (taken.has(input.number)) rowIssues.push({ row, column: 'number', key: 'accounts:form.number.errors.taken' });
  }
  if (rowIssues.length) {
    rowIssues.sort((a, b) => a.row - b.row || ACCOUNT_FIELDS.indexOf(fieldOfColumn(a.column)) - ACCOUNT_FIELDS.indexOf(fieldOfColumn(b.column)));
    return { fileIssues: [], rowIssues };
  }
  return { inputs: inputs.map((i) => i.input) };
}

function fieldOfColumn(column: string): AccountField {
  return (CSV_COLUMNS.find((c) => c.column === column)?.field ?? 'number') as AccountField;
}

/** All or nothing: every row valid → all inserted in one transaction; any problem → nothing inserted. */
export async function importAccounts(db: Db, buffer: Buffer, now: Date, audit: AuditContext): Promise<ImportResult> {
  const checked = await checkAccountsCsv(db, buffer);
  if (!('inputs' in checked)) return { ok: false, ...checked };
  try {
    await db.transaction(async (trx) => {
      await insertAccounts(trx, checked.inputs, now);
      await recordAudit(trx, { ...audit, at: now, action: 'account.import', details: { count: checked.inputs.length } });
    });
  } catch (err) {
    // Another import or form took one of these numbers meanwhile: nothing was kept, check again for the exact rows.
    if (isUniqueViolation(err)) return importAccounts(db, buffer, now, audit);
    throw err;
  }
  return { ok: true, count: checked.inputs.length };
}
