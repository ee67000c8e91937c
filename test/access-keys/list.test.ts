import * as XLSX from 'xlsx';
import request from 'supertest';
import { $ } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccessKey, givenAccount } from '../support/builders';
import { givenWorld, type AccessKeyWorld } from '../support/access-key-world';

/** Supertest: keep a binary body as a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('the access keys list and its export', () => {
  let w: AccessKeyWorld;
  const names: string[] = [];

  beforeAll(async () => {
    w = await givenWorld();
    const db = w.ctx.deps.db;
    // 23 more BCs for Alice, one key each, so the list has 26 keys: names K01..K23 plus three named ones.
    const extra: number[] = [];
    for (let i = 1; i <= 23; i++)
      extra.push(await givenAccount(db, { number: `0099000${String(i).padStart(4, '0')}`, company_name: `Filiale ${String(i).padStart(2, '0')}` }));
    await db('administrator_account').insert(extra.map((account_id) => ({ administrator_id: w.alice.id, account_id })));
    for (const [i, id] of extra.entries()) {
      const name = `K${String(i + 1).padStart(2, '0')}`;
      names.push(name);
      await givenAccessKey(db, id, w.alice.id, { name, plastic_type: 'gold' });
    }
    await givenAccessKey(db, w.central, w.alice.id, { name: 'Direction financière', number: '4Z0Y04V0', plastic_type: 'corporate' });
    await givenAccessKey(db, w.individual, w.alice.id, { name: 'Ventes-Lyon', plastic_type: 'platinum', expires_on: '2030-01-31' });
    await givenAccessKey(db, w.third, w.alice.id, { name: 'Zeta', plastic_type: 'corporate' });
    await givenAccessKey(db, w.foreign, w.bob.id, { name: 'Globex secret', number: 'GGGGGGGG' });
    // a deleted key of Alice's never shows
    const gone = await givenAccount(db, { number: '00990009999', company_name: 'Fermée' });
    await db('administrator_account').insert({ administrator_id: w.alice.id, account_id: gone });
    await givenAccessKey(db, gone, w.alice.id, { name: 'Deleted key', deleted_at: '2026-01-01T00:00:00.000Z', deleted_by: w.alice.id });
  });
  afterAll(() => w.ctx.close());

  const namesOn = (html: string) => {
    const page = $(html);
    return page('table.access-keys-table tbody tr td:first-child a')
      .map((_i, a) => page(a).text())
      .get();
  };

  it('shows 10 keys per page with the issuer’s columns, the count and an accessible pagination', async () => {
    const agent = await w.as('alice');
    const res = await agent.get(paths.admin.accessKeys.list);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('.list-count').text()).toBe('Affichage 1 à 10 sur 26 enregistrements');
    expect(
      page('thead th')
        .map((_i, th) => page(th).find('a').first().contents().first().text().trim() || page(th).text().trim())
        .get(),
    ).toEqual([
      'Nom de la clé d’accès',
      'Numéro de la clé d’accès',
      'Nom de la société (niveau BC)',
      'Numéro de compte (n° de BC)',
      'Type de carte',
      'Type de plastique',
      'Type de responsabilité',
      'Option de relevé',
      'Date d’expiration',
      'Actions',
    ]);
    expect(namesOn(res.text)).toEqual(['Direction financière', ...names.slice(0, 9)]);
    expect(page('th[aria-sort="ascending"]').text()).toContain('Nom de la clé d’accès');
    const nav = page('nav[aria-label="Pagination"]');
    expect(nav.find('a[aria-current="page"]').text()).toBe('1');
    expect(
      nav
        .find('a')
        .map((_i, a) => page(a).text())
        .get(),
    ).toEqual(['1', '2', '3', 'Page suivante', 'Dernière page']);
    const row = page('table.access-keys-table tbody tr').first();
    expect(
      row
        .find('td')
        .map((_i, td) => page(td).text().trim())
        .get()
        .slice(0, 9),
    ).toEqual([
      'Direction financière',
      '4Z0Y04V0',
      'Acme Industries',
      '00820400012',
      'Carte Corporate American Express',
      'Carte Corporate',
      'Responsabilité société',
      'Facturation centralisée',
      '23 novembre 2046',
    ]);
  });

  it('links each row to its page and to the actions', async () => {
    const agent = await w.as('alice');
    const page = $((await agent.get(paths.admin.accessKeys.list)).text);
    const key = await w.ctx.deps.db('access_key').where({ name: 'Direction financière' }).first();
    const row = page('table.access-keys-table tbody tr').first();
    const hrefs = row
      .find('a')
      .map((_i, a) => page(a).attr('href'))
      .get();
    expect(hrefs).toEqual([
      paths.admin.accessKeys.show(key.id),
      paths.admin.applications.initiate(key.id),
      paths.admin.bulk.start(key.id),
      paths.admin.accessKeys.edit(key.id),
      paths.admin.accessKeys.delete(key.id),
    ]);
    expect(page(`a[href="${paths.admin.accessKeys.create}"]`).length).toBe(1);
  });

  it('pages through, keeps the page size and clamps a page beyond the end', async () => {
    const agent = await w.as('alice', 'en');
    const p3 = await agent.get(`${paths.admin.accessKeys.list}?page=3`);
    expect($(p3.text)('.list-count').text()).toBe('Showing 21 to 26 of 26 records');
    expect(namesOn(p3.text)).toEqual([...names.slice(19), 'Ventes-Lyon', 'Zeta']);
    const big = await agent.get(`${paths.admin.accessKeys.list}?pageSize=25&page=2`);
    expect($(big.text)('.list-count').text()).toBe('Showing 26 to 26 of 26 records');
    const beyond = await agent.get(`${paths.admin.accessKeys.list}?page=99`);
    expect($(beyond.text)('.list-count').text()).toBe('Showing 21 to 26 of 26 records');
    const odd = await agent.get(`${paths.admin.accessKeys.list}?pageSize=1000&page=-1`);
    expect($(odd.text)('.list-count').text()).toBe('Showing 1 to 10 of 26 records');
  });

  it.each([
    ['name', 'desc', 'Zeta'],
    ['number', 'desc', 'Globex secret'],
    ['companyName', 'asc', 'Zeta'],
    ['accountNumber', 'asc', 'Direction financière'],
    ['plasticType', 'desc', 'Ventes-Lyon'],
    ['expiresOn', 'asc', 'Ventes-Lyon'],
    ['cardProduct', 'asc', 'Zeta'],
    ['liabilityType', 'desc', 'Ventes-Lyon'],
    ['statementOption', 'desc', 'Ventes-Lyon'],
    ['id; drop table access_key', 'asc', 'Direction financière'],
  ])('sorts by %s %s', async (sort, dir, first) => {
    const agent = await w.as('alice');
    const res = await agent.get(`${paths.admin.accessKeys.list}?sort=${encodeURIComponent(sort)}&dir=${dir}`);
    expect(res.status).toBe(200);
    if (first === 'Globex secret') {
      // Bob's key never shows: the top is Alice's highest number
      expect(namesOn(res.text)).not.toContain('Globex secret');
      return;
    }
    expect(namesOn(res.text)[0]).toBe(first);
  });

  it('marks the sorted column with aria-sort and links to the other direction', async () => {
    const agent = await w.as('alice');
    const page = $((await agent.get(`${paths.admin.accessKeys.list}?sort=expiresOn&dir=asc&q=a`)).text);
    const th = page('th[aria-sort="ascending"]');
    expect(th.text()).toContain('Date d’expiration');
    expect(th.find('a').attr('href')).toBe(`${paths.admin.accessKeys.list}?q=a&sort=expiresOn&dir=desc&pageSize=10&page=1`);
    expect(page('th[aria-sort="none"]').length).toBe(8);
  });

  it.each([
    ['a key name, any case', 'direction FIN', ['Direction financière']],
    ['a key number', '4Z0Y04V0', ['Direction financière']],
    ['a key number with look-alikes and a hyphen', '4zoy-o4vo', ['Direction financière']],
    ['a BC number', '00820400044', ['Ventes-Lyon']],
    ['part of a company name', 'filiale 0', ['K01', 'K02', 'K03', 'K04', 'K05', 'K06', 'K07', 'K08', 'K09']],
    ['an accented company fragment', 'Acme Ventes', ['Ventes-Lyon']],
    ['a LIKE wildcard, literally', '%', []],
    ['another administrator’s key number', 'GGGGGGGG', []],
    ['a deleted key', 'Deleted', []],
  ])('searches by %s', async (_what, q, expected) => {
    const agent = await w.as('alice');
    const res = await agent.get(`${paths.admin.accessKeys.list}?q=${encodeURIComponent(q)}`);
    expect(namesOn(res.text)).toEqual(expected);
    if (!expected.length) expect($(res.text)('main').text()).toContain('Aucune clé d’accès ne correspond à votre recherche.');
  });

  it('keeps the search in the pagination, sort and export links', async () => {
    const agent = await w.as('alice');
    const page = $((await agent.get(`${paths.admin.accessKeys.list}?q=Filiale&pageSize=10`)).text);
    expect(page('.list-count').text()).toBe('Affichage 1 à 10 sur 23 enregistrements');
    expect(page('nav[aria-label="Pagination"] a[rel="next"]').attr('href')).toContain('q=Filiale');
    expect(page('th a').first().attr('href')).toContain('q=Filiale');
    expect(page('a[href^="/admin/access-keys/export?format=xlsx"]').attr('href')).toContain('q=Filiale');
    expect(page('main form[role="search"] input[name="q"]').val()).toBe('Filiale');
  });

  it('exports the filtered, sorted list as xlsx: headers in the page language, string cells, formulas neutralised', async () => {
    const agent = await w.as('alice', 'en');
    const res = await agent.get(`${paths.admin.accessKeys.export}?format=xlsx&sort=name&dir=desc&q=00820400`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="access-keys-2026-11-24.xlsx"');
    const book = XLSX.read(res.body as Buffer, { type: 'buffer' });
    const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
    const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1 });
    expect(rows[0]).toEqual([
      'Access key name',
      'Access key number',
      'Company name (BC level)',
      'Account number (BC number)',
      'Card type',
      'Plastic type',
      'Liability type',
      'Statement option',
      'Expiry date',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['Zeta', 'Ventes-Lyon', 'Direction financière']);
    expect(rows[1]).toEqual([
      'Zeta',
      expect.stringMatching(/^[0-9A-Z]{8}$/),
      '\'=HYPERLINK("http://evil.example")',
      '00820400061',
      'Air France – American Express Corporate Card',
      'Corporate Card',
      'Company liability',
      'Centralised billing',
      '2046-11-23',
    ]);
    expect(sheet.C2).toMatchObject({ t: 's' });
    expect(sheet.C2?.f).toBeUndefined();
    expect(sheet.D2).toMatchObject({ t: 's', v: '00820400061' });
  });

  it('exports as csv with every key of the actor, not only the current page', async () => {
    const agent = await w.as('alice');
    const res = await agent.get(`${paths.admin.accessKeys.export}?format=csv&pageSize=10&page=2`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="cles-d-acces-2026-11-24.csv"');
    const text = res.text.replace(/^\uFEFF/, '');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Nom de la clé d’accès,Numéro de la clé d’accès,Nom de la société (niveau BC),Numéro de compte (n° de BC),Type de carte,Type de plastique,Type de responsabilité,Option de relevé,Date d’expiration',
    );
    expect(lines).toHaveLength(27);
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"")"');
    expect(text).not.toContain('Globex');
    expect(text).not.toContain('Deleted key');
  });

  it('refuses an unknown export format', async () => {
    const agent = await w.as('alice');
    expect((await agent.get(`${paths.admin.accessKeys.export}?format=xls`)).status).toBe(400);
    expect((await agent.get(paths.admin.accessKeys.export)).status).toBe(400);
  });

  it('shows and exports only the other administrator’s own keys', async () => {
    const bob = await w.as('bob');
    expect(namesOn((await bob.get(paths.admin.accessKeys.list)).text)).toEqual(['Globex secret']);
    const csv = (await bob.get(`${paths.admin.accessKeys.export}?format=csv`)).text;
    expect(csv).toContain('Globex secret');
    expect(csv).not.toContain('Direction financière');
    expect(csv.trim().split('\r\n')).toHaveLength(2);
  });

  it('sends administrators who are not signed in to the sign-in page', async () => {
    for (const url of [paths.admin.accessKeys.list, `${paths.admin.accessKeys.export}?format=csv`, paths.admin.accessKeys.create]) {
      const res = await request(w.ctx.app).get(url);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/sign-in\?returnTo=/);
    }
  });
});
