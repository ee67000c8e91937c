import { checkRows, type CheckedRow } from '../../src/features/bulk/validate';
import { COLUMN_KEYS, columnForHeader, type ColumnKey } from '../../src/features/bulk/columns';
import { validRow } from '../support/spreadsheets';
import { tFor } from '../../src/platform/i18n';

const NOW = new Date('2026-11-24T09:00:00Z');
const col = (k: ColumnKey) => COLUMN_KEYS.indexOf(k);

function check(overrides: Partial<Record<ColumnKey, string>>): CheckedRow {
  const row = validRow(1);
  for (const [k, v] of Object.entries(overrides)) row[col(k as ColumnKey)] = v as string;
  return checkRows([{ n: 2, v: row }], NOW, 'Europe/Paris')[0] as CheckedRow;
}

describe('bulk row rules', () => {
  it('accepts a complete row, with accents, and turns it into an application with pre-fills', () => {
    const row = check({});
    expect(row.errors).toEqual([]);
    expect(row.application).toEqual({
      title: 'mrs',
      firstName: 'Hélène',
      lastName: expect.stringMatching(/^Dupont-Lefèvre/),
      email: 'employe1@entreprise.example',
      language: 'fr',
      prefill: {
        employeeNumber: 'M000001',
        costCentre: 'CC-PARIS-01',
        jobTitle: 'Responsable des achats',
        businessPhone: '+33123456789',
        mobilePhone: '+33612345678',
        embossName: 'HELENE DUPONT',
        businessAddressLine1: '12 rue de la Paix',
        businessAddressLine2: 'Bâtiment B',
        businessPostalCode: '75002',
        businessCity: 'Paris',
        businessCountry: 'FR',
        dateOfBirth: '1985-03-27',
        birthName: 'Martin',
        additionalApproverEmail: 'manager1@entreprise.example',
      },
    });
  });

  it('needs only the four mandatory columns', () => {
    const row = validRow(1).map((v, i) => (i < 4 ? v : ''));
    const [checked] = checkRows([{ n: 2, v: row }], NOW, 'Europe/Paris');
    expect(checked?.errors).toEqual([]);
    expect(checked?.application?.prefill).toEqual({});
    expect(checked?.application?.language).toBe('fr');
  });

  it.each([
    ['M.', 'mr'],
    ['Monsieur', 'mr'],
    ['mr', 'mr'],
    ['Mme', 'mrs'],
    ['MRS.', 'mrs'],
    ['Mlle', 'ms'],
    ['Ms', 'ms'],
  ])('reads the title %s as %s', (title, expected) => {
    expect(check({ title }).application?.title).toBe(expected);
  });

  it.each([
    ['English', 'en'],
    ['anglais', 'en'],
    ['FR', 'fr'],
    ['Français', 'fr'],
  ])('reads the language %s as %s', (language, expected) => {
    expect(check({ language }).application?.language).toBe(expected);
  });

  it.each<[string, Partial<Record<ColumnKey, string>>, ColumnKey, string]>([
    ['a missing title', { title: '' }, 'title', 'bulk:rowErrors.required'],
    ['an unknown title', { title: 'Dr' }, 'title', 'bulk:rowErrors.title'],
    ['a missing first name', { firstName: '' }, 'firstName', 'bulk:rowErrors.required'],
    ['digits in a name', { lastName: 'Dupont2' }, 'lastName', 'bulk:rowErrors.name'],
    ['a 61-character name', { lastName: 'a'.repeat(61) }, 'lastName', 'bulk:rowErrors.tooLong'],
    ['a missing e-mail', { email: '' }, 'email', 'bulk:rowErrors.required'],
    ['a malformed e-mail', { email: 'jean.dupont@' }, 'email', 'application-form:errors.email.invalid'],
    ['a bad employee number', { employeeNumber: 'A<1>' }, 'employeeNumber', 'bulk:rowErrors.code'],
    ['a bad phone', { businessPhone: '12' }, 'businessPhone', 'application-form:errors.phone.invalid'],
    ['a landline as mobile', { mobilePhone: '01 23 45 67 89' }, 'mobilePhone', 'application-form:errors.phone.notMobile'],
    ['an unknown language', { language: 'de' }, 'language', 'bulk:rowErrors.language'],
    ['digits in the name to emboss', { embossName: 'JEAN 2' }, 'embossName', 'application-form:errors.embossName.characters'],
    ['a 27-character name to emboss', { embossName: 'A'.repeat(27) }, 'embossName', 'application-form:errors.embossName.tooLong'],
    ['an unknown country', { businessCountry: 'XX' }, 'businessCountry', 'bulk:rowErrors.country'],
    ['a country name instead of its code', { businessCountry: 'France' }, 'businessCountry', 'bulk:rowErrors.country'],
    ['a French postal code of 4 digits', { businessPostalCode: '7500' }, 'businessPostalCode', 'application-form:errors.postalCode.invalidForCountry'],
    ['an American date', { dateOfBirth: '03/27/1985' }, 'dateOfBirth', 'bulk:rowErrors.date'],
    ['a date in words', { dateOfBirth: '27 mars 1985' }, 'dateOfBirth', 'bulk:rowErrors.date'],
    ['a minor', { dateOfBirth: '25/11/2008' }, 'dateOfBirth', 'application-form:errors.dateOfBirth.tooYoung'],
    ['a job title with markup', { jobTitle: '<b>Boss</b>' }, 'jobTitle', 'bulk:rowErrors.freeText'],
    [
      'the employee as their own approver',
      { additionalApproverEmail: 'EMPLOYE1@entreprise.example' },
      'additionalApproverEmail',
      'bulk:rowErrors.approverIsApplicant',
    ],
  ])('reports %s on its column', (_name, overrides, column, key) => {
    const row = check(overrides);
    expect(row.application).toBeUndefined();
    expect(row.errors).toContainEqual(expect.objectContaining({ column, key }));
  });

  it('accepts an adult on their 18th birthday, dates with dashes and ISO dates', () => {
    expect(check({ dateOfBirth: '24/11/2008' }).application?.prefill.dateOfBirth).toBe('2008-11-24');
    expect(check({ dateOfBirth: '7-3-1985' }).application?.prefill.dateOfBirth).toBe('1985-03-07');
    expect(check({ dateOfBirth: '1985-03-27' }).application?.prefill.dateOfBirth).toBe('1985-03-27');
  });

  it('transliterates the name to emboss and reads phones by the address country', () => {
    const row = check({
      embossName: 'Zoé d’Œuvray',
      businessCountry: 'BE',
      businessPostalCode: '1000',
      businessPhone: '02 555 12 34',
      mobilePhone: '+33 6 12 34 56 78',
    });
    expect(row.application?.prefill.embossName).toBe("ZOE D'OEUVRAY");
    expect(row.application?.prefill.businessPhone).toBe('+3225551234');
  });

  it('flags the second and later rows with the same e-mail, whatever its case, as duplicates of the first', () => {
    const a = validRow(1);
    const b = validRow(2);
    b[col('email')] = 'EMPLOYE1@Entreprise.example';
    const c = validRow(3);
    c[col('email')] = 'employe1@entreprise.example';
    const checked = checkRows(
      [
        { n: 2, v: a },
        { n: 3, v: b },
        { n: 4, v: c },
      ],
      NOW,
      'Europe/Paris',
    );
    expect(checked[0]?.application).toBeDefined();
    expect(checked[1]?.errors).toEqual([{ column: 'email', key: 'bulk:rowErrors.duplicateInFile', params: { row: 2 } }]);
    expect(checked[2]?.errors).toEqual([{ column: 'email', key: 'bulk:rowErrors.duplicateInFile', params: { row: 2 } }]);
  });

  it.each([
    ['Civilité', 'title'],
    ['CIVILITE', 'title'],
    ['Prénom *', 'firstName'],
    ['Adresse e-mail (obligatoire)', 'email'],
    ['Courriel', 'email'],
    ['Cost center code', 'costCentre'],
    ["E-mail de l'approbateur supplémentaire", 'additionalApproverEmail'],
    ['Additional approver e-mail', 'additionalApproverEmail'],
    ['Nom a embosser', 'embossName'],
    ['Commentaire', undefined],
  ])('recognises the header %j', (header, key) => {
    expect(columnForHeader(header)).toBe(key);
  });

  it('refuses a row holding a value that starts with = (read as a formula), naming each such cell, in both languages', () => {
    const row = check({ jobTitle: '=HYPERLINK("http://evil.example","x")', costCentre: '=1+1' });
    expect(row.application).toBeUndefined();
    expect(row.errors.map((e) => [e.column, e.key]).sort()).toEqual([
      ['costCentre', 'bulk:rowErrors.formulaText'],
      ['jobTitle', 'bulk:rowErrors.formulaText'],
    ]);
  });

  it('refuses a row holding a control or bidi character, naming each such cell and the characters as shown, in both languages', () => {
    const row = check({ jobTitle: 'Ache\u202eteur', lastName: 'Dupont\u202eedcba', businessCity: 'Paris\u0085' });
    expect(row.application).toBeUndefined();
    expect(row.errors.map((e) => [e.column, e.key, e.params]).sort()).toEqual([
      ['businessCity', 'bulk:rowErrors.controlCharacters', { characters: '[U+0085]' }],
      ['jobTitle', 'bulk:rowErrors.controlCharacters', { characters: '[U+202E]' }],
      ['lastName', 'bulk:rowErrors.controlCharacters', { characters: '[U+202E]' }],
    ]);
    expect(tFor('fr')('bulk:rowErrors.controlCharacters', { characters: '[U+202E]' })).toBe(
      'Contient un caractère de contrôle invisible, affiché ici [U+202E] : supprimez-le',
    );
    expect(tFor('en')('bulk:rowErrors.controlCharacters', { characters: '[U+202E]' })).toBe(
      'Contains an invisible control character, shown here as [U+202E]: remove it',
    );
  });

  it('says what the employee number rule is: a leading hyphen is refused, and the message says so (fr and en)', () => {
    const row = check({ employeeNumber: '-E3' });
    expect(row.errors).toEqual([{ column: 'employeeNumber', key: 'bulk:rowErrors.code' }]);
    expect(check({ employeeNumber: 'E-3' }).errors).toEqual([]);
    expect(tFor('fr')('bulk:rowErrors.code')).toMatch(/^Commencez par une lettre ou un chiffre/);
    expect(tFor('en')('bulk:rowErrors.code')).toMatch(/^Start with a letter or a digit/);
  });
});
