import { createTestContext, type TestContext } from '../support/app';
import { countOf } from '../support/database';
import { deleteAccessKey } from '../../src/features/access-keys/service';
import { BulkRefused, receiveUpload, validateUpload, type BulkActor } from '../../src/features/bulk/service';
import { findKey } from '../../src/features/bulk/repository';
import type { Actor } from '../../src/core/administrators/repository';
import { NotFoundError } from '../../src/lib/errors';
import { givenKey } from '../support/builders';
import { HEADERS_FR, csvOf, rows } from '../support/spreadsheets';

/** Runs on PostgreSQL too with TEST_DATABASE_URL, where two requests really run at the same time. */
describe('bulk send under simultaneous requests', () => {
  let ctx: TestContext;
  const now = new Date('2026-11-25T09:00:00Z');
  const file = { buffer: csvOf([HEADERS_FR, ...rows(3)]), name: 'demandes.csv' };

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  async function givenBulkKey() {
    const given = await givenKey(ctx.deps.db);
    const actor: BulkActor = { id: given.adminId, accountIds: [given.accountId] };
    const key = (await findKey(ctx.deps.db, given.id, actor.accountIds))!;
    return { key, actor, admin: { id: given.adminId, email: given.adminEmail } };
  }

  const validate = (actor: BulkActor, uploadId: number) => validateUpload(ctx.deps, actor, uploadId, { rows: {}, urgentTermsAccepted: false }, now);

  it('creates each employee’s application once when the same file, uploaded in two tabs, is validated in both at once', async () => {
    const { key, actor } = await givenBulkKey();
    const first = await receiveUpload(ctx.deps, actor, key, file, now);
    const second = await receiveUpload(ctx.deps, actor, key, file, now);
    const results = await Promise.allSettled([validate(actor, first), validate(actor, second)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(BulkRefused);
    expect((refused?.reason as BulkRefused).key).toBe('bulk:preview.errors.nothingValid');
    expect(await countOf(ctx.deps.db('application').where({ access_key_id: key.id }))).toBe(3);
    expect(await countOf(ctx.deps.db('bulk_batch').where({ access_key_id: key.id }))).toBe(1);
  });

  it('never leaves a deleted key with open applications when a file is validated as the key is deleted', async () => {
    const { key, actor, admin } = await givenBulkKey();
    const upload = await receiveUpload(ctx.deps, actor, key, file, now);
    const administrator: Actor = {
      id: admin.id,
      email: admin.email,
      displayName: 'Admin',
      role: 'admin',
      language: 'fr',
      active: true,
      accountIds: actor.accountIds,
      isPlatform: false,
    };
    const [validated, deleted] = await Promise.allSettled([validate(actor, upload), deleteAccessKey(ctx.deps.db, administrator, key.id, now)]);
    const keyRow = await ctx.deps.db('access_key').where({ id: key.id }).first('deleted_at');
    const created = await countOf(ctx.deps.db('application').where({ access_key_id: key.id }));
    if (deleted.status === 'fulfilled') {
      expect(validated.status === 'rejected' && validated.reason).toBeInstanceOf(NotFoundError);
      expect(created).toBe(0);
    } else {
      expect(validated.status).toBe('fulfilled');
      expect(keyRow.deleted_at).toBeNull();
      expect(created).toBe(3);
    }
  });
});
