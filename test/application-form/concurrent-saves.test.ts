import crypto from 'node:crypto';
import { createTestContext, type TestContext } from '../support/app';
import { uploadDocument, writeForm } from '../../src/features/application-form/service';
import { loadFormContext } from '../../src/core/application/form-data';
import { listDocuments, MAX_DOCUMENTS_PER_APPLICATION } from '../../src/core/application/documents';
import { givenApplicationRow } from '../support/builders';

/** A small JPEG (its signature is what the upload checks), different each time. */
const jpeg = () =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), crypto.randomBytes(100), Buffer.from([0xff, 0xd9])]);

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where two saves really arrive at the same time. */
describe('two sections saved at the same moment (two tabs)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx.close());

  it.each([1, 2, 3])('keeps all three: no save overwrites another with the form as it was before (%i)', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const now = ctx.deps.clock.now();
    await ctx.deps.db('application').where({ id }).first('id'); // connections of the pool open before the race
    await Promise.all([
      writeForm(ctx.deps.db, id, now, (form) => ({
        form: { ...form, approver: { approverName: 'Marc Durand', approverEmail: 'marc.durand@acme.example', approverLanguage: 'fr' } },
      })),
      writeForm(ctx.deps.db, id, now, (form) => ({ form: { ...form, priority: { priority: 'normal' } } })),
      writeForm(ctx.deps.db, id, now, (form) => ({ form: { ...form, payment: { directDebit: 'no' } as never } })),
    ]);
    const saved = (await loadFormContext(ctx.deps.db, id))?.form;
    expect(saved?.approver?.approverName).toBe('Marc Durand');
    expect(saved?.priority?.priority).toBe('normal');
    expect(saved?.payment).toEqual({ directDebit: 'no' });
  });
});

describe('documents uploaded at the same moment', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx.close());

  it(`never go over the limit of ${MAX_DOCUMENTS_PER_APPLICATION} per application`, async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const now = ctx.deps.clock.now();
    const upload = () => uploadDocument(ctx.deps, id, { kind: 'other', buffer: jpeg(), originalName: 'scan.jpg' }, now);
    for (let i = 0; i < MAX_DOCUMENTS_PER_APPLICATION - 1; i++) expect((await upload()).ok).toBe(true);
    const results = await Promise.all([upload(), upload(), upload()]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([
      { ok: false, key: 'documents:errors.tooMany', params: { max: MAX_DOCUMENTS_PER_APPLICATION } },
      { ok: false, key: 'documents:errors.tooMany', params: { max: MAX_DOCUMENTS_PER_APPLICATION } },
    ]);
    expect(await listDocuments(ctx.deps.db, id)).toHaveLength(MAX_DOCUMENTS_PER_APPLICATION);
  });
});
