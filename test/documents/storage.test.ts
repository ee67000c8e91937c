import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PUBLIC_DIR, ROOT_DIR } from '../../src/platform/root';
import {
  documentsDir,
  downloadHeaders,
  listDocuments,
  MAX_DOCUMENTS_PER_APPLICATION,
  missingKinds,
  readDocument,
  removeDocument,
  sanitiseFileName,
  saveDocument,
  sniffType,
} from '../../src/core/application/documents';
import { createTestContext, type TestContext } from '../support/app';
import { givenApplicationRow } from '../support/builders';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), crypto.randomBytes(200), Buffer.from('\n%%EOF\n')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), crypto.randomBytes(100), Buffer.from([0xff, 0xd9])]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(100)]);
const EXE = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
  Buffer.alloc(56),
  Buffer.from('This program cannot be run in DOS mode.'),
  crypto.randomBytes(64),
]);

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe('sniffType', () => {
  it.each([
    ['a PDF', 'application/pdf', PDF],
    ['a JPEG', 'image/jpeg', JPEG],
    ['a PNG', 'image/png', PNG],
    ['a Windows executable', undefined, EXE],
    ['a text file', undefined, Buffer.from('Hello, this is not a PDF\n')],
    ['an HTML page', undefined, Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['a PDF signature not at the start', undefined, Buffer.from(' %PDF-1.7')],
    ['a truncated PNG signature', undefined, PNG.subarray(0, 7)],
    ['an empty file', undefined, Buffer.alloc(0)],
    ['a GIF', undefined, Buffer.from('GIF89a....')],
    ['a ZIP (docx)', undefined, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0])],
  ])('reads %s as %s', (_what, expected, buffer) => {
    expect(sniffType(buffer)).toBe(expected);
  });
});

describe('sanitiseFileName', () => {
  it.each([
    ['passeport.pdf', 'application/pdf', 'passeport.pdf'],
    ['C:\\Users\\jean\\Carte d’identité.PDF', 'application/pdf', 'Carte d’identité.pdf'],
    ['../../etc/passwd', 'image/png', 'passwd.png'],
    ['scan.pdf', 'image/jpeg', 'scan.jpg'],
    ['"><img src=x onerror=alert(1)>.png', 'image/png', 'img srcx onerroralert(1).png'],
    ['bad\r\nX-Header: 1.pdf', 'application/pdf', 'badX-Header 1.pdf'],
    ['.hidden', 'application/pdf', 'hidden.pdf'],
    ['', 'application/pdf', 'document.pdf'],
    ['a'.repeat(300) + '.pdf', 'application/pdf', 'a'.repeat(90) + '.pdf'],
  ] as const)('%j (%s) → %j', (name, type, expected) => {
    expect(sanitiseFileName(name, type)).toBe(expected);
  });
});

describe('document headers', () => {
  it('force a download, forbid sniffing and sandbox any rendering', () => {
    const h = downloadHeaders({ mime: 'application/pdf', size: 12, originalName: 'Carte d’identité.pdf' });
    expect(h['Content-Disposition']).toBe(`attachment; filename="Carte didentite.pdf"; filename*=UTF-8''Carte%20d%E2%80%99identit%C3%A9.pdf`);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Content-Security-Policy']).toMatch(/sandbox/);
    expect(h['Cache-Control']).toBe('no-store');
  });
});

