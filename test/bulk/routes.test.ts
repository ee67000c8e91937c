import * as XLSX from 'xlsx';
import { createTestContext, signInAs, getCsrf, csrfFrom, $, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { createInvitedApplications } from '../../src/core/application/create';
import { COLUMN_KEYS } from '../../src/features/bulk/columns';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { HEADERS_FR, PNG, csvOf, headersOf, rows, sheetRowsOf, validRow, xlsxOf } from '../support/spreadsheets';

const col = (k: (typeof COLUMN_KEYS)[number]) => COLUMN_KEYS.indexOf(k);

describe('bulk send', () => {
  let ctx: TestContext;
  let keyA: { id: number; number: string };
  let keyB: { id: number; number: string };
  let accountA: number;
  let adminA: { id: number; email: string };
  let agentA: Agent;
  let agentB: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    const db = ctx.deps.db;
    accountA = await givenAccount(db);
    const accountB = await givenAccount(db);
    adminA = await givenAdministrator(db, { email: 'alice@test.example', display_name: 'Alice Martin' }, [accountA]);
    const adminB = await givenAdministrator(db, { email: 'bob@test.example' }, [accountB]);
    keyA = await givenAccessKey(db, accountA, adminA.id, { name: 'Achats Paris' });
    keyB = await givenAccessKey(db, accountB, adminB.id);
    agentA = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
    agentB = await signInAs(ctx.app, ctx.deps, adminB.email, 'fr');
  });
  afterAll(() => ctx.close());

  async function upload(agent: Agent, keyId: number, buf: Buffer, name: string) {
    const token = await getCsrf(agent, paths.admin.bulk.start(keyId));
    return agent.post(paths.admin.bulk.start(keyId)).field('_csrf', token).attach('file', buf, name);
  }

  async function uploadOk(buf: Buffer, name = 'salariés.csv'): Promise<number> {
    const res = await upload(agentA, keyA.id, buf, name);
    expect(res.status).toBe(303);
    const id = Number(/\/admin\/bulk\/uploads\/(\d+)$/.exec(res.headers.location as string)?.[1]);
    expect(id).toBeGreaterThan(0);
    return id;
  }

  const count = async (table: string, where: Record<string, unknown> = {}) => Number((await ctx.deps.db(table).where(where).count({ n: '*' }).first())?.n);

  async function uploadsStored(): Promise<number> {
    return count('bulk_upload');
  }

  describe('start page and template', () => {
    it('shows the key, the template link, the columns and the upload form', async () => {
      const res = await agentA.get(paths.admin.bulk.start(keyA.id));
      expect(res.status).toBe(200);
      const page = $(res.text);
      expect(page('h1').text()).toBe('Demande groupée');
      expect(page('main').text()).toContain('Achats Paris');
      expect(page(`a[href="${paths.admin.bulk.template}"]`).length).toBe(1);
      expect(page('#columns tbody tr').length).toBe(19);
      expect(page('form[enctype="multipart/form-data"] input[type="file"][name="file"]').length).toBe(1);
    });

    it('answers 404 for another BC’s key, and for a deleted key', async () => {
      expect((await agentA.get(paths.admin.bulk.start(keyB.id))).status).toBe(404);
      const deleted = await givenAccessKey(ctx.deps.db, await givenAccount(ctx.deps.db), adminA.id, { deleted_at: '2026-11-01T00:00:00.000Z' });
      await ctx.deps
        .db('administrator_account')
        .insert({ administrator_id: adminA.id, account_id: (await ctx.deps.db('access_key').where({ id: deleted.id }).first()).account_id });
      expect((await agentA.get(paths.admin.bulk.start(deleted.id))).status).toBe(404);
    });

    it.each([
      ['fr', HEADERS_FR[0], 'Obligatoire'],
      ['en', 'Title', 'Mandatory'],
    ])('downloads the template with 19 headers and format notes (%s)', async (lang, firstHeader, mandatory) => {
      const res = await agentA
        .get(`${paths.admin.bulk.template}?lang=${lang}`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.xlsx"$/);
      const buf = res.body as Buffer;
      const headers = headersOf(buf);
      expect(headers).toHaveLength(19);
      expect(headers[0]).toBe(firstHeader);
      if (lang === 'fr') expect(headers).toEqual(HEADERS_FR);
      const book = XLSX.read(buf, { type: 'buffer' });
      const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
      const notes = COLUMN_KEYS.map((_k, c) => (sheet[XLSX.utils.encode_cell({ r: 0, c })] as XLSX.CellObject).c?.[0]?.t ?? '');
      expect(notes.every((n) => n.length > 10)).toBe(true);
      expect(notes[0]).toContain(mandatory);
      expect(notes[col('dateOfBirth')]).toMatch(/(jj\/mm\/aaaa|dd\/mm\/yyyy)/);
      expect(book.SheetNames).toHaveLength(2);
      await agentA.get(`${paths.admin.bulk.start(keyA.id)}?lang=fr`);
    });

    it('accepts the template back once rows are added under its headers', async () => {
      const res = await agentA
        .get(`${paths.admin.bulk.template}?lang=en`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      const book = XLSX.read(res.body as Buffer, { type: 'buffer' });
      const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
      XLSX.utils.sheet_add_aoa(sheet, [validRow(900)], { origin: 'A2' });
      await agentA.get(`${paths.admin.bulk.start(keyA.id)}?lang=fr`);
      const id = await uploadOk(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer, 'template.xlsx');
      const preview = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(preview('[data-count="valid"]').text()).toBe('1');
    });
  });

  describe('upload and preview', () => {
    it('previews a French CSV (semicolons, BOM, accents): every row ready', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(1), validRow(2), validRow(3)], { delimiter: ';' }), 'salariés.csv');
      const res = await agentA.get(paths.admin.bulk.preview(id));
      expect(res.status).toBe(200);
      const page = $(res.text);
      expect(page('[data-count="total"]').text()).toBe('3');
      expect(page('[data-count="valid"]').text()).toBe('3');
      expect(page('[data-count="rejected"]').text()).toBe('0');
      expect(page('#rows tbody tr')).toHaveLength(3);
      expect(page('#row-2').text()).toContain('Hélène');
      expect(page('main').text()).toContain('salariés.csv');
      expect(page('select[name="priority-2"]').length).toBe(1);
      expect(page('#rejected-download').length).toBe(0);
    });

    it('lists each row’s errors (row, column, message) in the page language, rejected rows first', async () => {
      const bad = validRow(11, { [col('email')]: 'pas-un-email', [col('dateOfBirth')]: '31/02/1990' });
      const noTitle = validRow(12, { [col('title')]: '' });
      const id = await uploadOk(xlsxOf([HEADERS_FR, validRow(10), bad, noTitle]), 'fichier.xlsx');
      const fr = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(fr('[data-count="rejected"]').text()).toBe('2');
      expect(fr('#rows tbody tr').first().attr('data-row')).toBe('3');
      const errorsRow3 = fr('#row-3 .row-errors li')
        .map((_i, el) => fr(el).text())
        .get();
      expect(errorsRow3).toHaveLength(2);
      expect(errorsRow3[1]).toBe('Date de naissance : Indiquez une date réelle au format jj/mm/aaaa, par exemple 27/03/1985');
      expect(errorsRow3[0]).toMatch(/^Adresse e-mail : /);
      expect(fr('#row-4 .row-errors li').text()).toBe('Civilité : Renseignez cette colonne');
      expect(fr('#row-2 .row-errors').length).toBe(0);

      const en = $((await agentA.get(`${paths.admin.bulk.preview(id)}?lang=en`)).text);
      expect(en('#row-4 .row-errors li').text()).toBe('Title: Fill in this column');
      expect(en('#row-3 .row-errors li').last().text()).toBe('Date of birth: Enter a real date as dd/mm/yyyy, for example 27/03/1985');
      await agentA.get(`${paths.admin.bulk.preview(id)}?lang=fr`);
    });

    it('previews a file with a value starting with =: that row alone is rejected, saying why, the others are ready', async () => {
      const formula = validRow(21, { [col('jobTitle')]: '=HYPERLINK("http://evil.example","x")' });
      const id = await uploadOk(xlsxOf([HEADERS_FR, validRow(20), formula, validRow(22)]), 'egal.xlsx');
      const fr = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(fr('[data-count="valid"]').text()).toBe('2');
      expect(fr('[data-count="rejected"]').text()).toBe('1');
      expect(fr('#row-3 .row-errors li').text()).toMatch(/ : Une valeur ne peut pas commencer par = \(elle serait lue comme une formule\)$/);
      const en = $((await agentA.get(`${paths.admin.bulk.preview(id)}?lang=en`)).text);
      expect(en('#row-3 .row-errors li').text()).toMatch(/: A value cannot start with = \(it would be read as a formula\)$/);
      await agentA.get(`${paths.admin.bulk.preview(id)}?lang=fr`);
    });

    it('previews a value holding a right-to-left override made visible: that row rejected, the raw character nowhere in the page', async () => {
      const RLO = '\u202e';
      const reversed = validRow(24, { [col('lastName')]: `Dupont${RLO}edcba`, [col('jobTitle')]: `Ache${RLO}teur` });
      const id = await uploadOk(
        csvOf([
          [...HEADERS_FR, `Note${RLO}etalp`],
          [...validRow(23), 'x'],
          [...reversed, 'y'],
        ]),
        `liste${RLO}vsc.exe`,
      );
      for (const lang of ['fr', 'en'] as const) {
        const res = await agentA.get(`${paths.admin.bulk.preview(id)}?lang=${lang}`);
        expect(res.text).not.toContain(RLO);
        const page = $(res.text);
        expect(page('[data-count="rejected"]').text()).toBe('1');
        expect(page('#row-3 td').first().text()).toContain(`Dupont[U+202E]edcba`);
        const errors = page('#row-3 .row-errors li')
          .map((_i, el) => page(el).text())
          .get();
        expect(errors).toEqual(
          lang === 'fr'
            ? [
                'Nom : Contient un caractère de contrôle invisible, affiché ici [U+202E] : supprimez-le',
                'Fonction : Contient un caractère de contrôle invisible, affiché ici [U+202E] : supprimez-le',
              ]
            : [
                'Last name: Contains an invisible control character, shown here as [U+202E]: remove it',
                'Job title: Contains an invisible control character, shown here as [U+202E]: remove it',
              ],
        );
        expect(page('main').text()).toContain('liste[U+202E]vsc.exe');
        expect(page('#ignored-columns').text()).toContain('Note[U+202E]etalp');
      }
      // Stored so too: the batch pages that show the file name never reverse it either.
      expect((await ctx.deps.db('bulk_upload').where({ id }).first()).file_name).toBe('liste[U+202E]vsc.exe');
      await agentA.get(`${paths.admin.bulk.preview(id)}?lang=fr`);
    });

    it('flags duplicates within the file and against an open application on the key', async () => {
      await ctx.deps.db.transaction((trx) =>
        createInvitedApplications(
          trx,
          [
            {
              accessKey: { id: keyA.id, accountId: accountA, number: keyA.number },
              origin: 'controlled',
              priority: 'normal',
              email: 'deja.invite@entreprise.example',
              language: 'fr',
            },
          ],
          new Date(),
        ),
      );
      const open = await ctx.deps.db('application').where({ email: 'deja.invite@entreprise.example' }).first();
      const id = await uploadOk(
        csvOf([
          HEADERS_FR,
          validRow(20),
          validRow(21, { [col('email')]: 'EMPLOYE20@entreprise.example' }),
          validRow(22, { [col('email')]: 'Deja.Invite@entreprise.example' }),
        ]),
      );
      const page = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(page('[data-count="valid"]').text()).toBe('1');
      expect(page('[data-count="duplicates"]').text()).toBe('2');
      expect(page('#row-3 .row-errors li').text()).toBe('Adresse e-mail : Adresse e-mail déjà présente ligne 2 du fichier');
      expect(page('#row-4 .row-errors li').text()).toContain(`référence ${open.reference}`);
    });

    it('warns about columns it does not recognise', async () => {
      const id = await uploadOk(
        csvOf([
          [...HEADERS_FR, 'Commentaire interne'],
          [...validRow(30), 'rien'],
        ]),
      );
      const page = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(page('#ignored-columns').text()).toContain('Commentaire interne');
    });

    it.each([
      ['a PNG named .xlsx', PNG, 'image.xlsx', 'ni un classeur Excel'],
      ['an empty file', Buffer.alloc(0), 'vide.csv', 'Le fichier est vide'],
      ['headers only', csvOf([HEADERS_FR]), 'entetes.csv', 'ne contient que les en-têtes'],
      [
        'a file without the e-mail column',
        csvOf([HEADERS_FR.slice(0, 3), ['M.', 'Jean', 'Dupont']]),
        'incomplet.csv',
        'Colonnes obligatoires manquantes : Adresse e-mail.',
      ],
    ])('refuses %s with a clear message and stores nothing', async (_name, buf, fileName, message) => {
      const before = await uploadsStored();
      const res = await upload(agentA, keyA.id, buf, fileName);
      expect(res.status).toBe(400);
      const page = $(res.text);
      expect(page('title').text()).toMatch(/^Erreur :/);
      expect(page('.error-summary a[href="#file"]').text()).toContain(message);
      expect(page('#file-error').text()).toContain(message);
      expect(await uploadsStored()).toBe(before);
    });

    it('refuses a file over 5 MB with a 413 page that says so, storing nothing', async () => {
      const before = await uploadsStored();
      const res = await upload(agentA, keyA.id, Buffer.alloc(5 * 1024 * 1024 + 10, 0x41), 'gros.csv');
      expect(res.status).toBe(413);
      expect($(res.text)('#file-error').text()).toContain('dépasse 5\u00a0Mo');
      expect(await uploadsStored()).toBe(before);
    });

    it('refuses an upload without its CSRF token (403) and stores nothing', async () => {
      const before = await uploadsStored();
      await agentA.get(paths.admin.bulk.start(keyA.id));
      const res = await agentA.post(paths.admin.bulk.start(keyA.id)).attach('file', csvOf([HEADERS_FR, validRow(1)]), 'a.csv');
      expect(res.status).toBe(403);
      const forged = await agentA
        .post(paths.admin.bulk.start(keyA.id))
        .field('_csrf', 'forged')
        .attach('file', csvOf([HEADERS_FR, validRow(1)]), 'a.csv');
      expect(forged.status).toBe(403);
      expect(await uploadsStored()).toBe(before);
    });

    it('refuses an upload on an expired key', async () => {
      const expired = await givenAccessKey(ctx.deps.db, await givenAccount(ctx.deps.db), adminA.id, { expires_on: '2026-01-01' });
      await ctx.deps
        .db('administrator_account')
        .insert({ administrator_id: adminA.id, account_id: (await ctx.deps.db('access_key').where({ id: expired.id }).first()).account_id });
      const pageRes = await agentA.get(paths.admin.bulk.start(expired.id));
      expect($(pageRes.text)('#key-expired').length).toBe(1);
      const token = await getCsrf(agentA, paths.admin.bulk.start(keyA.id));
      const res = await agentA
        .post(paths.admin.bulk.start(expired.id))
        .field('_csrf', token)
        .attach('file', csvOf([HEADERS_FR, validRow(1)]), 'a.csv');
      expect(res.status).toBe(409);
    });
  });

  describe('another BC', () => {
    it('cannot upload on, see, download from or validate another administrator’s upload (404)', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(40), validRow(41, { [col('email')]: 'x' })]));
      expect((await agentB.get(paths.admin.bulk.preview(id))).status).toBe(404);
      expect((await agentB.get(paths.admin.bulk.rejected(id))).status).toBe(404);
      const token = await getCsrf(agentB, paths.admin.bulk.start(keyB.id));
      const post = await agentB.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'validate' });
      expect(post.status).toBe(404);
      expect(await count('application', { email: 'employe40@entreprise.example' })).toBe(0);
      const before = await uploadsStored();
      const res = await agentB
        .post(paths.admin.bulk.start(keyA.id))
        .field('_csrf', token)
        .attach('file', csvOf([HEADERS_FR, validRow(1)]), 'a.csv');
      expect(res.status).toBe(404);
      expect(await uploadsStored()).toBe(before);
    });
  });

  describe('validate', () => {
    it('initiates every valid row in one go: N applications, 2N e-mails queued, one batch', async () => {
      const fileRows = [validRow(50), validRow(51), validRow(52, { [col('email')]: 'faux' }), validRow(53)];
      const id = await uploadOk(xlsxOf([HEADERS_FR, ...fileRows]), 'lot-mars.xlsx');
      const previewRes = await agentA.get(paths.admin.bulk.preview(id));
      const res = await agentA
        .post(paths.admin.bulk.preview(id))
        .type('form')
        .send({ _csrf: csrfFrom(previewRes.text), action: 'validate', page: '1' });
      expect(res.status).toBe(303);
      const batch = await ctx.deps.db('bulk_batch').orderBy('id', 'desc').first();
      expect(res.headers.location).toBe(paths.admin.batches.show(batch.id));
      expect(batch).toMatchObject({
        file_name: 'lot-mars.xlsx',
        access_key_id: keyA.id,
        account_id: accountA,
        uploaded_by: adminA.id,
        row_count: 3,
        rejected_count: 1,
      });
      const apps = await ctx.deps.db('application').where({ batch_id: batch.id }).orderBy('id');
      expect(apps).toHaveLength(3);
      expect(apps.map((a: { email: string }) => a.email)).toEqual([
        'employe50@entreprise.example',
        'employe51@entreprise.example',
        'employe53@entreprise.example',
      ]);
      expect(apps[0]).toMatchObject({
        origin: 'bulk',
        initiated_by: adminA.id,
        status: 'invited',
        priority: 'normal',
        title: 'mr',
        first_name: 'Hélène',
        language: 'en',
      });
      expect(JSON.parse(apps[1].prefill)).toMatchObject({
        embossName: 'HELENE DUPONT',
        dateOfBirth: '1985-03-27',
        mobilePhone: '+33612345678',
        additionalApproverEmail: 'manager51@entreprise.example',
      });
      const outbox = await ctx.deps.db('outbox').whereIn(
        'application_id',
        apps.map((a: { id: number }) => a.id),
      );
      expect(outbox).toHaveLength(6);
      expect(outbox.filter((o: { template: string }) => o.template === 'invitation-link')).toHaveLength(3);
      expect(outbox.filter((o: { template: string }) => o.template === 'invitation-key')).toHaveLength(3);
      expect(await count('application_status_history', { to_status: 'invited' })).toBeGreaterThanOrEqual(3);

      const batchPage = $((await agentA.get(res.headers.location as string)).text);
      expect(batchPage('.banner').text()).toBe('Demandes lancées : 3. Lignes rejetées : 1. Les e-mails sont en cours d’envoi.');
      expect(batchPage('#applications tbody tr')).toHaveLength(3);
    });

    it('creates nothing more on a second "Validate" and says so', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(60), validRow(61)]));
      const previewRes = await agentA.get(paths.admin.bulk.preview(id));
      const token = csrfFrom(previewRes.text);
      const first = await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'validate' });
      expect(first.status).toBe(303);
      const apps = await count('application');
      const mails = await count('outbox');
      const batches = await count('bulk_batch');
      const second = await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'validate' });
      expect(second.status).toBe(409);
      expect($(second.text)('.error-summary').text()).toContain('Ce fichier a déjà été validé');
      expect($(second.text)('#consumed a').attr('href')).toBe(first.headers.location);
      expect(await count('application')).toBe(apps);
      expect(await count('outbox')).toBe(mails);
      expect(await count('bulk_batch')).toBe(batches);
      // a concurrent pair: only one wins
      const id2 = await uploadOk(csvOf([HEADERS_FR, validRow(62)]));
      const t2 = csrfFrom((await agentA.get(paths.admin.bulk.preview(id2))).text);
      const results = await Promise.all([
        agentA.post(paths.admin.bulk.preview(id2)).type('form').send({ _csrf: t2, action: 'validate' }),
        agentA.post(paths.admin.bulk.preview(id2)).type('form').send({ _csrf: t2, action: 'validate' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
      expect(await count('application', { email: 'employe62@entreprise.example' })).toBe(1);
    });

    it('re-checks open applications at validation time', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(70), validRow(71)]));
      const token = csrfFrom((await agentA.get(paths.admin.bulk.preview(id))).text);
      // meanwhile, employee 70 gets an application on the key another way
      await ctx.deps.db.transaction((trx) =>
        createInvitedApplications(
          trx,
          [
            {
              accessKey: { id: keyA.id, accountId: accountA, number: keyA.number },
              origin: 'controlled',
              priority: 'normal',
              email: 'employe70@entreprise.example',
              language: 'fr',
            },
          ],
          new Date(),
        ),
      );
      const res = await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'validate' });
      expect(res.status).toBe(303);
      expect(await count('application', { email: 'employe70@entreprise.example' })).toBe(1);
      expect(await count('application', { email: 'employe71@entreprise.example' })).toBe(1);
    });

    it('refuses when no row is valid, creating nothing and leaving the upload open', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(75, { [col('email')]: 'x' })]));
      const token = csrfFrom((await agentA.get(paths.admin.bulk.preview(id))).text);
      const before = await count('bulk_batch');
      const res = await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'validate' });
      expect(res.status).toBe(409);
      expect($(res.text)('.error-summary').text()).toContain('Aucune ligne n’est prête');
      expect(await count('bulk_batch')).toBe(before);
      expect((await ctx.deps.db('bulk_upload').where({ id }).first()).consumed_at).toBeNull();
    });

    it('needs the urgent terms when a row is urgent, then initiates it as urgent', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(80), validRow(81)]));
      const token = csrfFrom((await agentA.get(paths.admin.bulk.preview(id))).text);
      const refused = await agentA
        .post(paths.admin.bulk.preview(id))
        .type('form')
        .send({ _csrf: token, action: 'validate', 'priority-2': 'normal', 'priority-3': 'urgent' });
      expect(refused.status).toBe(400);
      const page = $(refused.text);
      expect(page('.error-summary a[href="#urgentTerms"]').text()).toContain('Acceptez les conditions d’une demande urgente');
      expect(page('select[name="priority-3"] option[selected]').attr('value')).toBe('urgent');
      expect(page('main').text()).toContain('30 €');
      expect(await count('application', { email: 'employe81@entreprise.example' })).toBe(0);

      const ok = await agentA
        .post(paths.admin.bulk.preview(id))
        .type('form')
        .send({ _csrf: token, action: 'validate', 'priority-2': 'normal', 'priority-3': 'urgent', urgentTerms: 'yes' });
      expect(ok.status).toBe(303);
      expect((await ctx.deps.db('application').where({ email: 'employe81@entreprise.example' }).first()).priority).toBe('urgent');
      expect((await ctx.deps.db('application').where({ email: 'employe80@entreprise.example' }).first()).priority).toBe('normal');
    });

    it('saves priorities row by row, and "set all" applies to every row', async () => {
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(90), validRow(91), validRow(92)]));
      const token = csrfFrom((await agentA.get(paths.admin.bulk.preview(id))).text);
      const saved = await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'save', page: '1', 'priority-3': 'urgent' });
      expect(saved.status).toBe(303);
      let page = $((await agentA.get(saved.headers.location as string)).text);
      expect(page('.banner').text()).toBe('Priorités enregistrées.');
      expect(page('select[name="priority-3"] option[selected]').attr('value')).toBe('urgent');
      expect(page('[data-count="urgent"]').text()).toBe('1');
      await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'save', setAll: 'urgent', 'priority-2': 'normal' });
      page = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(page('[data-count="urgent"]').text()).toBe('3');
      await agentA.post(paths.admin.bulk.preview(id)).type('form').send({ _csrf: token, action: 'save', setAll: 'normal' });
      page = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(page('[data-count="urgent"]').text()).toBe('0');
    });

    it('paginates a long preview (100 rows a page, rejected rows first) but validates every valid row', async () => {
      const fileRows = rows(230, 1000);
      fileRows[150] = validRow(1150, { [col('title')]: 'Docteur' });
      const id = await uploadOk(csvOf([HEADERS_FR, ...fileRows]));
      const first = $((await agentA.get(paths.admin.bulk.preview(id))).text);
      expect(first('#rows tbody tr')).toHaveLength(100);
      expect(first('#rows tbody tr').first().attr('data-row')).toBe('152');
      expect(first('.pagination a')).toHaveLength(3);
      const third = $((await agentA.get(`${paths.admin.bulk.preview(id)}?page=3`)).text);
      expect(third('#rows tbody tr')).toHaveLength(30);
      const res = await agentA
        .post(paths.admin.bulk.preview(id))
        .type('form')
        .send({ _csrf: csrfFrom(first.html()), action: 'validate' });
      expect(res.status).toBe(303);
      const batch = await ctx.deps.db('bulk_batch').orderBy('id', 'desc').first();
      expect(await count('application', { batch_id: batch.id })).toBe(229);
    });
  });

  describe('rejected rows download', () => {
    it('gives the rejected rows with their original columns, an error column, and neutralised cells', async () => {
      const bad = validRow(100, { [col('email')]: 'faux', [col('jobTitle')]: '-Chef', [col('businessPhone')]: '+33 1 23 45 67 89' });
      const id = await uploadOk(csvOf([HEADERS_FR, validRow(101), bad]));
      const res = await agentA
        .get(paths.admin.bulk.rejected(id))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="lignes-rejetees-\d+\.xlsx"$/);
      expect(res.headers['content-security-policy']).toBe('sandbox');
      const sheetRows = sheetRowsOf(res.body as Buffer);
      expect(sheetRows[0]).toEqual([...HEADERS_FR, 'Erreurs']);
      expect(sheetRows).toHaveLength(2);
      expect(sheetRows[1]?.[col('email')]).toBe('faux');
      expect(sheetRows[1]?.[col('jobTitle')]).toBe("'-Chef");
      expect(sheetRows[1]?.[col('businessPhone')]).toBe("'+33 1 23 45 67 89");
      expect(sheetRows[1]?.[19]).toMatch(/^Ligne 3 : Adresse e-mail : /);

      // corrected and uploaded again, it is accepted (the apostrophes are dropped)
      const corrected = XLSX.read(res.body as Buffer, { type: 'buffer' });
      const sheet = corrected.Sheets[corrected.SheetNames[0] as string] as XLSX.WorkSheet;
      sheet[XLSX.utils.encode_cell({ r: 1, c: col('email') })] = { t: 's', v: 'corrige@entreprise.example' };
      const again = await uploadOk(XLSX.write(corrected, { type: 'buffer', bookType: 'xlsx' }) as Buffer, 'corrige.xlsx');
      const page = $((await agentA.get(paths.admin.bulk.preview(again))).text);
      expect(page('[data-count="valid"]').text()).toBe('1');
      expect(page('#ignored-columns').text()).toContain('Erreurs');
    });
  });
});
