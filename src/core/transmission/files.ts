import crypto from 'node:crypto';
import { sha256Hex } from '../../lib/download';
import { toIssuerCharset } from '../../lib/issuer-charset';
import type { CardholderValues } from '../application/form-data';

/**
 * The files of one transmission to the issuer (docs/issuer-files.md): applications.csv, applications.jsonl, pins.jsonl
 * and manifest.json. Pure: the records come in, the files' bytes, row counts and SHA-256 values come out.
 */

/** One approved application as the issuer receives it (the IBAN decrypted for the issuer; the PIN stays encrypted). */
export interface TransmissionRecord {
  reference: string;
  accountNumber: string;
  companyName: string;
  keyNumber: string;
  cardProduct: string;
  plasticType: string;
  liabilityType: string;
  statementOption: string;
  paymentType: string;
  priority: string;
  approvedAt: string | null;
  cardholder: CardholderValues;
  payment: { directDebit: string; iban: string; bic: string; accountHolder: string };
}

/** An encrypted PIN exactly as stored (`v1.<keyId>.<wrappedKey>.<iv>.<tag>.<ct>`): Sésame never decrypts it. */
export interface PinRecord {
  reference: string;
  keyId: string;
  encrypted: string;
}

export interface TransmissionFile {
  name: string;
  content: Buffer;
  rows: number;
  sha256: string;
}

export const FILE_NAMES = { csv: 'applications.csv', jsonl: 'applications.jsonl', pins: 'pins.jsonl', manifest: 'manifest.json' } as const;
/** The file that holds the encrypted PINs: emptied once the issuer has it. */
export const PIN_FILE = FILE_NAMES.pins;
export const MANIFEST_FORMAT = 'sesame-issuer-transmission/1';

/** The transmission's folder at the issuer: SESAME-000042. */
export function transmissionFolderName(number: number): string {
  return `SESAME-${String(number).padStart(6, '0')}`;
}

function birthDate(c: CardholderValues): string {
  if (!c.dobYear || !c.dobMonth || !c.dobDay) return '';
  return `${c.dobYear.padStart(4, '0')}-${c.dobMonth.padStart(2, '0')}-${c.dobDay.padStart(2, '0')}`;
}

type Column = { name: string; value: (r: TransmissionRecord) => string };

const ch = (field: keyof CardholderValues) => (r: TransmissionRecord) => r.cardholder[field] ?? '';
const name = (field: keyof CardholderValues) => (r: TransmissionRecord) => toIssuerCharset(r.cardholder[field]);

/** The columns of applications.csv, in order (documented in docs/issuer-files.md; names in the issuer's character set). */
export const CSV_COLUMNS: Column[] = [
  { name: 'reference', value: (r) => r.reference },
  { name: 'bc_number', value: (r) => r.accountNumber },
  { name: 'company_name', value: (r) => toIssuerCharset(r.companyName) },
  { name: 'key_number', value: (r) => r.keyNumber },
  { name: 'card_product', value: (r) => r.cardProduct },
  { name: 'plastic_type', value: (r) => r.plasticType },
  { name: 'liability', value: (r) => r.liabilityType },
  { name: 'statement', value: (r) => r.statementOption },
  { name: 'payment_type', value: (r) => r.paymentType },
  { name: 'priority', value: (r) => r.priority },
  { name: 'approved_at', value: (r) => r.approvedAt ?? '' },
  { name: 'title', value: ch('title') },
  { name: 'last_name', value: name('lastName') },
  { name: 'first_name', value: name('firstName') },
  { name: 'birth_name', value: name('birthName') },
  { name: 'birth_date', value: (r) => birthDate(r.cardholder) },
  { name: 'birth_place', value: name('birthPlace') },
  { name: 'birth_country', value: ch('birthCountry') },
  { name: 'nationality', value: ch('nationality') },
  { name: 'home_address_line1', value: ch('homeAddressLine1') },
  { name: 'home_address_line2', value: ch('homeAddressLine2') },
  { name: 'home_postal_code', value: ch('homePostalCode') },
  { name: 'home_city', value: ch('homeCity') },
  { name: 'home_country', value: ch('homeCountry') },
  { name: 'mobile_phone', value: ch('mobilePhone') },
  { name: 'business_phone', value: ch('businessPhone') },
  { name: 'business_email', value: ch('businessEmail') },
  { name: 'business_address_line1', value: ch('businessAddressLine1') },
  { name: 'business_address_line2', value: ch('businessAddressLine2') },
  { name: 'business_postal_code', value: ch('businessPostalCode') },
  { name: 'business_city', value: ch('businessCity') },
  { name: 'business_country', value: ch('businessCountry') },
  { name: 'job_title', value: ch('jobTitle') },
  { name: 'employee_number', value: ch('employeeNumber') },
  { name: 'cost_centre', value: ch('costCentre') },
  { name: 'correspondence_language', value: ch('correspondenceLanguage') },
  { name: 'emboss_name', value: name('embossName') },
  { name: 'direct_debit', value: (r) => r.payment.directDebit },
  { name: 'iban', value: (r) => r.payment.iban },
  { name: 'bic', value: (r) => r.payment.bic },
  { name: 'account_holder', value: (r) => toIssuerCharset(r.payment.accountHolder) },
];

