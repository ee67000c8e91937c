import request from 'supertest';
import { recordAudit } from '../../src/core/audit/audit';
import { paths } from '../../src/platform/paths';
import { createTestContext, signInAs, $, type TestContext } from '../support/app';
import { freshDatabase, type FreshDatabase } from '../support/database';
import { givenAccount, givenAdministrator, givenInvitedApplication } from '../support/builders';

describe('the audit log page (/platform/audit)', () => {
  let ctx: TestContext;
  let database: FreshDatabase;
  let applicationId: number;
  let reference: string;

  beforeAll(async () => {
    database = await freshDatabase(); // PostgreSQL when TEST_DATABASE_URL is set
    ctx = await createTestContext({ DATABASE_URL: database.url });
    const accountId = await givenAccount(ctx.deps.db);
    await givenAdministrator(ctx.deps.db, { email: 'platform@test.example', role: 'platform' });
    await givenAdministrator(ctx.deps.db, { email: 'plain@test.example' }, [accountId]);
    ({ id: applicationId, reference } = await givenInvitedApplication(ctx.deps.db, new Date('2026-11-20T10:00:00Z')));
    // 120 views by one administrator on 21 November, then two other actions on 23 November
    for (let i = 0; i < 120; i++) {
      await recordAudit(ctx.deps.db, {
        at: new Date(Date.UTC(2026, 10, 21, 8, 0, i)),
        actor: { type: 'admin', id: 1, email: 'viewer@test.example' },
        action: 'application.view',
        applicationId: i === 0 ? applicationId : 999000 + i,
        ip: '198.51.100.1',
      });
    }
    await recordAudit(ctx.deps.db, {
      at: new Date('2026-11-23T10:00:00Z'),
      actor: { type: 'admin', id: 2, email: 'exporter@test.example' },
      action: 'tracking.export',
      details: { format: 'xlsx', rows: 12 },
    });
    await recordAudit(ctx.deps.db, { at: new Date('2026-11-23T23:30:00Z'), actor: { type: 'system' }, action: 'application.purge', applicationId });
  });
  afterAll(async () => {
    await ctx.close();
    await database.drop();
  });

  const rowsOf = (html: string) => $(html)('#audit-log tbody tr');

  it('is refused to a program administrator (403) and asks a signed-out visitor to sign in', async () => {
    const plain = await signInAs(ctx.app, ctx.deps, 'plain@test.example');
    expect((await plain.get(paths.platform.audit)).status).toBe(403);
    expect($((await plain.get(paths.admin.home)).text)(`nav.tabs a[href="${paths.platform.audit}"]`)).toHaveLength(0);
    const anonymous = await request(ctx.app).get(paths.platform.audit);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toContain(paths.auth.signIn);
  });

  it('shows the newest entries first, 50 a page, with pagination', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, 'platform@test.example', 'en');
    const first = await agent.get(paths.platform.audit);
    expect(first.status).toBe(200);
    const page = $(first.text);
    expect(page('h1').text()).toBe('Audit log');
    expect(page('nav.tabs a[aria-current="page"]').text()).toBe('Audit log');
    // the platform administrator's own sign-in is the newest entry
    expect(rowsOf(first.text)).toHaveLength(50);
    expect(rowsOf(first.text).first().text()).toContain('admin.sign_in');
    const total = Number((await ctx.deps.db('audit_log').count<{ n: number }[]>({ n: '*' }))[0]?.n);
    expect(total).toBeGreaterThan(122);
    expect(page('.list-count').text()).toContain(`of ${total} `);
    const last = await agent.get(`${paths.platform.audit}?page=3`);
    expect(rowsOf(last.text)).toHaveLength(total - 100);
    expect(rowsOf(last.text).last().text()).toContain('viewer@test.example');
    expect($(last.text)(`a[href="${paths.admin.applications.show(applicationId)}"]`).text()).toBe(reference);
  });

  it('filters by action, by actor e-mail, by application reference and by date range (days in Paris)', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, 'platform@test.example', 'fr');
    const byAction = await agent.get(`${paths.platform.audit}?action=tracking.export`);
    expect(rowsOf(byAction.text)).toHaveLength(1);
    expect(rowsOf(byAction.text).text()).toContain('exporter@test.example');
    expect(rowsOf(byAction.text).text()).toContain('"format":"xlsx"');
    expect($(byAction.text)('#action option[selected]').val()).toBe('tracking.export');

    const byActor = await agent.get(`${paths.platform.audit}?actor=EXPORTER@`);
    expect(rowsOf(byActor.text)).toHaveLength(1);

    const byReference = await agent.get(`${paths.platform.audit}?application=${reference.slice(0, 5)}%20${reference.slice(5)}`);
    expect(rowsOf(byReference.text)).toHaveLength(2);
    expect(rowsOf(byReference.text).first().text()).toContain('Sésame (automatique)');
    const byId = await agent.get(`${paths.platform.audit}?application=${applicationId}`);
    expect(rowsOf(byId.text)).toHaveLength(2);

    // 23:30 UTC on the 23rd is the 24th in Paris
    const day23 = await agent.get(`${paths.platform.audit}?from=2026-11-23&to=2026-11-23`);
    expect(rowsOf(day23.text)).toHaveLength(1);
    expect(rowsOf(day23.text).text()).toContain('tracking.export');
    const range = await agent.get(`${paths.platform.audit}?from=2026-11-21&to=2026-11-24&action=application.view`);
    expect($(range.text)('.list-count').text()).toContain('120');
    // the filters travel in the pagination links
    expect($(range.text)('.pagination a[rel="next"]').attr('href')).toContain('action=application.view');
    expect($(range.text)('.pagination a[rel="next"]').attr('href')).toContain('from=2026-11-21');
  });

  it('says when nothing matches, and rejects a malformed filter with an error summary (400)', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, 'platform@test.example', 'en');
    const none = await agent.get(`${paths.platform.audit}?actor=nobody`);
    expect(none.status).toBe(200);
    expect(none.text).toContain('No entry matches these filters.');
    const unknownReference = await agent.get(`${paths.platform.audit}?application=1234567897`);
    expect(rowsOf(unknownReference.text)).toHaveLength(0);

    const bad = await agent.get(`${paths.platform.audit}?from=2026-02-30&to=2026-01-01&application=12AB`);
    expect(bad.status).toBe(400);
    const page = $(bad.text);
    expect(page('title').text()).toMatch(/^Error:/);
    expect(page('.error-summary a[href="#from"]').text()).toBe('Enter a real date');
    expect(page('#application-error').text()).toContain('Enter a 10-digit reference number');
    expect(page('#from').val()).toBe('2026-02-30');
    expect(rowsOf(bad.text)).toHaveLength(0);
  });
});

describe('the dev sign-in', () => {
  it('records admin.sign_in with who, when and from where', async () => {
    const ctx = await createTestContext();
    try {
      const admin = await givenAdministrator(ctx.deps.db, { email: 'claire@test.example' });
      await signInAs(ctx.app, ctx.deps, 'claire@test.example');
      const rows = await ctx.deps.db('audit_log').where({ action: 'admin.sign_in' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actor_type: 'admin',
        actor_id: admin.id,
        actor_email: 'claire@test.example',
        object_type: 'administrator',
        object_id: String(admin.id),
      });
      expect(rows[0].ip).toBeTruthy();
      expect(Math.abs(Date.parse(rows[0].at) - Date.now())).toBeLessThan(60000);
    } finally {
      await ctx.close();
    }
  });
});
