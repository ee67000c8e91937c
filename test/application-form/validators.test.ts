import { z } from 'zod';
import {
  ageOn,
  checkBic,
  checkBicMatchesIban,
  checkDateOfBirth,
  checkEmail,
  checkEmbossName,
  checkIban,
  checkPhone,
  checkPostalCode,
  deriveEmbossName,
  todayIn,
  zCheck,
} from '../../src/lib/validators';

const E = 'application-form:errors';
const TODAY = '2026-11-24';

describe('checkIban', () => {
  it.each([
    ['FR76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189'],
    ['fr7630006000011234567890189', 'FR7630006000011234567890189'],
    ['BE68 5390 0754 7034', 'BE68539007547034'],
    ['LU28 0019 4006 4475 0000', 'LU280019400644750000'],
    ['DE89-3704-0044-0532-0130-00', 'DE89370400440532013000'],
    ['GB29 NWBK 6016 1331 9268 19', 'GB29NWBK60161331926819'],
    ['CH93 0076 2011 6238 5295 7', 'CH9300762011623852957'],
  ])('accepts %s as %s', (raw, expected) => {
    expect(checkIban(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', `${E}.iban.required`],
    ['   ', `${E}.iban.required`],
    ['FR76 3000 6000 0112 3456 7890 188', `${E}.iban.invalid`], // checksum
    ['FR7630006000011234567890', `${E}.iban.invalid`], // too short
    ['XX76 3000 6000 0112 3456 7890 189', `${E}.iban.invalid`],
    ['FR76 3000 6000 0112 3456 7890 18!', `${E}.iban.invalid`],
    ['BR15 0000 0000 0000 1093 2840 814P 2', `${E}.iban.notSepa`],
  ])('refuses %j with %s', (raw, key) => {
    expect(checkIban(raw)).toEqual({ ok: false, key });
  });
});

describe('checkBic', () => {
  it.each([
    ['BNPAFRPP', 'BNPAFRPP'],
    ['bnpa fr pp xxx', 'BNPAFRPPXXX'],
    ['DEUTDEFF500', 'DEUTDEFF500'],
  ])('accepts %s', (raw, expected) => {
    expect(checkBic(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', `${E}.bic.required`],
    ['BNPAFRP', `${E}.bic.invalid`],
    ['BNPAXXPP', `${E}.bic.invalid`],
    ['BNPAFRPP12', `${E}.bic.invalid`],
    ['1NPAFRPP', `${E}.bic.invalid`],
  ])('refuses %j', (raw, key) => {
    expect(checkBic(raw)).toEqual({ ok: false, key });
  });

  it('notices a BIC from another country than the IBAN', () => {
    expect(checkBicMatchesIban('BNPAFRPP', 'FR7630006000011234567890189').ok).toBe(true);
    expect(checkBicMatchesIban('GEBABEBB', 'FR7630006000011234567890189')).toEqual({ ok: false, key: `${E}.bic.countryMismatch` });
  });
});

describe('checkPhone', () => {
  it.each([
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['06.12.34.56.78', 'FR', '+33612345678'],
    ['+33 6 12 34 56 78', 'BE', '+33612345678'],
    ['0033 6 12 34 56 78', 'DE', '+33612345678'],
    ['0470 12 34 56', 'BE', '+32470123456'],
    ['621 123 456', 'LU', '+352621123456'],
    ['079 123 45 67', 'CH', '+41791234567'],
    ['0151 23456789', 'DE', '+4915123456789'],
    ['+44 7911 123456', null, '+447911123456'],
  ])('reads %s (address in %s) as %s', (raw, country, expected) => {
    expect(checkPhone(raw, country, { mobileOnly: true })).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'FR', `${E}.phone.required`],
    ['06 12 34', 'FR', `${E}.phone.invalid`],
    ['06 12 34 56 78 90', 'FR', `${E}.phone.invalid`],
    ['call me', 'FR', `${E}.phone.invalid`],
    ['0612345678', null, `${E}.phone.invalid`], // national number without a country
    ['01 40 00 00 01', 'FR', `${E}.phone.notMobile`],
  ])('refuses %j (address in %s)', (raw, country, key) => {
    expect(checkPhone(raw, country, { mobileOnly: true })).toEqual({ ok: false, key });
  });

  it('accepts a fixed line when a mobile is not required', () => {
    expect(checkPhone('01 40 00 00 01', 'FR')).toEqual({ ok: true, value: '+33140000001' });
  });
});

describe('checkPostalCode', () => {
  it.each([
    ['75002', 'FR', '75002'],
    ['20 000', 'FR', '20000'],
    ['97400', 'FR', '97400'],
    ['1040', 'BE', '1040'],
    ['B-1040', 'BE', '1040'],
    ['L-2449', 'LU', '2449'],
    ['2449', 'LU', '2449'],
    ['1201', 'CH', '1201'],
    ['CH-8001', 'CH', '8001'],
    ['10115', 'DE', '10115'],
    ['sw1a1aa', 'GB', 'SW1A 1AA'],
    ['EC1A 1BB', 'GB', 'EC1A 1BB'],
    ['M1 1AE', 'GB', 'M1 1AE'],
    ['28013', 'ES', '28013'],
    ['00184', 'IT', '00184'],
    ['1012ab', 'NL', '1012 AB'],
    ['1012 AB', 'NL', '1012 AB'],
    ['10001', 'US', '10001'],
    ['100-0001', 'JP', '100-0001'], // generic rule
    ['H3Z 2Y7', 'CA', 'H3Z 2Y7'], // generic rule
  ])('accepts %s in %s as %s', (raw, country, expected) => {
    expect(checkPostalCode(raw, country)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'FR', `${E}.postalCode.required`],
    ['7500', 'FR', `${E}.postalCode.invalidForCountry`],
    ['750021', 'FR', `${E}.postalCode.invalidForCountry`],
    ['00100', 'FR', `${E}.postalCode.invalidForCountry`],
    ['0999', 'BE', `${E}.postalCode.invalidForCountry`],
    ['12345', 'LU', `${E}.postalCode.invalidForCountry`],
    ['0123', 'CH', `${E}.postalCode.invalidForCountry`],
    ['1011', 'DE', `${E}.postalCode.invalidForCountry`],
    ['SW1A', 'GB', `${E}.postalCode.invalidForCountry`],
    ['QQ1 1AA', 'GB', `${E}.postalCode.invalidForCountry`],
    ['53001', 'ES', `${E}.postalCode.invalidForCountry`],
    ['1234', 'IT', `${E}.postalCode.invalidForCountry`],
    ['1012 SS', 'NL', `${E}.postalCode.invalidForCountry`],
    ['0123 AB', 'NL', `${E}.postalCode.invalidForCountry`],
    ['#!', 'JP', `${E}.postalCode.invalid`],
    ['12345678901', 'JP', `${E}.postalCode.invalid`],
  ])('refuses %j in %s', (raw, country, key) => {
    expect(checkPostalCode(raw, country)).toEqual({ ok: false, key });
  });
});

describe('checkDateOfBirth', () => {
  it.each([
    [{ day: '24', month: '11', year: '2008' }, '2008-11-24'], // 18 today
    [{ day: '1', month: '2', year: '1980' }, '1980-02-01'],
    [{ day: 29, month: 2, year: 2000 }, '2000-02-29'],
    [{ day: '25', month: '11', year: '1906' }, '1906-11-25'], // 119
  ])('accepts %j', (parts, expected) => {
    expect(checkDateOfBirth(parts, TODAY)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{}, `${E}.dateOfBirth.required`],
    [{ day: '', month: '', year: '' }, `${E}.dateOfBirth.required`],
    [{ day: '12', month: '', year: '1980' }, `${E}.dateOfBirth.incomplete`],
    [{ day: '31', month: '4', year: '1980' }, `${E}.dateOfBirth.invalid`],
    [{ day: '29', month: '2', year: '2001' }, `${E}.dateOfBirth.invalid`],
    [{ day: '1', month: '13', year: '1980' }, `${E}.dateOfBirth.invalid`],
    [{ day: '0', month: '1', year: '1980' }, `${E}.dateOfBirth.invalid`],
    [{ day: 'aa', month: '1', year: '1980' }, `${E}.dateOfBirth.invalid`],
    [{ day: '1', month: '1', year: '80' }, `${E}.dateOfBirth.invalid`],
    [{ day: '25', month: '11', year: '2008' }, `${E}.dateOfBirth.tooYoung`], // 18 tomorrow
    [{ day: '1', month: '1', year: '2030' }, `${E}.dateOfBirth.inFuture`],
    [{ day: '23', month: '11', year: '1905' }, `${E}.dateOfBirth.tooOld`],
  ])('refuses %j', (parts, key) => {
    expect(checkDateOfBirth(parts, TODAY)).toEqual({ ok: false, key });
  });

  it('computes whole years', () => {
    expect(ageOn('2000-02-29', '2018-02-28')).toBe(17);
    expect(ageOn('2000-02-29', '2018-03-01')).toBe(18);
  });

  it('takes today in the service time zone', () => {
    expect(todayIn('Europe/Paris', new Date('2026-11-24T23:30:00Z'))).toBe('2026-11-25');
    expect(todayIn('UTC', new Date('2026-11-24T23:30:00Z'))).toBe('2026-11-24');
    // Cached per quarter hour: the last millisecond before local midnight and midnight itself, in a +05:45 zone.
    expect(todayIn('Asia/Kathmandu', new Date('2026-11-24T18:14:59.999Z'))).toBe('2026-11-24');
    expect(todayIn('Asia/Kathmandu', new Date('2026-11-24T18:15:00.000Z'))).toBe('2026-11-25');
    expect(todayIn('Asia/Kathmandu', new Date('2026-11-24T18:00:00.000Z'))).toBe('2026-11-24');
  });
});

describe('checkEmail', () => {
  it.each([
    ['Jean.Dupont@ACME.example', 'jean.dupont@acme.example'],
    ['  a.b+card@sub.acme.example ', 'a.b+card@sub.acme.example'],
  ])('accepts %s', (raw, expected) => {
    expect(checkEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', `${E}.email.required`],
    ['jean.dupont', `${E}.email.invalid`],
    ['jean@', `${E}.email.invalid`],
    ['jean dupont@acme.example', `${E}.email.invalid`],
    [`${'a'.repeat(64)}@${'b'.repeat(190)}.example`, `${E}.email.tooLong`],
  ])('refuses %j', (raw, key) => {
    expect(checkEmail(raw)).toEqual({ ok: false, key });
  });
});

describe('deriveEmbossName', () => {
  it.each([
    ['Jean', 'Dupont', 'JEAN DUPONT'],
    ['Hélène', 'Lefèvre-Müller', 'HELENE LEFEVRE-MULLER'],
    ['Zoë', 'O’Brien', "ZOE O'BRIEN"],
    ['Søren', 'Kierkegaard', 'SOREN KIERKEGAARD'],
    ['Jürgen', 'Straße', 'JURGEN STRASSE'],
    ['Lætitia', 'Cœur', 'LAETITIA COEUR'],
    ['Łukasz', 'Żółć', 'LUKASZ ZOLC'],
    ['  Anne   Marie ', ' de  la Tour ', 'ANNE MARIE DE LA TOUR'],
    ['Jean-Christophe', 'de La Rochefoucauld', 'J DE LA ROCHEFOUCAULD'],
    ['Marie', 'Wolfeschlegelsteinhausenbergerdorff', 'M WOLFESCHLEGELSTEINHAUSEN'],
    ['', 'Dupont', 'DUPONT'],
    ['Jean2', 'Dupont.', 'JEAN DUPONT'],
  ])('%s %s → %s', (first, last, expected) => {
    const derived = deriveEmbossName(first, last);
    expect(derived).toBe(expected);
    expect(derived.length).toBeLessThanOrEqual(26);
    expect(derived).toMatch(/^[A-Z' -]*$/);
  });
});

describe('checkEmbossName', () => {
  it.each([
    ['JEAN DUPONT', 'JEAN DUPONT'],
    ['jean dupont', 'JEAN DUPONT'],
    ['Hélène O’Brien', "HELENE O'BRIEN"],
    ['ANNE-MARIE LEFEVRE', 'ANNE-MARIE LEFEVRE'],
    ['A'.repeat(26), 'A'.repeat(26)],
  ])('accepts %s as %s', (raw, expected) => {
    expect(checkEmbossName(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', `${E}.embossName.required`],
    ['JEAN DUPONT 2', `${E}.embossName.characters`],
    ['JEAN.DUPONT', `${E}.embossName.characters`],
    ['李小龍', `${E}.embossName.characters`],
    ["- '", `${E}.embossName.characters`],
    ['A'.repeat(27), `${E}.embossName.tooLong`],
  ])('refuses %j', (raw, key) => {
    expect(checkEmbossName(raw)).toEqual({ ok: false, key });
  });
});

describe('zod adapters', () => {
  it('output the normalised value and report the key as the message', () => {
    const schema = z.object({ iban: zCheck(checkIban), embossName: zCheck(checkEmbossName) });
    expect(schema.parse({ iban: 'fr76 3000 6000 0112 3456 7890 189', embossName: 'zoé' })).toEqual({ iban: 'FR7630006000011234567890189', embossName: 'ZOE' });
    const bad = schema.safeParse({ iban: 'FR00', embossName: 'x1' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['iban', `${E}.iban.invalid`],
      ['embossName', `${E}.embossName.characters`],
    ]);
  });
});
