import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import request from 'supertest';
import { createTestContext, $, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { PUBLIC_DIR } from '../../src/platform/root';
import { givenApplication, givenFormKey } from '../support/builders';
import { enter, pdfBytes, submit, uploadDocument } from '../support/employee';

const MAX_BYTES = 20 * 1024;

describe('supporting documents: checked by content and size, stored outside public/, removable before signing', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ DOCUMENT_MAX_BYTES: String(MAX_BYTES) });
  });
  afterAll(() => ctx.close());

  async function newAgent(lang: 'fr' | 'en' = 'en', keyOpts = {}): Promise<{ agent: Agent; id: number }> {
    const key = await givenFormKey(ctx.deps.db, keyOpts);
    const app = await givenApplication(ctx.deps.db, key, { language: lang });
    return { agent: await enter(ctx.app, key, app.reference, lang), id: app.id };
  }

  const documents = (id: number) => ctx.deps.db('application_document').where({ application_id: id }).orderBy('id');
  const storedFiles = () => (fs.existsSync(path.join(ctx.dataDir, 'documents')) ? fs.readdirSync(path.join(ctx.dataDir, 'documents')) : []);

  it('stores a PDF with its SHA-256 under DATA_DIR (not public/), and lets the employee download it', async () => {
    const { agent, id } = await newAgent();
    const bytes = pdfBytes('passport');
    const res = await uploadDocument(agent, 'identity', bytes, 'Passeport Élodie.pdf');
    expect(res.status).toBe(303);
    const [doc] = await documents(id);
    expect(doc).toMatchObject({
      kind: 'identity',
      mime: 'application/pdf',
      size: bytes.length,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      original_name: 'Passeport Élodie.pdf',
    });
    expect(fs.existsSync(path.join(ctx.dataDir, 'documents', doc.stored_name))).toBe(true);
    expect(path.resolve(ctx.dataDir).startsWith(path.resolve(PUBLIC_DIR))).toBe(false);
    const page = await agent.get(paths.employee.form.documents);
    expect($(page.text)('.banner').text()).toContain('Passeport Élodie.pdf');
    expect($(page.text)(`#documents tr[data-document="${doc.id}"]`).text()).toContain('Identity document');
    const download = await agent
      .get(paths.employee.form.document(doc.id))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
  });

  it.each(['fr', 'en'] as const)('refuses an executable renamed .pdf (MZ header), whatever the browser claims (%s)', async (lang) => {
    const { agent, id } = await newAgent(lang);
    const before = storedFiles().length;
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), crypto.randomBytes(512)]);
    const res = await uploadDocument(agent, 'identity', exe, 'passport.pdf', 'application/pdf');
    expect(res.status).toBe(400);
    const page = $(res.text);
    const message = lang === 'fr' ? 'Le fichier doit être un PDF, un JPEG ou un PNG' : 'The file must be a PDF, JPEG or PNG';
    expect(page('.error-summary a[href="#file"]').text()).toContain(message);
    expect(page('#file-error').text()).toContain(message);
    expect(await documents(id)).toHaveLength(0);
    expect(storedFiles().length).toBe(before);
  });

  it.each(['fr', 'en'] as const)('refuses an oversized file with a translated error on the documents page, nothing stored (%s)', async (lang) => {
    const { agent, id } = await newAgent(lang);
    const before = storedFiles().length;
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(MAX_BYTES + 1, 0x20)]);
    const res = await uploadDocument(agent, 'identity', big, 'scan.pdf');
    expect(res.status).toBe(413);
    const page = $(res.text);
    expect(page('h1').text()).toBe(lang === 'fr' ? 'Pièces justificatives' : 'Supporting documents');
    expect(page('#file-error').text()).toContain(lang === 'fr' ? 'Le fichier doit peser au plus 20\u00a0Ko' : 'The file must be smaller than 20\u00a0KB');
    expect(page('#file-hint').text()).toBe(lang === 'fr' ? 'PDF, JPEG ou PNG, 20\u00a0Ko au maximum' : 'PDF, JPEG or PNG, at most 20\u00a0KB');
    expect(await documents(id)).toHaveLength(0);
    expect(storedFiles().length).toBe(before);
  });

  it.each([
    ['fr', '5,2\u00a0Ko'],
    ['en', '5.2\u00a0KB'],
  ] as const)('shows a document’s size in the page’s language and units on the review page (%s: %s)', async (lang, size) => {
    const { agent } = await newAgent(lang);
    const bytes = Buffer.concat([pdfBytes(), Buffer.alloc(5300 - pdfBytes().length, 0x20)]);
    expect((await uploadDocument(agent, 'identity', bytes, 'scan.pdf')).status).toBe(303);
    const review = $((await agent.get(paths.employee.review)).text);
    const row = review('#section-documents').text();
    expect(row).toContain(`scan.pdf (${size})`);
    expect(row).not.toMatch(lang === 'fr' ? /\bKB\b/ : /\bKo\b/);
  });

  it('refuses an upload without the CSRF token', async () => {
    const { agent, id } = await newAgent();
    const res = await agent
      .post(paths.employee.form.upload)
      .field('kind', 'identity')
      .attach('file', pdfBytes(), { filename: 'a.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(403);
    expect(await documents(id)).toHaveLength(0);
  });

  it('requires the identity document, lets the employee remove it and attach another', async () => {
    const { agent, id } = await newAgent('fr');
    const none = await submit(agent, paths.employee.form.documents, { action: 'continue' });
    expect(none.status).toBe(400);
    expect($(none.text)('.error-summary').text()).toContain('Joignez une pièce d’identité');

    await uploadDocument(agent, 'identity', pdfBytes('old'), 'ancienne.pdf');
    const [old] = await documents(id);
    const page = await agent.get(paths.employee.form.documents);
    const removeForm = $(page.text)(`form[action="${paths.employee.form.removeDocument(old.id)}"]`);
    const removed = await agent
      .post(paths.employee.form.removeDocument(old.id))
      .type('form')
      .send({ _csrf: removeForm.find('input[name="_csrf"]').val() as string });
    expect(removed.status).toBe(303);
    expect((await documents(id))[0].removed_at).toBeTruthy();
    const afterRemove = await submit(agent, paths.employee.form.documents, { action: 'continue' });
    expect(afterRemove.status).toBe(400);
    // A removed document is no longer downloadable.
    expect((await agent.get(paths.employee.form.document(old.id))).status).toBe(404);

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(64)]);
    expect((await uploadDocument(agent, 'identity', png, 'nouvelle.png', 'image/png')).status).toBe(303);
    const current = (await documents(id)).filter((d: { removed_at: string | null }) => !d.removed_at);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ original_name: 'nouvelle.png', mime: 'image/png' });
    expect((await submit(agent, paths.employee.form.documents, { action: 'continue' })).status).toBe(303);
  });

  it('another application’s document can be neither downloaded nor removed', async () => {
    const owner = await newAgent();
    await uploadDocument(owner.agent, 'identity', pdfBytes(), 'mine.pdf');
    const [doc] = await documents(owner.id);
    const other = await newAgent();
    expect((await other.agent.get(paths.employee.form.document(doc.id))).status).toBe(404);
    const page = await other.agent.get(paths.employee.form.documents);
    const token = $(page.text)('input[name="_csrf"]').first().val() as string;
    const res = await other.agent.post(paths.employee.form.removeDocument(doc.id)).type('form').send({ _csrf: token });
    expect(res.status).toBe(404);
    expect((await documents(owner.id))[0].removed_at).toBeNull();
    expect((await request(ctx.app).get(paths.employee.form.document(doc.id))).headers.location).toBe(paths.employee.entry);
  });

  it('no longer accepts changes once the application is submitted', async () => {
    const { agent, id } = await newAgent();
    await uploadDocument(agent, 'identity', pdfBytes(), 'id.pdf');
    const page = await agent.get(paths.employee.form.documents);
    const token = $(page.text)('#upload-form input[name="_csrf"]').val() as string;
    await ctx.deps.db('application').where({ id }).update({ status: 'pending_approval' });
    const res = await agent
      .post(paths.employee.form.upload)
      .field('_csrf', token)
      .field('kind', 'other')
      .attach('file', pdfBytes(), { filename: 'late.pdf', contentType: 'application/pdf' });
    expect(res.headers.location).toBe(paths.employee.application);
    expect(await documents(id)).toHaveLength(1);
  });
});
