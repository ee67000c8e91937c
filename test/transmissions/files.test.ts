import crypto from 'node:crypto';
import { toIssuerCharset } from '../../src/lib/issuer-charset';
import { buildTransmissionFiles, CSV_COLUMNS, transmissionFolderName, type TransmissionRecord } from '../../src/core/transmission/files';

const record = (over: Partial<TransmissionRecord> = {}): TransmissionRecord => ({
  reference: '1234567897',
  accountNumber: '00820400012',
  companyName: 'ACME Industries SA',
  keyNumber: 'AB12CD34',
  cardProduct: 'corporate',
  plasticType: 'gold',
  liabilityType: 'company',
  statementOption: 'centralised',
  paymentType: 'central',
  priority: 'normal',
  approvedAt: '2026-11-24T09:00:00.000Z',
  cardholder: { title: 'mrs', firstName: 'Élodie', lastName: 'Hervé-Müller', dobDay: '7', dobMonth: '3', dobYear: '1985', embossName: 'ELODIE HERVE-MULLER' },
  payment: { directDebit: '', iban: '', bic: '', accountHolder: '' },
  ...over,
});

describe("the issuer's character set for names", () => {
  it.each([
    ['Élodie Hervé-Müller', 'ELODIE HERVE-MULLER'],
    ['Strauß', 'STRAUSS'],
    ['Æsa Øster', 'AESA OSTER'],
    ['Œuvray', 'OEUVRAY'],
    ['Łukasz Wałęsa', 'LUKASZ WALESA'],
    ['Nguyễn Thị Minh Khai', 'NGUYEN THI MINH KHAI'],
    ['O’Brien', "O'BRIEN"],
    ['  Zoé   (née) Martin! ', 'ZOE NEE MARTIN'],
  ])('%s → %s', (input, expected) => {
    expect(toIssuerCharset(input)).toBe(expected);
    expect(toIssuerCharset(input)).toMatch(/^[A-Z0-9 '-]*$/);
  });
});

describe('the files of a transmission', () => {
  const createdAt = new Date('2026-11-25T01:00:00Z');
  const files = buildTransmissionFiles({
    number: 42,
    createdAt,
    records: [record(), record({ reference: '2345678904', companyName: 'Dupont; Fils "et" Cie', cardholder: { firstName: 'Zoé', lastName: 'Martin' } })],
    pins: [{ reference: '1234567897', keyId: 'abcd', encrypted: 'v1.abcd.wrapped.iv.tag.ct' }],
  });
  const byName = Object.fromEntries(files.map((f) => [f.name, f]));

  it('names the folder after the number', () => {
    expect(transmissionFolderName(42)).toBe('SESAME-000042');
  });

  it('writes applications.csv: a header of the documented columns, one line per application, names transliterated, separators quoted', () => {
    const lines = byName['applications.csv']!.content.toString('utf8').split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.map((c) => c.name).join(';'));
    expect(lines).toHaveLength(4); // header, 2 rows, final empty string
    const row = lines[1]!.split(';');
    const col = (name: string) => row[CSV_COLUMNS.findIndex((c) => c.name === name)];
    expect(col('reference')).toBe('1234567897');
    expect(col('first_name')).toBe('ELODIE');
    expect(col('last_name')).toBe('HERVE-MULLER');
    expect(col('emboss_name')).toBe('ELODIE HERVE-MULLER');
    expect(col('birth_date')).toBe('1985-03-07');
    expect(col('key_number')).toBe('AB12CD34');
    expect(lines[2]).toContain(';DUPONT FILS ET CIE;'); // the company name in the issuer's set: no separator or quote left
    expect(byName['applications.csv']!.rows).toBe(2);
  });

  it('quotes a field holding the separator or a quote (the addresses keep their UTF-8)', () => {
    const [f] = buildTransmissionFiles({
      number: 1,
      createdAt,
      records: [record({ cardholder: { homeAddressLine1: '12 rue de l’Église; bât. "A"' } })],
      pins: [],
    });
    expect(f!.content.toString('utf8')).toContain('"12 rue de l’Église; bât. ""A"""');
  });

  it('writes applications.jsonl with the original UTF-8 names', () => {
    const rows = byName['applications.jsonl']!.content.toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows[0].cardholder.firstName).toBe('Élodie');
    expect(rows[0].cardholder.lastName).toBe('Hervé-Müller');
    expect(rows[0].cardholder.birthDate).toBe('1985-03-07');
  });

  it('writes pins.jsonl with each PIN exactly as stored (never decrypted)', () => {
    const rows = byName['pins.jsonl']!.content.toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([{ reference: '1234567897', issuerKeyId: 'abcd', encryptedPin: 'v1.abcd.wrapped.iv.tag.ct' }]);
  });

  it('writes manifest.json: number, time, and each file with its name, row count and SHA-256', () => {
    const manifest = JSON.parse(byName['manifest.json']!.content.toString('utf8'));
    expect(manifest).toMatchObject({ number: 42, folder: 'SESAME-000042', createdAt: createdAt.toISOString(), applicationCount: 2 });
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual(['applications.csv', 'applications.jsonl', 'pins.jsonl']);
    for (const f of manifest.files) {
      const file = byName[f.name]!;
      expect(f.sha256).toBe(crypto.createHash('sha256').update(file.content).digest('hex'));
      expect(f.rows).toBe(file.rows);
      expect(f.size).toBe(file.content.length);
    }
    expect(manifest.files.find((f: { name: string }) => f.name === 'pins.jsonl').rows).toBe(1);
  });
});
