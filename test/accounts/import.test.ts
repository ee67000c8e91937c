import { createTestContext, signInAs, getCsrf, $, type TestContext, type Agent } from '../support/app';
import { givenAccount, givenAdministrator } from '../support/builders';
import { paths } from '../../src/platform/paths';
import { SAMPLE_CSV } from '../../src/features/accounts/service';

const HEADER =
  'number,company_name,address_building,address_street,address_city,address_postal_code,address_country,phone,card_product,plastic_types,liability_type,statement_option,payment_type';

function csv(lines: string[], delimiter = ','): Buffer {
  return Buffer.from([delimiter === ',' ? HEADER : HEADER.replace(/,/g, delimiter), ...lines].join('\n'), 'utf8');
}

describe('platform administrator: importing BC accounts from CSV', () => {
  let ctx: TestContext;
  let platform: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    await givenAccount(ctx.deps.db, { number: '00820400012' });
    await givenAdministrator(ctx.deps.db, { email: 'paula@test.example', role: 'platform' });
    platform = await signInAs(ctx.app, ctx.deps, 'paula@test.example');
  });
  afterAll(() => ctx.close());

  async function upload(file: Buffer, lang = 'fr', name = 'accounts.csv') {
    const token = await getCsrf(platform, `${paths.platform.accounts.import}?lang=${lang}`);
    return platform.post(paths.platform.accounts.import).field('_csrf', token).attach('file', file, name);
  }
  const count = async () => Number((await ctx.deps.db('account').count<{ n: number }[]>({ n: '*' }))[0]?.n);

  it('documents every column and offers a sample file that itself imports cleanly', async () => {
    const page = $((await platform.get(`${paths.platform.accounts.import}?lang=en`)).text);
    const columns = page('#columns tbody code')
      .map((_i, el) => page(el).text())
      .get();
    expect(columns.join(',')).toBe(HEADER);
    expect(page('#columns').text()).toContain('corporate, gold, platinum, green');
    expect(page('form[enctype="multipart/form-data"] input[name="_csrf"]').length).toBe(1);
    const sample = await platform.get(paths.platform.accounts.importSample);
    expect(sample.status).toBe(200);
    expect(sample.headers['content-type']).toMatch(/^text\/csv/);
    expect(sample.headers['content-disposition']).toMatch(/^attachment; filename="?sesame-accounts-sample\.csv"?$/);
    expect(sample.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(HEADER);
    const before = await count();
    const res = await upload(Buffer.from(SAMPLE_CSV, 'utf8'));
    expect(res.status).toBe(303);
    expect(await count()).toBe(before + 2);
    await ctx.deps.db('account').whereIn('number', ['00820400999', '00820401005']).delete();
  });

  it('imports every row of a semicolon-separated file with a BOM, in one go, and flashes the count', async () => {
    const file = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      csv(
        [
          '00820500001;Société Générale d’Essai;Bât. 2;"3, place de l’Église";Paris;75001;fr;01 40 00 00 01;corporate;corporate|gold;company;centralised;central',
          '00820500002;Essai Benelux;;Rue Neuve 1;Bruxelles;1000;BE;;corporate_air_france;platinum;joint;individual;individual',
        ],
        ';',
      ),
    ]);
    const before = await count();
    const res = await upload(file);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.platform.accounts.list);
    expect(await count()).toBe(before + 2);
    const row = await ctx.deps.db('account').where({ number: '00820500001' }).first();
    expect(row).toMatchObject({
      company_name: 'Société Générale d’Essai',
      address_street: '3, place de l’Église',
      address_country: 'FR',
      phone: '+33 1 40 00 00 01',
    });
    expect(JSON.parse(row.plastic_types)).toEqual(['corporate', 'gold']);
    const list = await platform.get(paths.platform.accounts.list);
    expect($(list.text)('.banner').text()).toContain('2 comptes importés.');
  });

  it('imports nothing when any row is bad, and lists every problem by row and column', async () => {
    const file = csv([
      '00820600001,Good One,,1 rue A,Paris,75001,FR,,corporate,corporate,company,centralised,central',
      '123,Bad Number,,1 rue B,Paris,75001,FR,,corporate,corporate,company,centralised,central',
      '00820600003,Bad Options,,1 rue C,Paris,75001,XX,,black,,company,monthly,central',
      '00820600001,Duplicate In File,,1 rue D,Paris,75001,FR,,corporate,corporate,company,centralised,central',
      '00820400012,Existing Number,,1 rue E,Paris,75001,FR,,corporate,corporate,company,centralised,central',
      '00820600006,Short Row',
    ]);
    const before = await count();
    const res = await upload(file, 'en');
    expect(res.status).toBe(400);
    expect(await count()).toBe(before);
    const page = $(res.text);
    expect(page('title').text()).toMatch(/^Error:/);
    expect(page('.error-summary').text()).toContain('5 lines have problems: nothing was imported');
    const rows = page('#row-errors tbody tr')
      .map((_i, tr) => [
        page(tr)
          .find('td')
          .map((_j, td) => page(td).text().trim())
          .get(),
      ])
      .get() as string[][];
    expect(rows).toEqual([
      ['3', 'number', 'The account number must be exactly 11 digits'],
      ['4', 'address_country', 'Choose the country'],
      ['4', 'card_product', 'Choose the card product'],
      ['4', 'plastic_types', 'Select at least one plastic type'],
      ['4', 'statement_option', 'Choose the statement option'],
      ['5', 'number', 'This account number is already on line 2 of the file'],
      ['6', 'number', 'This account number already exists'],
      ['7', '(whole line)', 'The line has 2 values instead of 13'],
    ]);
  });

  it('translates the problems into French', async () => {
    const res = await upload(csv(['123,X,,1 rue B,Paris,75001,FR,,corporate,corporate,company,centralised,central']), 'fr');
    expect(res.status).toBe(400);
    expect($(res.text)('#row-errors').text()).toContain('Le numéro de compte doit comporter exactement 11 chiffres');
    expect($(res.text)('.error-summary').text()).toContain('1 ligne pose problème : rien n’a été importé');
  });

  it.each([
    ['a PNG image', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'The file is not a CSV text file'],
    ['an Excel workbook', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40, 1)]), 'The file is an Excel workbook'],
    [
      'Latin-1 text',
      Buffer.from(`${HEADER}\n00820700001,Soci\xe9t\xe9,,1 rue,Paris,75001,FR,,corporate,corporate,company,centralised,central\n`, 'latin1'),
      'not encoded in UTF-8',
    ],
    [
      'an unclosed quote',
      Buffer.from(`${HEADER}\n00820700001,"Unclosed,,1 rue,Paris,75001,FR,,corporate,corporate,company,centralised,central\n`),
      'cannot be read as CSV',
    ],
    ['an empty file', Buffer.alloc(0), 'The file is empty'],
    ['a header without rows', Buffer.from(`${HEADER}\n`), 'header line but no account'],
    [
      'missing and unknown columns',
      Buffer.from('number;company;city\n00820700001;X;Paris\n'),
      'Missing columns in the first line: company_name, address_street',
    ],
  ])('refuses %s with a clear message', async (_what, file, message) => {
    const before = await count();
    const res = await upload(file, 'en', 'accounts.csv');
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain(message);
    expect($(res.text)('#file-error').text()).not.toBe('');
    expect(await count()).toBe(before);
  });

  it('names unknown columns', async () => {
    const res = await upload(Buffer.from(`${HEADER},colour\n`), 'en');
    expect($(res.text)('.error-summary').text()).toContain('Unknown columns in the first line: colour');
  });

  it('refuses a file over 1 MB, and a submission without a file', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    const res = await upload(big, 'en');
    expect(res.status).toBe(400);
    expect($(res.text)('#file-error').text()).toContain('larger than 1\u00a0MB');
    const token = await getCsrf(platform, `${paths.platform.accounts.import}?lang=fr`);
    const none = await platform.post(paths.platform.accounts.import).field('_csrf', token);
    expect(none.status).toBe(400);
    expect($(none.text)('.error-summary').text()).toContain('Choisissez un fichier CSV à importer');
  });

  it('refuses an upload without a valid CSRF token and imports nothing', async () => {
    const before = await count();
    await platform.get(paths.platform.accounts.import);
    const file = csv(['00820800001,X,,1 rue,Paris,75001,FR,,corporate,corporate,company,centralised,central']);
    const res = await platform.post(paths.platform.accounts.import).attach('file', file, 'a.csv');
    expect(res.status).toBe(403);
    const forged = await platform.post(paths.platform.accounts.import).field('_csrf', 'forged').attach('file', file, 'a.csv');
    expect(forged.status).toBe(403);
    expect(await count()).toBe(before);
  });
});
