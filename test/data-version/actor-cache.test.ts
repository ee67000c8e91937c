import request from 'supertest';
import { $, createTestContext, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { openDb, type Db } from '../../src/platform/db';
import { readDataVersion } from '../../src/core/data-version/repository';
import { VersionedCache } from '../../src/core/data-version/versioned-cache';

/**
 * The administrator of a request is kept per process under the `administrators` data version (issue 15): a change to
 * who they are or which BCs they act on counts from the very next request, whoever made it — this process, or another
 * instance / command-line tool on the same database (a second connection here). Runs on PostgreSQL with
 * TEST_DATABASE_URL.
 */
describe('the administrator of a request, kept under the data version', () => {
  let ctx: TestContext;
  let other: Db;
  const clock = new TestClock(new Date('2026-12-07T09:00:00Z'));
  const proxySecret = 'proxy-secret-of-the-actor-cache-tests';
  let acme: number;
  let beta: number;
  let claire: { id: number; email: string };

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_MODE: 'header', AUTH_PROXY_SECRET: proxySecret }, { clock });
    // "Another instance": its own connection to the same database.
    other = openDb({ dataDir: ctx.dataDir, databaseUrl: ctx.config.databaseUrl });
  });
  afterAll(async () => {
    await other.destroy();
    await ctx.close();
  });

  beforeEach(async () => {
    acme = await givenAccount(ctx.deps.db, { company_name: 'ACME Industries' });
    beta = await givenAccount(ctx.deps.db, { company_name: 'Beta Logistique' });
    claire = await givenAdministrator(ctx.deps.db, {}, [acme, beta]);
    await givenAccessKey(ctx.deps.db, acme, claire.id, { name: 'Clé ACME' });
    await givenAccessKey(ctx.deps.db, beta, claire.id, { name: 'Clé Beta' });
  });

  const keysPage = (email = claire.email) =>
    request(ctx.app).get('/admin/access-keys').set('x-forwarded-email', email).set('x-sesame-proxy-secret', proxySecret);

  /** The SQL statements one request runs. */
  async function statementsOf(run: () => PromiseLike<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const listen = (q: { sql: string }) => seen.push(q.sql);
    ctx.deps.db.on('query', listen);
    try {
      await run();
    } finally {
      ctx.deps.db.removeListener('query', listen);
    }
    return seen;
  }
  const readsAdministrator = (sql: string[]) => sql.some((s) => /from [`"]administrator[`"] as [`"]ad[`"]/.test(s));

  it('is read once, then served from the cache while nothing changes', async () => {
    expect((await keysPage()).text).toContain('Clé Beta');
    const again = await statementsOf(() => keysPage().expect(200));
    expect(readsAdministrator(again)).toBe(false);
  });

  it('a BC taken away by another instance is gone on the very next request', async () => {
    expect((await keysPage()).text).toContain('Clé Beta');
    await other('administrator_account').where({ administrator_id: claire.id, account_id: beta }).delete();
    const next = await keysPage();
    expect(next.text).toContain('Clé ACME');
    expect(next.text).not.toContain('Clé Beta');
  });

  it('a BC given in this process counts on the very next request', async () => {
    const gamma = await givenAccount(ctx.deps.db, { company_name: 'Gamma Transports' });
    await givenAccessKey(ctx.deps.db, gamma, claire.id, { name: 'Clé Gamma' });
    expect((await keysPage()).text).not.toContain('Clé Gamma');
    await ctx.deps.db('administrator_account').insert({ administrator_id: claire.id, account_id: gamma });
    expect((await keysPage()).text).toContain('Clé Gamma');
  });

  it('an administrator deactivated elsewhere is refused on the very next request', async () => {
    await keysPage().expect(200);
    await other('administrator').where({ id: claire.id }).update({ active: false });
    expect((await keysPage()).status).toBe(403);
  });

  it('an administrator created elsewhere after a refused request is known on the next one', async () => {
    expect((await keysPage('newcomer@test.example')).status).toBe(403);
    await givenAdministrator(other, { email: 'newcomer@test.example' }, [acme]);
    const next = await keysPage('newcomer@test.example');
    expect(next.status).toBe(200);
    expect(next.text).toContain('Clé ACME');
  });

  it('an absence recorded elsewhere delegates its BCs from the next request, and only on its days', async () => {
    const dora = await givenAdministrator(ctx.deps.db, {}, [acme]);
    expect((await keysPage(dora.email)).text).not.toContain('Clé Beta');
    await other('administrator_absence').insert({
      administrator_id: claire.id,
      delegate_id: dora.id,
      starts_on: '2026-12-07',
      ends_on: '2026-12-07',
      created_at: '2026-12-06T09:00:00.000Z',
    });
    expect((await keysPage(dora.email)).text).toContain('Clé Beta');
    // The next day (in the time zone) the absence is over: the kept copy of the 7th is not used on the 8th.
    clock.advanceDays(1);
    try {
      expect((await keysPage(dora.email)).text).not.toContain('Clé Beta');
    } finally {
      clock.advanceDays(-1);
    }
  });
});

describe('the keys of a summary, kept under the keys data version', () => {
  let ctx: TestContext;
  let other: Db;
  const proxySecret = 'proxy-secret-of-the-keys-cache-tests';
  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_MODE: 'header', AUTH_PROXY_SECRET: proxySecret });
    other = openDb({ dataDir: ctx.dataDir, databaseUrl: ctx.config.databaseUrl });
  });
  afterAll(async () => {
    await other.destroy();
    await ctx.close();
  });

  it('a key created or renamed by another instance shows on the very next request', async () => {
    const account = await givenAccount(ctx.deps.db);
    const another = await givenAccount(ctx.deps.db);
    const admin = await givenAdministrator(ctx.deps.db, {}, [account, another]);
    const summary = () => request(ctx.app).get('/admin/tracking').set('x-forwarded-email', admin.email).set('x-sesame-proxy-secret', proxySecret);
    await givenAccessKey(ctx.deps.db, account, admin.id, { name: 'Première clé' });
    expect((await summary()).text).toContain('Première clé');
    const second = await givenAccessKey(other, another, admin.id, { name: 'Deuxième clé' });
    expect((await summary()).text).toContain('Deuxième clé');
    await other('access_key').where({ id: second.id }).update({ name: 'Clé renommée' });
    const next = await summary();
    expect(next.text).toContain('Clé renommée');
    expect(next.text).not.toContain('Deuxième clé');
  });

  it('the approval queue’s key filter offers a key created elsewhere from the very next request', async () => {
    const account = await givenAccount(ctx.deps.db);
    const another = await givenAccount(ctx.deps.db);
    const admin = await givenAdministrator(ctx.deps.db, {}, [account, another]);
    const keyOptions = async () => {
      const res = await request(ctx.app).get('/admin/approvals').set('x-forwarded-email', admin.email).set('x-sesame-proxy-secret', proxySecret);
      expect(res.status).toBe(200);
      return $(res.text)('select[name="key"] option')
        .toArray()
        .map((o) => $(res.text)(o).text());
    };
    await givenAccessKey(ctx.deps.db, account, admin.id, { name: 'Clé du siège' });
    expect((await keyOptions()).join('|')).toContain('Clé du siège');
    await givenAccessKey(other, another, admin.id, { name: 'Clé de l’agence' });
    expect((await keyOptions()).join('|')).toContain('Clé de l’agence');
  });
});

describe('data versions', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it.each([
    ['administrator', async (db: Db) => void (await givenAdministrator(db))],
    ['administrator_account', async (db: Db) => void (await givenAdministrator(db, {}, [await givenAccount(db)]))],
    ['account', async (db: Db) => void (await db('account').update({ updated_at: '2026-12-07T10:00:00.000Z' }))],
    [
      'administrator_absence',
      async (db: Db) => {
        const a = await givenAdministrator(db);
        const b = await givenAdministrator(db);
        await db('administrator_absence').insert({
          administrator_id: a.id,
          delegate_id: b.id,
          starts_on: '2026-12-07',
          ends_on: '2026-12-08',
          created_at: '2026-12-07T09:00:00.000Z',
        });
        await db('administrator_absence').where({ administrator_id: a.id }).delete();
      },
    ],
  ])('a write to %s moves the administrators version', async (_table, write) => {
    const before = Number(await readDataVersion(ctx.deps.db, 'administrators'));
    await write(ctx.deps.db);
    expect(Number(await readDataVersion(ctx.deps.db, 'administrators'))).toBeGreaterThan(before);
  });

  it('a write to access_key moves the keys version, not the administrators one', async () => {
    const account = await givenAccount(ctx.deps.db);
    const admin = await givenAdministrator(ctx.deps.db, {}, [account]);
    const keys = Number(await readDataVersion(ctx.deps.db, 'keys'));
    const administrators = Number(await readDataVersion(ctx.deps.db, 'administrators'));
    await givenAccessKey(ctx.deps.db, account, admin.id);
    expect(Number(await readDataVersion(ctx.deps.db, 'keys'))).toBeGreaterThan(keys);
    expect(Number(await readDataVersion(ctx.deps.db, 'administrators'))).toBe(administrators);
  });

  it('a write that is rolled back leaves the version as it was', async () => {
    const before = await readDataVersion(ctx.deps.db, 'administrators');
    await expect(
      ctx.deps.db.transaction(async (trx) => {
        await givenAdministrator(trx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await readDataVersion(ctx.deps.db, 'administrators')).toBe(before);
  });

  describe('VersionedCache', () => {
    it('loads once per version, again after a write, and keeps frozen values', async () => {
      const cache = new VersionedCache<{ n: number; list: number[] }>(ctx.deps.db, 'administrators');
      let loads = 0;
      const load = async () => ({ n: ++loads, list: [loads] });
      expect((await cache.get('a', load)).n).toBe(1);
      const kept = await cache.get('a', load);
      expect(kept.n).toBe(1);
      expect(Object.isFrozen(kept) && Object.isFrozen(kept.list)).toBe(true);
      await givenAdministrator(ctx.deps.db);
      expect((await cache.get('a', load)).n).toBe(2);
      expect((await cache.get('a', load)).n).toBe(2);
    });

    it('keeps at most its number of entries, dropping the least recently used', async () => {
      const cache = new VersionedCache<string>(ctx.deps.db, 'administrators', 2);
      const loaded: string[] = [];
      const load = (key: string) => async () => (loaded.push(key), key);
      await cache.get('a', load('a'));
      await cache.get('b', load('b'));
      await cache.get('a', load('a'));
      await cache.get('c', load('c'));
      expect(cache.size).toBe(2);
      await cache.get('a', load('a'));
      await cache.get('b', load('b'));
      expect(loaded).toEqual(['a', 'b', 'c', 'b']);
    });
  });
});
