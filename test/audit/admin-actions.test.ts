import { createTestContext, getCsrf, signInAs, TestClock, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { verifyAuditChain, type AuditRow } from '../../src/core/audit/audit';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { validForm } from '../support/access-key-world';

/** Administrative actions write the hash-chained audit log: who, what, which object; no personal data. */
describe('audit log: administrative actions', () => {
  let ctx: TestContext;
  let account: number;
  let claire: { id: number; email: string };
  let paula: { id: number; email: string };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(new Date('2026-11-24T09:00:00Z')) });
    const db = ctx.deps.db;
    account = await givenAccount(db, {
      number: '00820400012',
      company_name: 'Acme Industries',
      payment_type: 'central',
      plastic_types: JSON.stringify(['corporate', 'gold']),
    });
    claire = await givenAdministrator(db, { email: 'claire@acme.example', display_name: 'Claire Martin' }, [account]);
    paula = await givenAdministrator(db, { email: 'paula@test.example', display_name: 'Paula Plateforme', role: 'platform' });
  });
  afterAll(() => ctx.close());

  async function post(agent: Agent, formUrl: string, url: string, body: Record<string, unknown>) {
    const token = await getCsrf(agent, formUrl);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: token, ...body });
  }
  const rowsOf = (action: string): Promise<AuditRow[]> => ctx.deps.db('audit_log').where({ action }).orderBy('id');

  it('records the creation and the edit of an access key with the actor and the key id', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, claire.email);
    const created = await post(agent, paths.admin.accessKeys.create, paths.admin.accessKeys.create, validForm({ accountId: String(account) }));
    expect(created.status).toBe(303);
    const key = await ctx.deps.db('access_key').where({ account_id: account }).whereNull('deleted_at').first();
    expect(key).toBeDefined();

    const [create] = await rowsOf('access_key.create');
    expect(create).toMatchObject({
      actor_type: 'admin',
      actor_id: claire.id,
      actor_email: 'claire@acme.example',
      object_type: 'access_key',
      object_id: String(key.id),
    });
    expect(JSON.parse(create!.details)).toEqual({ accountId: account });

    // A refused edit (validation error) writes nothing; the saved one is recorded.
    const refused = await post(agent, paths.admin.accessKeys.edit(key.id), paths.admin.accessKeys.edit(key.id), validForm({ name: '' }));
    expect(refused.status).toBe(400);
    expect(await rowsOf('access_key.update')).toHaveLength(0);
    const edited = await post(agent, paths.admin.accessKeys.edit(key.id), paths.admin.accessKeys.edit(key.id), validForm({ name: 'Direction achats' }));
    expect(edited.status).toBe(303);
    const updates = await rowsOf('access_key.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ actor_id: claire.id, object_type: 'access_key', object_id: String(key.id) });
    // Ids only: the key's name is not in the log.
    expect(updates[0]!.details).not.toContain('Direction');
  });

  it('records a controlled send with the application id, without the employee’s name or e-mail', async () => {
    // Another BC of Claire's (the first one already has its active key).
    const other = await givenAccount(ctx.deps.db, { number: '00820400044' });
    await ctx.deps.db('administrator_account').insert({ administrator_id: claire.id, account_id: other });
    const live = await givenAccessKey(ctx.deps.db, other, claire.id);
    const agent = await signInAs(ctx.app, ctx.deps, claire.email);
    const res = await post(agent, paths.admin.applications.initiate(live.id), paths.admin.applications.initiate(live.id), {
      priority: 'normal',
      title: 'mrs',
      firstName: 'Anne',
      lastName: 'Dupont',
      email: 'anne.dupont@acme.example',
      language: 'fr',
    });
    expect(res.status).toBe(303);
    const application = await ctx.deps.db('application').where({ email: 'anne.dupont@acme.example' }).first();
    const rows = await rowsOf('application.initiate');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: claire.id,
      actor_email: 'claire@acme.example',
      application_id: application.id,
      object_type: 'application',
      object_id: String(application.id),
    });
    const text = JSON.stringify(rows[0]);
    expect(text).not.toContain('anne.dupont');
    expect(text).not.toContain('Dupont');
  });

  it('records the deactivation and the reactivation of an administrator by the platform administrator', async () => {
    const leaving = await givenAdministrator(ctx.deps.db, { email: 'leaving@test.example', display_name: 'Leaving Soon' }, [account]);
    const platform = await signInAs(ctx.app, ctx.deps, paula.email);
    const res = await post(platform, paths.platform.administrators.deactivate(leaving.id), paths.platform.administrators.deactivate(leaving.id), {});
    expect(res.status).toBe(303);
    const rows = await rowsOf('administrator.deactivate');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_type: 'admin',
      actor_id: paula.id,
      actor_email: 'paula@test.example',
      object_type: 'administrator',
      object_id: String(leaving.id),
    });
    expect(rows[0]!.details).not.toContain('leaving');

    const back = await post(platform, paths.platform.administrators.list, paths.platform.administrators.reactivate(leaving.id), {});
    expect(back.status).toBe(303);
    expect(await rowsOf('administrator.reactivate')).toMatchObject([{ actor_id: paula.id, object_id: String(leaving.id) }]);
  });

  it('keeps the chain intact across all these entries', async () => {
    const verdict = await verifyAuditChain(ctx.deps.db);
    expect(verdict.ok).toBe(true);
    // sign-ins (dev) + key create + key update + initiate + deactivate + reactivate
    expect(verdict.count).toBeGreaterThanOrEqual(5);
  });
});
