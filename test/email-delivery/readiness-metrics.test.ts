import request from 'supertest';
import { createTestContext, productionEnv, signInAs, TestClock, type TestContext } from '../support/app';
import { givenApplication, givenKey } from '../support/builders';
import { backgroundWorkers } from '../../src/server';
import type { OutboxDispatcher } from '../../src/core/outbox/dispatcher';
import type { BackgroundWorker } from '../../src/platform/background-worker';
import { paths } from '../../src/platform/paths';
import { TestSmtpServer } from '../outbox/smtp-support';

const MINUTE = 60_000;

/** The value of one sample of the Prometheus text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/readyz and /metrics during an SMTP outage (real SMTP server)', () => {
  const smtp = new TestSmtpServer();
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
  let ctx: TestContext;
  let workers: BackgroundWorker[];
  let outbox: OutboxDispatcher;
  let key: Awaited<ReturnType<typeof givenKey>>;

  beforeAll(async () => {
    await smtp.start();
    ctx = await createTestContext({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://sesame.example.com' }, { clock });
    // The process's own workers, as server.ts builds them: the dispatcher reports to /metrics.
    workers = backgroundWorkers(ctx.deps);
    outbox = workers.find((w) => w.name === 'outbox') as OutboxDispatcher;
    key = await givenKey(ctx.deps.db);
  });
  afterAll(async () => {
    await outbox.stop();
    await smtp.stop();
    await ctx.close();
  });

  const ready = () => request(ctx.app).get(paths.ready);
  const metrics = async () => (await request(ctx.app).get(paths.metrics)).text;
  const advance = (ms: number) => (clock.current = new Date(clock.current.getTime() + ms));

  it('says ready while mail flows, degraded after 15 minutes of failures with none delivered, ready again once it flows', async () => {
    await givenApplication(ctx.deps.db, key, { email: 'first@example.test' }, clock.now());
    expect(await outbox.runOnce()).toMatchObject({ sent: 2 });
    expect((await ready()).body).toEqual({ status: 'ready' });

    await smtp.stop();
    await givenApplication(ctx.deps.db, key, { email: 'second@example.test' }, clock.now());
    expect(await outbox.runOnce()).toMatchObject({ retried: 2 });
    // Failing, but not for 15 minutes yet (and an e-mail was delivered just now).
    expect((await ready()).body).toEqual({ status: 'ready' });

    advance(14 * MINUTE);
    expect(await outbox.runOnce()).toMatchObject({ retried: 2 });
    expect((await ready()).body).toEqual({ status: 'ready' });

    advance(2 * MINUTE);
    expect(await outbox.runOnce()).toMatchObject({ retried: 2 });
    const degraded = await ready();
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', failing: 2, failingSince: '2026-11-24T09:00:00.000Z' });
    expect(degraded.body.reason).toContain('e-mail delivery failing for more than 15 minutes');

    const during = await metrics();
    expect(sample(during, 'sesame_outbox_rows', 'state="pending"')).toBe(2);
    expect(sample(during, 'sesame_outbox_rows', 'state="sent"')).toBe(2);
    expect(sample(during, 'sesame_outbox_rows', 'state="dead"')).toBe(0);
    expect(sample(during, 'sesame_outbox_oldest_pending_age_seconds')).toBe(16 * 60);
    expect(sample(during, 'sesame_outbox_failures_total', 'template="invitation-link",outcome="retried"')).toBe(3);
    expect(sample(during, 'sesame_outbox_sent_total', 'template="invitation-link"')).toBe(1);

    await smtp.start();
    advance(5 * MINUTE); // past the next attempt (backoff after 3 failures: 2 minutes)
    expect(await outbox.runOnce()).toMatchObject({ sent: 2 });
    expect((await ready()).body).toEqual({ status: 'ready' });
    const after = await metrics();
    expect(sample(after, 'sesame_outbox_rows', 'state="pending"')).toBe(0);
    expect(sample(after, 'sesame_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(sample(after, 'sesame_outbox_sent_total', 'template="invitation-link"')).toBe(2);
    expect(smtp.received.map((m) => m.to).sort()).toEqual(['first@example.test', 'first@example.test', 'second@example.test', 'second@example.test']);
  });

  it('answers 503 only when the database does not answer', async () => {
    const other = await createTestContext();
    await other.deps.db.destroy();
    const res = await request(other.app).get(paths.ready);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable' });
  });
});

describe('/metrics content', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.deps.db('job_run').insert({
      job: 'daily-digest',
      slot: '2026-11-24',
      owner: 'test',
      started_at: '2026-11-24T07:00:00.000Z',
      lease_until: '2026-11-24T07:00:05.000Z',
      finished_at: '2026-11-24T07:00:05.000Z',
      result: '{}',
    });
    await ctx.deps.db('job_run').insert({
      job: 'send-reminders',
      slot: '2026-11-24',
      owner: 'test',
      started_at: '2026-11-24T08:00:00.000Z',
      lease_until: '1970-01-01T00:00:00.000Z',
      finished_at: null,
      result: '{"error":"boom"}',
    });
  });
  afterAll(() => ctx.close());

  it('gives each job’s last success, request durations by route pattern, and the process metrics', async () => {
    await request(ctx.app).get(paths.health).expect(200);
    await request(ctx.app).get(paths.admin.applications.show(123)); // not signed in: sent to the sign-in page
    await request(ctx.app).get('/no/such/page').expect(404);
    const res = await request(ctx.app).get(paths.metrics);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(sample(res.text, 'sesame_job_last_success_timestamp_seconds', 'job="daily-digest"')).toBe(Date.parse('2026-11-24T07:00:05.000Z') / 1000);
    // A failed run is no success.
    expect(res.text).not.toContain('job="send-reminders"');
    expect(sample(res.text, 'sesame_http_request_duration_seconds_count', 'method="GET",route="/healthz",status="200"')).toBe(1);
    expect(res.text).toMatch(/sesame_http_request_duration_seconds_count\{method="GET",route="\/admin\/applications\/:id",status="30\d"\} 1/);
    expect(sample(res.text, 'sesame_http_request_duration_seconds_count', 'method="GET",route="unmatched",status="404"')).toBe(1);
    for (const state of ['pending', 'sending', 'sent', 'dead', 'expired']) expect(sample(res.text, 'sesame_outbox_rows', `state="${state}"`)).toBe(0);
    expect(res.text).toContain('process_resident_memory_bytes');
    // No personal data, no ids: the route pattern only.
    expect(res.text).not.toContain('/admin/applications/123');
  });

  it('is not a page: no session cookie', async () => {
    const res = await request(ctx.app).get(paths.metrics);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('/metrics restriction', () => {
  it('with METRICS_TOKEN, requires it as a bearer token', async () => {
    const ctx = await createTestContext({ METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      const none = await request(ctx.app).get(paths.metrics);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.text).not.toContain('sesame_');
      expect((await request(ctx.app).get(paths.metrics).set('Authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
      const ok = await request(ctx.app).get(paths.metrics).set('Authorization', 'Bearer metrics-token-0123456789');
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('sesame_outbox_rows');
    } finally {
      await ctx.close();
    }
  });

  it('without METRICS_TOKEN in production, does not exist (404), while /healthz and /readyz answer', async () => {
    const ctx = await createTestContext(productionEnv());
    try {
      const res = await request(ctx.app).get(paths.metrics);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('sesame_');
      expect((await request(ctx.app).get(paths.health)).status).toBe(200);
      expect((await request(ctx.app).get(paths.ready)).status).toBe(200);
    } finally {
      await ctx.close();
    }
  });

  it('in production with METRICS_TOKEN, serves it to the token only', async () => {
    const ctx = await createTestContext({ ...productionEnv(), METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      expect((await request(ctx.app).get(paths.metrics)).status).toBe(401);
      expect((await request(ctx.app).get(paths.metrics).set('Authorization', 'Bearer metrics-token-0123456789')).status).toBe(200);
    } finally {
      await ctx.close();
    }
  });

  it('is not for signed-in administrators either: the same rule applies', async () => {
    const ctx = await createTestContext({ METRICS_TOKEN: 'metrics-token-0123456789' });
    try {
      await ctx.deps.db('administrator').insert({
        email: 'root@test.example',
        display_name: 'Root',
        role: 'platform',
        language: 'fr',
        active: true,
        created_at: '2026-11-24T09:00:00Z',
        updated_at: '2026-11-24T09:00:00Z',
      });
      const agent = await signInAs(ctx.app, ctx.deps, 'root@test.example');
      expect((await agent.get(paths.metrics)).status).toBe(401);
    } finally {
      await ctx.close();
    }
  });
});
