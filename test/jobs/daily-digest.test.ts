import { openDb, type Db } from '../../src/platform/db';
import type { Deps } from '../../src/platform/deps';
import { dailyDigestJob, DIGEST_OLDEST, queueDailyDigests } from '../../src/jobs/daily-digest';
import { JOBS } from '../../src/jobs/registry';
import { createScheduler } from '../../src/jobs/scheduler';
import { createEmailRenderer } from '../../src/core/outbox/render';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplicationRow } from '../support/builders';

// 00:30 in Paris on 25 November 2026 (winter time: UTC+1).
const AT_0030 = new Date('2026-11-24T23:30:00Z');
let refSeq = 0;

/** A submitted application (pending approval unless told otherwise), created on 18 November. */
async function givenApplication(
  db: Db,
  input: {
    keyId: number;
    accountId: number;
    status?: string;
    priority?: 'normal' | 'urgent';
    origin?: string;
    initiatedBy?: number | null;
    submittedAt?: string;
    name?: [string, string];
  },
): Promise<number> {
  const submittedAt = input.submittedAt ?? '2026-11-20T10:00:00.000Z';
  const row = await givenApplicationRow(
    db,
    {
      reference: String(5000000000 + ++refSeq),
      origin: input.origin ?? 'controlled',
      initiated_by: input.initiatedBy ?? null,
      priority: input.priority ?? 'normal',
      status: input.status ?? 'pending_approval',
      ...(input.name ? { first_name: input.name[0], last_name: input.name[1] } : {}),
      submitted_at: submittedAt,
      status_changed_at: submittedAt,
      created_at: '2026-11-18T10:00:00.000Z',
      updated_at: '2026-11-20T10:00:00.000Z',
    },
    { id: input.keyId, accountId: input.accountId },
  );
  return row.id;
}