describe('document storage', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({ DOCUMENT_MAX_BYTES: String(64 * 1024) });
  });
  afterEach(() => ctx.close());

  const save = (applicationId: number, kind: string, buffer: Buffer, originalName = 'file.pdf') =>
    ctx.deps.db.transaction((trx) => saveDocument(ctx.deps, trx, { applicationId, kind, file: { buffer, originalName }, now: ctx.deps.clock.now() }));

  it('stores a PDF outside public/ under the data directory, read-only, with its SHA-256', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const result = await save(id, 'identity', PDF, 'Passeport.pdf');
    if (!result.ok) throw new Error(result.key);
    const doc = result.document;
    expect(doc).toMatchObject({
      applicationId: id,
      kind: 'identity',
      mime: 'application/pdf',
      size: PDF.length,
      originalName: 'Passeport.pdf',
      removedAt: null,
      archived: false,
    });
    expect(doc.sha256).toBe(crypto.createHash('sha256').update(PDF).digest('hex'));
    expect(doc.storedName).toMatch(/^[\w-]{24}\.bin$/);

    const file = path.join(documentsDir(ctx.dataDir), doc.storedName);
    expect(fs.readFileSync(file).equals(PDF)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o440);
    expect(path.resolve(file).startsWith(path.resolve(ctx.dataDir) + path.sep)).toBe(true);
    expect(path.resolve(file).startsWith(PUBLIC_DIR)).toBe(false);
    expect(path.resolve(file).startsWith(ROOT_DIR + path.sep + 'public')).toBe(false);
    expect(await ctx.deps.db('application_document').where({ id: doc.id }).first()).toMatchObject({
      sha256: doc.sha256,
      stored_name: doc.storedName,
      mime: 'application/pdf',
    });
    expect(ctx.logs.join('')).not.toContain('Passeport');
  });

  it.each([
    ['an executable renamed .pdf', EXE, 'facture.pdf', 'documents:errors.type'],
    ['a text file', Buffer.from('just some text'), 'notes.pdf', 'documents:errors.type'],
    ['an empty file', Buffer.alloc(0), 'empty.pdf', 'documents:errors.empty'],
    ['an oversized PDF', Buffer.concat([PDF, Buffer.alloc(64 * 1024)]), 'big.pdf', 'documents:errors.tooLarge'],
  ])('refuses %s and stores nothing', async (_what, buffer, name, key) => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const result = await save(id, 'identity', buffer, name);
    expect(result).toMatchObject({ ok: false, key });
    expect(await listDocuments(ctx.deps.db, id)).toEqual([]);
    expect(fs.existsSync(documentsDir(ctx.dataDir)) ? fs.readdirSync(documentsDir(ctx.dataDir)) : []).toEqual([]);
  });

  it('states the size limit in the error', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    expect(await save(id, 'identity', Buffer.concat([PDF, Buffer.alloc(64 * 1024)]))).toEqual({
      ok: false,
      key: 'documents:errors.tooLarge',
      params: { maxBytes: 64 * 1024 },
    });
  });

  it('refuses an unknown kind, a signed application, and more than the maximum', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    expect(await save(id, 'selfie', PNG)).toEqual({ ok: false, key: 'documents:errors.kind' });
    const signed = await givenApplicationRow(ctx.deps.db, { status: 'pending_approval' });
    expect(await save(signed.id, 'identity', PNG)).toEqual({ ok: false, key: 'documents:errors.locked' });
    for (let i = 0; i < MAX_DOCUMENTS_PER_APPLICATION; i++) expect((await save(id, 'other', JPEG)).ok).toBe(true);
    expect(await save(id, 'other', JPEG)).toMatchObject({ ok: false, key: 'documents:errors.tooMany' });
  });

  it('lets the employee remove and replace a document before signing, not after', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const first = await save(id, 'identity', JPEG, 'recto.jpg');
    if (!first.ok) throw new Error(first.key);
    expect(missingKinds(await listDocuments(ctx.deps.db, id), ['identity', 'proof_of_address'])).toEqual(['proof_of_address']);

    const other = await givenApplicationRow(ctx.deps.db);
    const now = ctx.deps.clock.now();
    expect(await removeDocument(ctx.deps.db, { applicationId: other.id, documentId: first.document.id, now })).toBe(false);
    expect(await removeDocument(ctx.deps.db, { applicationId: id, documentId: first.document.id, now })).toBe(true);
    expect(await removeDocument(ctx.deps.db, { applicationId: id, documentId: first.document.id, now })).toBe(false);
    expect(await listDocuments(ctx.deps.db, id)).toEqual([]);
    expect(missingKinds(await listDocuments(ctx.deps.db, id))).toEqual(['identity']);

    const second = await save(id, 'identity', PNG, 'passeport.png');
    expect(second.ok).toBe(true);
    expect((await listDocuments(ctx.deps.db, id)).map((d) => d.originalName)).toEqual(['passeport.png']);

    await ctx.deps.db('application').where({ id }).update({ status: 'pending_approval' });
    if (!second.ok) return;
    expect(await removeDocument(ctx.deps.db, { applicationId: id, documentId: second.document.id, now })).toBe(false);
    expect(await listDocuments(ctx.deps.db, id)).toHaveLength(1);
  });

  it('reads a document back with safe download headers, only for its application and BCs', async () => {
    const { id, accountId } = await givenApplicationRow(ctx.deps.db);
    const saved = await save(id, 'identity', PDF, 'Carte.pdf');
    if (!saved.ok) throw new Error(saved.key);
    const documentId = saved.document.id;

    const read = await readDocument(ctx.deps, ctx.deps.db, { applicationId: id, documentId });
    expect((await streamToBuffer(read.stream)).equals(PDF)).toBe(true);
    expect(read.headers).toMatchObject({
      'Content-Type': 'application/pdf',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': expect.stringMatching(/^attachment;/),
    });

    const byAdmin = await readDocument(ctx.deps, ctx.deps.db, { applicationId: id, documentId, accountIds: [accountId] });
    expect((await streamToBuffer(byAdmin.stream)).length).toBe(PDF.length);
    const other = await givenApplicationRow(ctx.deps.db);
    await expect(readDocument(ctx.deps, ctx.deps.db, { applicationId: id, documentId, accountIds: [other.accountId] })).rejects.toThrow(/not found/);
    await expect(readDocument(ctx.deps, ctx.deps.db, { applicationId: other.id, documentId })).rejects.toThrow(/not found/);
    await removeDocument(ctx.deps.db, { applicationId: id, documentId, now: ctx.deps.clock.now() });
    await expect(readDocument(ctx.deps, ctx.deps.db, { applicationId: id, documentId })).rejects.toThrow(/not found/);
  });
});
