import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { $, createTestContext, getCsrf, signInAs, TestClock, type TestContext } from '../support/app';
import { givenAdministrator, givenKey, type GivenKey } from '../support/builders';
import { countOf } from '../support/database';
import { deliveredFolders, givenApproved, verifiedManifest } from '../support/transmission';

describe('Transmissions page (platform administrators)', () => {
  let ctx: TestContext;
  let key: GivenKey;
  let platformEmail: string;
  const clock = new TestClock(new Date('2026-11-25T10:00:00Z'));

  beforeAll(async () => {
    // TRANSMISSION_DIR unset: the default folder under DATA_DIR.
    ctx = await createTestContext({}, { clock });
    expect(ctx.config.transmission.dir).toBe(path.join(ctx.dataDir, 'transmissions'));
    platformEmail = (await givenAdministrator(ctx.deps.db, { role: 'platform', display_name: 'Paula Plateforme' })).email;
    key = await givenKey(ctx.deps.db);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it.each([
    ['fr', 'Transmissions à l’émetteur', 'Transmettre maintenant', 'Déposer un fichier de statuts'],
    ['en', 'Transmissions to the issuer', 'Transmit now', 'Upload a status file'],
  ] as const)('shows the page and its tab to a platform administrator (%s)', async (lang, title, button, upload) => {
    const agent = await signInAs(ctx.app, ctx.deps, platformEmail, lang);
    const res = await agent.get('/platform/transmissions');
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe(title);
    expect(page('#transmit-now').text().trim()).toBe(button);
    expect(page('form[action="/platform/transmissions/transmit"] input[name="_csrf"]')).toHaveLength(1);
    expect(page('nav a[href="/platform/transmissions"]').text()).toContain(title);
    // The issuer's card status file is uploaded from here.
    expect(page('#status-import-link').attr('href')).toBe('/platform/issuer-status');
    expect(page('#status-import-link').text()).toBe(upload);
  });

  it('is refused to a program administrator (403) and not in their tabs', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, key.adminEmail);
    expect((await agent.get('/platform/transmissions')).status).toBe(403);
    expect($((await agent.get('/admin/access-keys')).text)('a[href="/platform/transmissions"]')).toHaveLength(0);
    const csrf = await getCsrf(agent, '/admin/access-keys');
    expect((await agent.post('/platform/transmissions/transmit').type('form').send({ _csrf: csrf })).status).toBe(403);
  });

  it('refuses "Transmit now" without the CSRF token, transmitting nothing', async () => {
    await givenApproved(ctx.deps.db, key);
    const agent = await signInAs(ctx.app, ctx.deps, platformEmail);
    expect((await agent.post('/platform/transmissions/transmit').type('form').send({})).status).toBe(403);
    expect(await countOf(ctx.deps.db('transmission'))).toBe(0);
  });

  it('"Transmit now" transmits every approved application, delivers the files, erases the PINs, and lists it (audited)', async () => {
    const other = await givenApproved(ctx.deps.db, key, { cardholder: { firstName: 'Łukasz', lastName: 'Nguyễn', embossName: 'LUKASZ NGUYEN' } });
    const pending = await givenApproved(ctx.deps.db, key);
    await ctx.deps.db('application').where({ id: pending.id }).update({ status: 'pending_approval' });
    const approvedIds = (await ctx.deps.db('application').where({ status: 'approved' }).select('id')).map((r: { id: number }) => r.id);
    expect(approvedIds).toHaveLength(2);

    const agent = await signInAs(ctx.app, ctx.deps, platformEmail, 'en');
    const csrf = await getCsrf(agent, '/platform/transmissions');
    const res = await agent.post('/platform/transmissions/transmit').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/platform/transmissions');

    // Statuses and history, through the status machine.
    for (const id of approvedIds) {
      expect((await ctx.deps.db('application').where({ id }).first()).status).toBe('transmitted');
      const h = await ctx.deps.db('application_status_history').where({ application_id: id, to_status: 'transmitted' }).first();
      expect(h).toMatchObject({ from_status: 'approved', actor_type: 'admin', comment: 'SESAME-000001' });
    }
    expect((await ctx.deps.db('application').where({ id: pending.id }).first()).status).toBe('pending_approval');
    // Delivered into the folder, complete, matching its manifest; no temporary folder left.
    expect(fs.readdirSync(ctx.config.transmission.dir)).toEqual(['SESAME-000001']);
    const manifest = verifiedManifest(path.join(ctx.config.transmission.dir, 'SESAME-000001'));
    expect(manifest).toMatchObject({ number: 1, applicationCount: 2 });
    const csv = fs.readFileSync(path.join(ctx.config.transmission.dir, 'SESAME-000001', 'applications.csv'), 'utf8');
    expect(csv).toContain(';NGUYEN;LUKASZ;');
    expect(csv).toContain(other.reference);
    // PINs erased once delivered: the ciphertext and wrapped key gone.
    expect(await countOf(ctx.deps.db('application_pin').whereIn('application_id', approvedIds).whereNotNull('encrypted'))).toBe(0);
    // Audited as the administrator's action.
    const audit = await ctx.deps.db('audit_log').where({ action: 'transmission.create' }).first();
    expect(audit).toMatchObject({ actor_type: 'admin', object_type: 'transmission', object_id: '1' });

    const page = $((await agent.get('/platform/transmissions')).text);
    expect(page('[role="status"]').first().text()).toContain('Transmission 1 sent: 2 applications.');
    const row = page('#transmissions tr[data-number="1"]');
    expect(row.text()).toContain('Paula Plateforme');
    expect(row.text()).toContain('Delivered on');
    const shas = row
      .find('code.sha256')
      .map((_i, el) => page(el).text())
      .get();
    expect(shas).toEqual([...manifest.files.map((f) => f.sha256), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(row.find('a[href="/platform/transmissions/1/files/applications.csv"]')).toHaveLength(1);
    expect(row.find('a[href="/platform/transmissions/1/files/pins.jsonl"]')).toHaveLength(0);
    expect(row.text()).toContain('pins.jsonl – erased once delivered');
  });

  it('downloads a file again, byte for byte, and audits the download; an erased pins.jsonl is gone (404)', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, platformEmail);
    const res = await agent.get('/platform/transmissions/1/files/applications.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="SESAME-000001-applications.csv"');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text).toBe(fs.readFileSync(path.join(ctx.config.transmission.dir, 'SESAME-000001', 'applications.csv'), 'utf8'));
    const entry = await ctx.deps.db('audit_log').where({ action: 'transmission.file_download' }).orderBy('id', 'desc').first();
    expect(entry).toMatchObject({ actor_type: 'admin', object_id: '1' });
    expect(JSON.parse(entry.details)).toMatchObject({ file: 'applications.csv' });
    expect((await agent.get('/platform/transmissions/1/files/pins.jsonl')).status).toBe(404);
    expect((await agent.get('/platform/transmissions/9/files/manifest.json')).status).toBe(404);
    expect((await agent.get('/platform/transmissions/1/files/..%2Fsesame.sqlite')).status).toBe(404);
    expect((await request(ctx.app).get('/platform/transmissions/1/files/manifest.json')).status).not.toBe(200);
  });

  it.each([
    ['fr', 'Aucune demande approuvée n’attend d’être transmise.'],
    ['en', 'No approved application is waiting to be transmitted.'],
  ] as const)('says when there is nothing to transmit, and records no transmission (%s)', async (lang, text) => {
    const before = await countOf(ctx.deps.db('transmission'));
    const agent = await signInAs(ctx.app, ctx.deps, platformEmail, lang);
    const csrf = await getCsrf(agent, '/platform/transmissions');
    await agent.post('/platform/transmissions/transmit').type('form').send({ _csrf: csrf });
    expect(
      $((await agent.get('/platform/transmissions')).text)('[role="status"]')
        .first()
        .text(),
    ).toContain(text);
    expect(await countOf(ctx.deps.db('transmission'))).toBe(before);
    expect(deliveredFolders(ctx.config.transmission.dir)).toEqual(['SESAME-000001']);
  });
});