const SEPARATOR = ';';

/** A csv field: quoted (quotes doubled) when it holds the separator, a quote or a line break; line breaks become spaces. */
function csvField(value: string): string {
  const v = value.replace(/[\r\n]+/g, ' ');
  return /[;"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvLine(values: string[]): string {
  return `${values.map(csvField).join(SEPARATOR)}\r\n`;
}

/** A file written line by line into buffers, hashed as it grows (never the whole text as one string). */
class LinesFile {
  private readonly hash = crypto.createHash('sha256');
  private readonly chunks: Buffer[] = [];
  rows = 0;
  constructor(
    readonly name: string,
    head?: string,
  ) {
    if (head) this.push([head]);
  }
  private push(lines: string[]): void {
    if (!lines.length) return;
    const chunk = Buffer.from(lines.join(''), 'utf8');
    this.hash.update(chunk);
    this.chunks.push(chunk);
  }
  add(lines: string[]): void {
    this.push(lines);
    this.rows += lines.length;
  }
  finish(): TransmissionFile {
    const content = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return { name: this.name, content, rows: this.rows, sha256: this.hash.digest('hex') };
  }
}

/**
 * The files of one transmission, built page by page (a page of records and their PINs at a time, so 10,000
 * applications never sit in memory at once); `finish` adds the manifest.
 */
export class TransmissionFilesBuilder {
  private readonly csv = new LinesFile(FILE_NAMES.csv, csvLine(CSV_COLUMNS.map((c) => c.name)));
  private readonly jsonl = new LinesFile(FILE_NAMES.jsonl);
  private readonly pins = new LinesFile(FILE_NAMES.pins);

  add(records: TransmissionRecord[], pins: PinRecord[]): void {
    this.csv.add(records.map((r) => csvLine(CSV_COLUMNS.map((c) => c.value(r)))));
    this.jsonl.add(records.map((r) => `${JSON.stringify(jsonRecord(r))}\n`));
    this.pins.add(pins.map((p) => `${JSON.stringify({ reference: p.reference, issuerKeyId: p.keyId, encryptedPin: p.encrypted })}\n`));
  }

  get applicationCount(): number {
    return this.jsonl.rows;
  }

  get pinCount(): number {
    return this.pins.rows;
  }

  finish(number: number, createdAt: Date): TransmissionFile[] {
    const data = [this.csv.finish(), this.jsonl.finish(), this.pins.finish()];
    const manifest = {
      format: MANIFEST_FORMAT,
      number,
      folder: transmissionFolderName(number),
      createdAt: createdAt.toISOString(),
      applicationCount: data[1]?.rows ?? 0,
      files: data.map((f) => ({ name: f.name, rows: f.rows, size: f.content.length, sha256: f.sha256 })),
    };
    return [...data, file(FILE_NAMES.manifest, `${JSON.stringify(manifest, null, 2)}\n`, 1)];
  }
}

function file(name: string, text: string, rows: number): TransmissionFile {
  const content = Buffer.from(text, 'utf8');
  return { name, content, rows, sha256: sha256Hex(content) };
}

/** The application as applications.jsonl carries it: the same data, names as typed (UTF-8). */
function jsonRecord(r: TransmissionRecord) {
  return {
    reference: r.reference,
    bcNumber: r.accountNumber,
    companyName: r.companyName,
    keyNumber: r.keyNumber,
    cardProduct: r.cardProduct,
    plasticType: r.plasticType,
    liability: r.liabilityType,
    statement: r.statementOption,
    paymentType: r.paymentType,
    priority: r.priority,
    approvedAt: r.approvedAt,
    cardholder: { ...r.cardholder, birthDate: birthDate(r.cardholder) || null },
    payment: r.payment,
  };
}

/** Builds the four files at once (the manifest last, listing the three others with their row counts and SHA-256). */
export function buildTransmissionFiles(input: { number: number; createdAt: Date; records: TransmissionRecord[]; pins: PinRecord[] }): TransmissionFile[] {
  const builder = new TransmissionFilesBuilder();
  builder.add(input.records, input.pins);
  return builder.finish(input.number, input.createdAt);
}
