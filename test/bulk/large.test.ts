import { createTestContext, signInAs, getCsrf, csrfFrom, $, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { HEADERS_FR, rows, xlsxOf } from '../support/spreadsheets';

/** The volume: a 3,000-row workbook end to end through HTTP; 3,001 rows refused whole. */
describe('bulk send at full size', () => {
  let ctx: TestContext;
  let agent: Agent;
  let keyId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    const account = await givenAccount(ctx.deps.db);
    const admin = await givenAdministrator(ctx.deps.db, { email: 'alice@test.example' }, [account]);
    keyId = (await givenAccessKey(ctx.deps.db, account, admin.id)).id;
    agent = await signInAs(ctx.app, ctx.deps, admin.email, 'fr');
  });
  afterAll(() => ctx.close());

  const count = async (table: string) => Number((await ctx.deps.db(table).count({ n: '*' }).first())?.n);

  it('refuses a 3,001-row workbook whole', async () => {
    const token = await getCsrf(agent, paths.admin.bulk.start(keyId));
    const res = await agent
      .post(paths.admin.bulk.start(keyId))
      .field('_csrf', token)
      .attach('file', xlsxOf([HEADERS_FR, ...rows(3001)]), '3001.xlsx');
    expect(res.status).toBe(400);
    expect($(res.text)('#file-error').text()).toContain('plus de 3000 lignes');
    expect(await count('bulk_upload')).toBe(0);
    expect(await count('application')).toBe(0);
  });

  it('initiates 3,000 applications and queues 6,000 e-mails from a 3,000-row workbook', async () => {
    const token = await getCsrf(agent, paths.admin.bulk.start(keyId));
    const up = await agent
      .post(paths.admin.bulk.start(keyId))
      .field('_csrf', token)
      .attach('file', xlsxOf([HEADERS_FR, ...rows(3000)]), '3000.xlsx');
    expect(up.status).toBe(303);
    const preview = await agent.get(up.headers.location as string);
    expect($(preview.text)('[data-count="valid"]').text()).toBe('3\u202f000');
    const res = await agent
      .post(up.headers.location as string)
      .type('form')
      .send({ _csrf: csrfFrom(preview.text), action: 'validate' });
    expect(res.status).toBe(303);
    expect(await count('application')).toBe(3000);
    expect(await count('outbox')).toBe(6000);
    expect(await count('bulk_batch')).toBe(1);
    expect((await ctx.deps.db('bulk_batch').first()).row_count).toBe(3000);
    expect(new Set((await ctx.deps.db('application').select('reference')).map((r: { reference: string }) => r.reference)).size).toBe(3000);
  });
});