describe('the daily digest (e-mail 8)', () => {
  let ctx: TestContext;
  let clock: TestClock;
  beforeEach(async () => {
    clock = new TestClock(AT_0030);
    ctx = await createTestContext({}, { clock });
  });
  afterEach(() => ctx.close());

  const digests = () =>
    ctx.deps.db('outbox').where({ template: 'daily-digest' }).orderBy('recipient').select('idempotency_key', 'recipient', 'language', 'data');

  /** A BC with an administrator (initiator), the key's creator, and a key with one notification recipient. */
  async function givenKey(opts: { adminLanguage?: 'fr' | 'en'; recipients?: string[] } = {}) {
    const accountId = await givenAccount(ctx.deps.db);
    const initiator = await givenAdministrator(ctx.deps.db, { language: opts.adminLanguage ?? 'fr' }, [accountId]);
    const creator = await givenAdministrator(ctx.deps.db, {}, [accountId]);
    const key = await givenAccessKey(ctx.deps.db, accountId, creator.id, {
      notification_recipients: JSON.stringify(opts.recipients ?? ['finance@test.example']),
    });
    return { accountId, initiator, creator, keyId: key.id };
  }

  it('is registered as a daily job at 00:30', () => {
    expect(JOBS).toContain(dailyDigestJob);
    expect(dailyDigestJob.schedule).toEqual({ kind: 'daily', at: '00:30' });
  });

  it('at 00:30 sends one e-mail per recipient, with the counts, the oldest applications and a link to the queue', async () => {
    const k = await givenKey({ adminLanguage: 'en' });
    await givenApplication(ctx.deps.db, {
      ...k,
      initiatedBy: k.initiator.id,
      priority: 'urgent',
      submittedAt: '2026-11-19T09:00:00.000Z',
      name: ['Louis', 'Bernard'],
    });
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id, submittedAt: '2026-11-21T09:00:00.000Z' });
    // Self-service: the key's creator is told.
    await givenApplication(ctx.deps.db, { ...k, origin: 'self_service', submittedAt: '2026-11-22T09:00:00.000Z', name: ['Ana', 'Lopes'] });
    // Not pending: never counted.
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id, status: 'in_progress' });
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id, status: 'approved' });

    const scheduler = createScheduler(ctx.deps, [dailyDigestJob], { cron: false });
    const report = await scheduler.runDue(dailyDigestJob);
    await scheduler.stop();
    expect(report).toMatchObject({ slot: '2026-11-25', outcome: { ran: true, result: { recipients: 3, queued: 3 } } });

    const rows = await digests();
    const by = new Map(rows.map((r) => [r.recipient as string, r]));
    expect([...by.keys()].sort()).toEqual([k.creator.email, k.initiator.email, 'finance@test.example'].sort());
    expect(by.get(k.initiator.email)?.language).toBe('en');
    expect(by.get(k.creator.email)?.language).toBe('fr');
    expect(by.get('finance@test.example')?.language).toBe('fr');
    expect(by.get(k.initiator.email)?.idempotency_key).toBe(`daily-digest:${k.initiator.email}:2026-11-25`);
    const forInitiator = JSON.parse(by.get(k.initiator.email)?.data);
    expect(forInitiator).toMatchObject({ pendingCount: 2, urgentCount: 1, normalCount: 1, notListedCount: 0 });
    const forCreator = JSON.parse(by.get(k.creator.email)?.data);
    expect(forCreator).toMatchObject({ pendingCount: 1, urgentCount: 0, normalCount: 1 });
    expect(forCreator.oldest.map((o: { employeeName: string }) => o.employeeName)).toEqual(['Ana Lopes']);
    // The notification recipient hears about every pending application of the key, oldest first.
    const forFinance = JSON.parse(by.get('finance@test.example')?.data);
    expect(forFinance).toMatchObject({ pendingCount: 3, urgentCount: 1, normalCount: 2 });
    expect(forFinance.oldest.map((o: { employeeName: string }) => o.employeeName)).toEqual(['Louis Bernard', 'Zoé Martin', 'Ana Lopes']);

    const renderer = createEmailRenderer({ baseUrl: 'https://sesame.example.com' });
    const fr = renderer.render('daily-digest', 'fr', forFinance);
    expect(fr.subject).toBe('Demandes de carte en attente d’approbation : 3');
    expect(fr.text).toContain('Urgentes : 1\nNormales : 2');
    expect(fr.text).toMatch(/- 5\d{9} – Louis Bernard – Test Company \d+ \(clé Key \d+\) – signée le 19 novembre 2026 – urgente\n- 5\d{9} – Zoé Martin/);
    expect(fr.text).toContain('https://sesame.example.com/admin/approvals');
    expect(fr.html).toContain('href="https://sesame.example.com/admin/approvals"');
    const en = renderer.render('daily-digest', 'en', forInitiator);
    expect(en.subject).toBe('Card applications awaiting approval: 2');
  });

  it.each([
    ['fr', 'Demande Récente', 'signée le 23 novembre 2026 – en retard : délai d’approbation dépassé le 24 novembre 2026', 'Demande Ancienne'],
    ['en', 'Recent Application', 'signed on 23 November 2026 – overdue: the approval deadline ended on 24 November 2026', 'Old Application'],
  ] as const)('lists the overdue applications first, marked, then the oldest (issue 16 item 3, %s)', async (lang, recent, mark, older) => {
    const k = await givenKey({ adminLanguage: lang, recipients: [] });
    // A 1-business-day deadline: submitted on Monday 23 November, due on Tuesday 24, overdue on Wednesday 25.
    await ctx.deps.db('access_key').where({ id: k.keyId }).update({ approval_deadline_days: 1 });
    const k30 = await givenAccessKey(ctx.deps.db, k.accountId, k.creator.id, { approval_deadline_days: 30, deleted_at: '2026-11-20T00:00:00.000Z' });
    const name = (first: string, last: string): [string, string] => [first, last];
    const [rFirst, rLast] = recent.split(' ') as [string, string];
    const [oFirst, oLast] = older.split(' ') as [string, string];
    await givenApplication(ctx.deps.db, {
      keyId: k30.id,
      accountId: k.accountId,
      initiatedBy: k.initiator.id,
      submittedAt: '2026-11-02T09:00:00.000Z',
      name: name(oFirst, oLast),
    });
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id, submittedAt: '2026-11-23T09:00:00.000Z', name: name(rFirst, rLast) });
    await queueDailyDigests(ctx.deps, AT_0030);
    const row = (await digests()).find((r) => r.recipient === k.initiator.email);
    const data = JSON.parse(row?.data);
    expect(data.oldest.map((o: { employeeName: string; overdue: boolean }) => [o.employeeName, o.overdue])).toEqual([
      [recent, true],
      [older, false],
    ]);
    const text = createEmailRenderer({ baseUrl: 'https://sesame.example.com' }).render('daily-digest', lang, data).text;
    const lines = text.split('\n').filter((l) => l.startsWith('- 5'));
    expect(lines[0]).toContain(recent);
    expect(lines[0]).toContain(mark);
    expect(lines[1]).toContain(older);
    expect(lines[1]).not.toContain(lang === 'fr' ? 'en retard' : 'overdue');
  });

  it('sends nothing when no application is pending', async () => {
    const k = await givenKey();
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id, status: 'invited' });
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id, status: 'awaiting_additional_approval' });
    expect(await queueDailyDigests(ctx.deps, AT_0030)).toEqual({ recipients: 0, queued: 0 });
    expect(await digests()).toHaveLength(0);
  });

  it('covers all the keys of a recipient in one e-mail, and lists only the oldest', async () => {
    const admin = await givenAdministrator(ctx.deps.db, { email: 'multi@test.example' });
    for (let i = 0; i < 2; i++) {
      const accountId = await givenAccount(ctx.deps.db);
      await ctx.deps.db('administrator_account').insert({ administrator_id: admin.id, account_id: accountId });
      const key = await givenAccessKey(ctx.deps.db, accountId, admin.id);
      for (let j = 0; j < 4; j++) {
        await givenApplication(ctx.deps.db, {
          keyId: key.id,
          accountId,
          initiatedBy: admin.id,
          priority: j === 0 ? 'urgent' : 'normal',
          submittedAt: `2026-11-${String(10 + i * 4 + j).padStart(2, '0')}T09:00:00.000Z`,
        });
      }
    }
    await queueDailyDigests(ctx.deps, AT_0030);
    const rows = await digests();
    expect(rows).toHaveLength(1);
    const data = JSON.parse(rows[0].data);
    expect(data).toMatchObject({ pendingCount: 8, urgentCount: 2, normalCount: 6, notListedCount: 8 - DIGEST_OLDEST });
    expect(data.oldest.map((o: { signedOn: string }) => o.signedOn)).toEqual([
      '10 novembre 2026',
      '11 novembre 2026',
      '12 novembre 2026',
      '13 novembre 2026',
      '14 novembre 2026',
    ]);
    expect(data.oldestList.split('\n')).toHaveLength(DIGEST_OLDEST);
  });

  it('leaves out an initiator who was deactivated or no longer manages the BC', async () => {
    const k = await givenKey({ recipients: [] });
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id });
    await ctx.deps.db('administrator').where({ id: k.initiator.id }).update({ active: false });
    const other = await givenKey({ recipients: [] });
    await givenApplication(ctx.deps.db, { ...other, initiatedBy: other.initiator.id });
    await ctx.deps.db('administrator_account').where({ administrator_id: other.initiator.id }).delete();
    expect(await queueDailyDigests(ctx.deps, AT_0030)).toEqual({ recipients: 0, queued: 0 });
  });

  it('runs once a day with two app instances on the same database file', async () => {
    const k = await givenKey();
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id });
    const otherDb = openDb({ dataDir: ctx.dataDir, databaseUrl: ctx.config.databaseUrl });
    try {
      const other: Deps = { ...ctx.deps, db: otherDb };
      const one = createScheduler(ctx.deps, [dailyDigestJob], { cron: false, owner: 'instance-1' });
      const two = createScheduler(other, [dailyDigestJob], { cron: false, owner: 'instance-2' });
      const reports = await Promise.all([one.runDue(dailyDigestJob), two.runDue(dailyDigestJob)]);
      await Promise.all([one.stop(), two.stop()]);
      expect(reports.filter((r) => r.outcome.ran)).toHaveLength(1);
      // Even a second run of the slot's work (a crash between queueing and marking the slot) queues nothing more.
      expect(await queueDailyDigests(other, new Date(AT_0030.getTime() + 60_000))).toMatchObject({ queued: 0 });
    } finally {
      await otherDb.destroy();
    }
    const rows = await digests();
    expect(rows.map((r) => r.recipient).sort()).toEqual([k.initiator.email, 'finance@test.example'].sort());
    expect(await ctx.deps.db('job_run').where({ job: 'daily-digest' }).select('slot')).toEqual([{ slot: '2026-11-25' }]);
  });

  it('is sent once after a restart that missed 00:30, and not again at the next restart that day', async () => {
    const k = await givenKey({ recipients: [] });
    await givenApplication(ctx.deps.db, { ...k, initiatedBy: k.initiator.id });
    // Down from 00:00 to 09:00: the first start catches the missed digest up.
    clock.current = new Date('2026-11-25T08:00:00Z');
    const first = createScheduler(ctx.deps, [dailyDigestJob], { cron: false });
    first.start();
    await first.idle();
    await first.stop();
    expect(await digests()).toHaveLength(1);

    clock.current = new Date('2026-11-25T15:00:00Z');
    const second = createScheduler(ctx.deps, [dailyDigestJob], { cron: false });
    second.start();
    await second.idle();
    await second.stop();
    expect(await digests()).toHaveLength(1);

    // The next day's 00:30 sends the next one.
    clock.current = new Date('2026-11-25T23:30:00Z');
    const third = createScheduler(ctx.deps, [dailyDigestJob], { cron: false });
    await third.runDue(dailyDigestJob);
    await third.stop();
    expect((await digests()).map((r) => r.idempotency_key)).toEqual([
      `daily-digest:${k.initiator.email}:2026-11-25`,
      `daily-digest:${k.initiator.email}:2026-11-26`,
    ]);
  });
});
