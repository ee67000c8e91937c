import type { Knex } from 'knex';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { openDb } from '../../src/platform/db';
import { createInvitedApplications, type NewApplication } from '../../src/core/application/create';
import { enqueueEmails, type EmailToQueue } from '../../src/core/outbox/enqueue';
import {
  createOutboxDispatcher,
  messageIdFor,
  retryDelayMs,
  classifySendError,
  LEASE_MS as DEFAULT_LEASE_MS,
  type OutboxDispatcher,
} from '../../src/core/outbox/dispatcher';
import { createSmtpTransport, type MailTransport } from '../../src/core/outbox/transport';
import { installationId, type OutboxRow } from '../../src/core/outbox/repository';
import { freshDatabase } from '../support/database';
import { TestSmtpServer } from './smtp-support';
import { waitFor } from '../support/wait';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const LEASE_MS = 5 * MINUTE;

describe('outbox dispatcher over real SMTP', () => {
  const smtp = new TestSmtpServer();
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
  let ctx: TestContext;
  let transport: MailTransport;
  let dispatcher: OutboxDispatcher;
  let key: { id: number; number: string; accountId: number };
  let seq = 0;

  const rows = (): Promise<OutboxRow[]> => ctx.deps.db('outbox').orderBy('id');
  const row = async (id: number): Promise<OutboxRow> => (await ctx.deps.db('outbox').where({ id }).first()) as OutboxRow;
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  function newDispatcher(opts: Parameters<typeof createOutboxDispatcher>[2] = {}, t: MailTransport = transport, db: Knex = ctx.deps.db) {
    return createOutboxDispatcher({ ...ctx.deps, db }, t, { leaseMs: LEASE_MS, random: () => 0, ...opts });
  }

  async function invite(items: Partial<NewApplication>[]) {
    return ctx.deps.db.transaction((trx) =>
      createInvitedApplications(
        trx,
        items.map((i) => ({
          accessKey: key,
          origin: 'controlled',
          priority: 'normal',
          email: `person${++seq}@example.test`,
          language: 'fr',
          firstName: 'Zoé',
          lastName: 'Martin',
          title: 'ms',
          ...i,
        })),
        clock.now(),
      ),
    );
  }

  async function queue(emails: Partial<EmailToQueue>[]): Promise<number[]> {
    await ctx.deps.db.transaction((trx) =>
      enqueueEmails(
        trx,
        emails.map((e) => ({
          idempotencyKey: `test:${++seq}`,
          template: 'invitation-key',
          to: `person${seq}@example.test`,
          language: 'en',
          data: { accessKey: 'AB12CD34', firstName: 'A', lastName: 'B', title: '' },
          ...e,
        })),
        clock.now(),
      ),
    );
    const ids = await ctx.deps.db('outbox').orderBy('id', 'desc').limit(emails.length).pluck('id');
    return ids.reverse();
  }

  beforeAll(async () => {
    await smtp.start();
    ctx = await createTestContext(
      { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://sesame.example.com', MAIL_FROM: 'Sésame <no-reply@sesame.example.com>' },
      { clock },
    );
    const accountId = await givenAccount(ctx.deps.db);
    const admin = await givenAdministrator(ctx.deps.db, {}, [accountId]);
    const k = await givenAccessKey(ctx.deps.db, accountId, admin.id);
    key = { ...k, accountId };
  });

  beforeEach(async () => {
    smtp.received = [];
    smtp.rejectRcpt = () => undefined;
    smtp.rejectConnect = () => undefined;
    smtp.rejectMailFrom = () => undefined;
    await ctx.deps.db('outbox').delete();
    transport = createSmtpTransport(ctx.config.mail, { connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 5000 });
    dispatcher = newDispatcher();
  });

  afterEach(async () => {
    await transport.close();
  });

  afterAll(async () => {
    await smtp.stop();
    await ctx.close();
  });

  it('delivers the two invitation e-mails in the recipient’s language, with the reference in one and the key in the other', async () => {
    const [fr, en] = await invite([
      { email: 'zoe.martin@example.test', language: 'fr' },
      { email: 'john.smith@example.test', language: 'en', firstName: 'John', lastName: 'Smith' },
    ]);
    const summary = await dispatcher.runOnce();
    expect(summary).toMatchObject({ claimed: 4, sent: 4, retried: 0, dead: 0 });
    expect(smtp.received).toHaveLength(4);

    const check = (address: string, reference: string, lang: 'fr' | 'en') => {
      const mails = smtp.to(address);
      expect(mails).toHaveLength(2);
      const link = mails.find((m) => (m.parsed.text ?? '').includes(reference));
      const keyMail = mails.find((m) => m !== link);
      if (!link || !keyMail) throw new Error('missing e-mail');
      // e-mail 1: absolute link with the reference, the reference shown, never the key
      const entry = `https://sesame.example.com/access?ref=${reference}`;
      expect(link.parsed.text).toContain(entry);
      expect(link.parsed.html).toContain(`href="${entry}"`);
      expect(link.parsed.text).not.toContain(key.number);
      expect(link.parsed.headers.get('content-language')).toBe(lang);
      expect(link.parsed.subject).toBe(
        lang === 'fr' ? 'Votre demande de carte Corporate : lien et numéro de référence' : 'Your corporate card application: link and reference number',
      );
      // e-mail 2: the key and the plain entry URL, never the reference
      expect(keyMail.parsed.text).toContain(key.number);
      expect(keyMail.parsed.text).toContain('https://sesame.example.com/access\n');
      expect(keyMail.parsed.text).not.toContain(reference);
      expect(keyMail.parsed.html).not.toContain(reference);
      expect(keyMail.parsed.subject).toBe(lang === 'fr' ? 'Votre demande de carte Corporate : clé d’accès' : 'Your corporate card application: access key');
      expect(keyMail.parsed.from?.text).toContain('no-reply@sesame.example.com');
      expect(keyMail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    };
    check('zoe.martin@example.test', fr!.reference, 'fr');
    check('john.smith@example.test', en!.reference, 'en');
    expect(
      smtp
        .to('zoe.martin@example.test')
        .map((m) => m.parsed.text)
        .join(),
    ).toContain('Bonjour Zoé Martin,');
    expect(
      smtp
        .to('john.smith@example.test')
        .map((m) => m.parsed.text)
        .join(),
    ).toContain('Hello John Smith,');

    // Message-ID derived from the idempotency key; the rendered message is kept on the row
    const stored = await rows();
    const installation = await installationId(ctx.deps.db);
    for (const r of stored) {
      expect(r.status).toBe('sent');
      expect(r.message_id).toBe(messageIdFor(installation, r.idempotency_key, ctx.config.mail.from));
      expect(smtp.received.filter((m) => m.messageId === r.message_id)).toHaveLength(1);
      expect(r.subject && r.html && r.text).toBeTruthy();
      expect(r.sent_at).toBe(clock.now().toISOString());
      expect(r.lease_owner).toBeNull();
    }
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(4);
  });

  it('keeps e-mails queued while the SMTP server is down and delivers each exactly once when it is back', async () => {
    await invite([{ email: 'a@example.test' }, { email: 'b@example.test', origin: 'self_service' }]);
    await smtp.stop();
    try {
      const first = await dispatcher.runOnce();
      expect(first).toMatchObject({ claimed: 3, sent: 0, retried: 3, dead: 0 });
      for (const r of await rows()) {
        expect(r.status).toBe('pending');
        expect(r.attempts).toBe(1);
        expect(r.next_attempt_at).toBe(later(30_000).toISOString());
        expect(r.last_error).toMatch(/^E[A-Z]+$/);
        expect(r.last_error).not.toContain('@');
        expect(r.lease_owner).toBeNull();
      }
      // not due yet: nothing is tried
      expect(await dispatcher.runOnce(later(10_000))).toMatchObject({ claimed: 0 });
    } finally {
      await smtp.start();
    }
    const second = await dispatcher.runOnce(later(31_000));
    expect(second).toMatchObject({ claimed: 3, sent: 3 });
    expect(smtp.received).toHaveLength(3);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(3);
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
      ['sent', 2],
    ]);
    expect(await dispatcher.runOnce(later(24 * 60 * MINUTE))).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(3);
    expect(ctx.logs.join('\n')).not.toMatch(/@example\.test/);
  });

  it('marks an e-mail dead at once on a 5xx reply after RCPT TO, with the reason and without personal data in the error', async () => {
    smtp.rejectRcpt = (address) => (address === 'nobody@example.test' ? 550 : undefined);
    const [bad, good] = await queue([{ to: 'nobody@example.test' }, { to: 'somebody@example.test' }]);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 2, sent: 1, dead: 1, retried: 0 });
    const dead = await row(bad!);
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(1);
    expect(dead.last_error).toBe('SMTP 550 after RCPT TO (EENVELOPE)');
    expect(dead.last_error).not.toContain('nobody');
    expect((await row(good!)).status).toBe('sent');
    expect(await dispatcher.runOnce(later(7 * 60 * MINUTE))).toMatchObject({ claimed: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual(['somebody@example.test']);
  });

  it('retries 4xx replies with growing delays, capped at 6 hours, until OUTBOX_MAX_AGE (5 days) after it was queued, then marks it dead', async () => {
    smtp.rejectRcpt = () => 451;
    const [id] = await queue([{}]);
    const t0 = clock.now().getTime();
    const delays: number[] = [];
    let now = clock.now();
    for (let attempt = 1; ; attempt++) {
      const summary = await dispatcher.runOnce(now);
      const r = await row(id!);
      expect(r.attempts).toBe(attempt);
      if (r.status === 'dead') {
        expect(summary).toMatchObject({ claimed: 1, dead: 1 });
        break;
      }
      expect(summary).toMatchObject({ claimed: 1, retried: 1 });
      expect(r).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/^SMTP 451 after RCPT TO/) });
      delays.push(new Date(r.next_attempt_at).getTime() - now.getTime());
      now = new Date(r.next_attempt_at);
      // not due before its time
      expect(await dispatcher.runOnce(new Date(now.getTime() - 1))).toMatchObject({ claimed: 0 });
    }
    expect(delays.slice(0, 3)).toEqual([30_000, 60_000, 120_000]);
    expect(Math.max(...delays)).toBe(6 * HOUR);
    // the last attempt is at the deadline exactly, and only then is the e-mail given up
    expect(now.getTime() - t0).toBe(5 * DAY);
    expect(await row(id!)).toMatchObject({ status: 'dead', last_error: expect.stringMatching(/^SMTP 451/) });
    expect(await dispatcher.runOnce(new Date(now.getTime() + DAY))).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it('keeps retrying through a 2-hour outage and delivers every e-mail once when SMTP is back', async () => {
    const ids = await queue(Array.from({ length: 5 }, () => ({})));
    const t0 = clock.now().getTime();
    let now = clock.now();
    await smtp.stop();
    try {
      while (now.getTime() < t0 + 2 * HOUR) {
        const summary = await dispatcher.runOnce(now);
        expect(summary).toMatchObject({ sent: 0, dead: 0 });
        const next = (await rows()).map((r) => Date.parse(r.next_attempt_at));
        now = new Date(Math.min(...next));
      }
    } finally {
      await smtp.start();
    }
    const stored = await rows();
    expect(stored.every((r) => r.status === 'pending' && r.attempts >= 8)).toBe(true);
    // by attempts, the old limit (8) was used up: by time, they wait for the next try
    while ((await rows()).some((r) => r.status !== 'sent')) {
      await dispatcher.runOnce(now);
      now = new Date(now.getTime() + HOUR);
    }
    expect(smtp.received).toHaveLength(5);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(5);
    expect((await rows()).map((r) => r.id)).toEqual(ids);
    expect(await dispatcher.runOnce(new Date(now.getTime() + DAY))).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(5);
  });

  it('retries, never kills, e-mails refused for the whole session: 554 at the greeting, 550 to MAIL FROM', async () => {
    const ids = await queue([{}, {}]);
    smtp.rejectConnect = () => 554;
    const first = await dispatcher.runOnce();
    expect(first).toMatchObject({ claimed: 2, retried: 2, dead: 0 });
    for (const r of await rows()) expect(r).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/^SMTP 554 after CONN/) });
    smtp.rejectConnect = () => undefined;
    smtp.rejectMailFrom = () => 550;
    expect(await dispatcher.runOnce(later(HOUR))).toMatchObject({ claimed: 2, retried: 2, dead: 0 });
    for (const r of await rows()) expect(r).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/^SMTP 550 after MAIL FROM/) });
    smtp.rejectMailFrom = () => undefined;
    expect(await dispatcher.runOnce(later(2 * HOUR))).toMatchObject({ claimed: 2, sent: 2 });
    expect(smtp.received).toHaveLength(2);
    expect((await rows()).map((r) => [r.id, r.status, r.attempts])).toEqual(ids.map((id) => [id, 'sent', 3]));
  });

  it('drops a signing-code e-mail that cannot be sent before the code expires, and wipes its data', async () => {
    const expiresAt = later(10 * MINUTE);
    const [id] = await queue([{ template: 'signing-code', language: 'fr', data: { code: '482913' }, expiresAt }]);
    const [other] = await queue([{}]);
    await smtp.stop();
    let now = clock.now();
    try {
      // retried while it can still arrive in time
      for (let i = 0; i < 4; i++) {
        expect(await dispatcher.runOnce(now)).toMatchObject({ retried: 2 });
        now = new Date((await row(id!)).next_attempt_at);
      }
      expect(now.getTime()).toBeLessThan(expiresAt.getTime());
      // the next try would come after the code's end: dropped now
      const summary = await dispatcher.runOnce(now);
      expect(summary).toMatchObject({ claimed: 2, expired: 1, retried: 1 });
    } finally {
      await smtp.start();
    }
    const r = await row(id!);
    expect(r).toMatchObject({ status: 'expired', lease_owner: null, last_error: expect.stringMatching(/^E[A-Z]+$/) });
    expect(JSON.stringify(r)).not.toContain('482913');
    expect(await dispatcher.runOnce(later(DAY))).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.received.map((m) => m.to)).toEqual([(await row(other!)).recipient]);
  });

  it('sweeps to expired a waiting e-mail whose time has passed, without sending it', async () => {
    const [id] = await queue([{ template: 'signing-code', language: 'en', data: { code: '123456' }, expiresAt: later(10 * MINUTE) }]);
    expect(await dispatcher.runOnce(later(10 * MINUTE))).toMatchObject({ claimed: 0, expired: 1 });
    expect(await row(id!)).toMatchObject({ status: 'expired', data: '{}' });
    expect(smtp.received).toHaveLength(0);
  });

  it('never sends a row twice when two dispatchers (two database connections) run at the same time', async () => {
    const ids = await queue(Array.from({ length: 60 }, () => ({})));
    const otherDb = openDb({ dataDir: ctx.dataDir, databaseUrl: ctx.config.databaseUrl });
    const otherTransport = createSmtpTransport(ctx.config.mail);
    try {
      const a = newDispatcher({ batchSize: 7, owner: 'instance-a' });
      const b = newDispatcher({ batchSize: 7, owner: 'instance-b' }, otherTransport, otherDb);
      const claimed = { a: 0, b: 0 };
      for (;;) {
        const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
        // a claim never exceeds its batch (on PostgreSQL a rescanned SKIP LOCKED subquery would claim everything)
        expect(Math.max(ra.claimed, rb.claimed)).toBeLessThanOrEqual(7);
        claimed.a += ra.claimed;
        claimed.b += rb.claimed;
        if (!ra.claimed && !rb.claimed) break;
      }
      expect(claimed.a + claimed.b).toBe(60);
      expect(claimed.a).toBeGreaterThan(0);
      expect(claimed.b).toBeGreaterThan(0);
      expect(smtp.received).toHaveLength(60);
      expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(60);
      const stored = await ctx.deps.db('outbox').whereIn('id', ids).select('status', 'attempts');
      expect(stored.every((r: OutboxRow) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    } finally {
      await otherTransport.close();
      await otherDb.destroy();
    }
  });

  it('re-sends once, with the same Message-ID, a row left "sending" by a dispatcher that died after the server accepted it', async () => {
    const [id] = await queue([{ to: 'crash@example.test' }]);
    // A dispatcher whose process "dies" right after the SMTP server accepted the message: the mark never happens.
    const dying: MailTransport = { kind: 'smtp', send: (m) => transport.send(m).then(() => new Promise<void>(() => {})), close: async () => {} };
    void newDispatcher({ owner: 'dying-instance' }, dying).runOnce();
    await waitFor(() => smtp.received.length === 1);
    expect(await row(id!)).toMatchObject({ status: 'sending', lease_owner: 'dying-instance', attempts: 1 });

    const survivor = newDispatcher({ owner: 'survivor' });
    expect(await survivor.runOnce(later(LEASE_MS - 1000))).toMatchObject({ claimed: 0 });
    expect(await survivor.runOnce(later(LEASE_MS))).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.messageId).toBe(smtp.received[0]!.messageId);
    expect(smtp.received[0]!.messageId).toBe(messageIdFor(await installationId(ctx.deps.db), (await row(id!)).idempotency_key, ctx.config.mail.from));
    expect(await row(id!)).toMatchObject({ status: 'sent', attempts: 2, lease_owner: null });
    expect(await survivor.runOnce(later(2 * LEASE_MS))).toMatchObject({ claimed: 0 });
    expect(smtp.received).toHaveLength(2);
  });

  it('gives up on a row abandoned mid-send more than OUTBOX_MAX_AGE after it was queued', async () => {
    const [id] = await queue([{}]);
    const queuedAt = new Date(clock.now().getTime() - 5 * DAY - 1000).toISOString();
    await ctx.deps
      .db('outbox')
      .where({ id })
      .update({ status: 'sending', lease_owner: 'gone', lease_until: clock.now().toISOString(), attempts: 3, created_at: queuedAt });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0, dead: 1 });
    expect(await row(id!)).toMatchObject({ status: 'dead', last_error: expect.stringContaining('outcome unknown') });
    expect(smtp.received).toHaveLength(0);
  });

  it('marks an e-mail whose template is missing dead without trying to send it', async () => {
    const [id] = await queue([{ template: 'no-such-mail' as EmailToQueue['template'] }]);
    expect(await dispatcher.runOnce()).toMatchObject({ dead: 1 });
    expect(await row(id!)).toMatchObject({ status: 'dead', last_error: 'template missing' });
    expect(smtp.received).toHaveLength(0);
  });

  it('wipes the one-time signing code from the row once it has been sent', async () => {
    const [id] = await queue([{ template: 'signing-code', language: 'fr', data: { code: '482913' } }]);
    expect(await dispatcher.runOnce()).toMatchObject({ sent: 1 });
    expect(smtp.received[0]!.parsed.text).toContain('482913');
    const r = await row(id!);
    expect(r.status).toBe('sent');
    expect(JSON.stringify(r)).not.toContain('482913');
    expect(r.subject).toBe('Votre code de signature électronique');
  });

  it('gives back claimed rows it has not started when stopped', async () => {
    const ids = await queue([{}, {}, {}]);
    const slow: MailTransport = { kind: 'smtp', send: (m) => new Promise((r) => setTimeout(r, 150)).then(() => transport.send(m)), close: async () => {} };
    const d = newDispatcher({ concurrency: 1, owner: 'stopping' }, slow);
    const pass = d.runOnce();
    await new Promise((r) => setTimeout(r, 50));
    await d.stop();
    const summary = await pass;
    expect(summary).toMatchObject({ claimed: 3, sent: 1, released: 2 });
    const stored = await ctx.deps.db('outbox').whereIn('id', ids).orderBy('id');
    expect(stored.map((r: OutboxRow) => [r.status, r.attempts, r.lease_owner])).toEqual([
      ['sent', 1, null],
      ['pending', 0, null],
      ['pending', 0, null],
    ]);
  });

  it('releases a crashed dispatcher’s rows within a minute (default lease), renewing the lease while a batch is being sent', async () => {
    const [id] = await queue([{ to: 'crash@example.test' }]);
    const dying: MailTransport = { kind: 'smtp', send: (m) => transport.send(m).then(() => new Promise<void>(() => {})), close: async () => {} };
    void createOutboxDispatcher(ctx.deps, dying, { owner: 'killed', random: () => 0, renewEveryMs: 3_600_000 }).runOnce();
    await waitFor(() => smtp.received.length === 1);
    expect(await row(id!)).toMatchObject({ status: 'sending', lease_until: later(DEFAULT_LEASE_MS).toISOString() });
    expect(DEFAULT_LEASE_MS).toBe(MINUTE);
    const survivor = newDispatcher({ owner: 'survivor', leaseMs: undefined });
    expect(await survivor.runOnce(later(MINUTE - 1000))).toMatchObject({ claimed: 0 });
    expect(await survivor.runOnce(later(MINUTE))).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]!.messageId).toBe(smtp.received[0]!.messageId);
  });

  it('renews the lease of the rows it holds while it sends, so a slow batch is not taken over', async () => {
    const ids = await queue([{}, {}]);
    let unblock: () => void = () => undefined;
    const gate = new Promise<void>((r) => (unblock = r));
    const slow: MailTransport = { kind: 'smtp', send: (m) => gate.then(() => transport.send(m)), close: async () => {} };
    const start = clock.now();
    const pass = createOutboxDispatcher(ctx.deps, slow, { owner: 'slow', concurrency: 1, random: () => 0, renewEveryMs: 20 }).runOnce();
    try {
      await waitFor(async () => (await row(ids[0]!)).status === 'sending');
      clock.current = new Date(start.getTime() + 50_000);
      await waitFor(async () => (await rows()).every((r) => r.lease_until === later(MINUTE).toISOString()));
      // past the first lease (start + 60 s), the rows are still held
      expect(await newDispatcher({ owner: 'other' }).runOnce(new Date(start.getTime() + 90_000))).toMatchObject({ claimed: 0 });
    } finally {
      unblock();
      clock.current = start;
    }
    expect(await pass).toMatchObject({ claimed: 2, sent: 2 });
    expect(smtp.received).toHaveLength(2);
  });

  it('gives back at once, on stop(), the claimed rows not attempted yet, and waits for the message in flight', async () => {
    const ids = await queue([{}, {}, {}]);
    let unblock: () => void = () => undefined;
    const gate = new Promise<void>((r) => (unblock = r));
    let sends = 0;
    const slow: MailTransport = { kind: 'smtp', send: (m) => (sends++, gate.then(() => transport.send(m))), close: async () => {} };
    const d = newDispatcher({ concurrency: 1, owner: 'stopping' }, slow);
    const pass = d.runOnce();
    await waitFor(() => sends === 1);
    let stopped = false;
    const stopping = d.stop().then(() => (stopped = true));
    // released while the first message is still in flight
    await waitFor(async () => (await ctx.deps.db('outbox').whereIn('id', ids).where({ status: 'pending' })).length === 2);
    expect(stopped).toBe(false);
    expect((await ctx.deps.db('outbox').whereIn('id', ids).orderBy('id')).map((r: OutboxRow) => [r.status, r.attempts, r.lease_owner])).toEqual([
      ['sending', 1, 'stopping'],
      ['pending', 0, null],
      ['pending', 0, null],
    ]);
    unblock();
    await stopping;
    expect(await pass).toMatchObject({ claimed: 3, sent: 1, released: 2 });
    expect((await row(ids[0]!)).status).toBe('sent');
    expect(sends).toBe(1);
  });

  it('stops waiting for a message in flight after its grace period; the row is taken over once its lease runs out', async () => {
    const [id] = await queue([{}]);
    const hung: MailTransport = { kind: 'smtp', send: () => new Promise<void>(() => {}), close: async () => {} };
    const d = newDispatcher({ owner: 'hung', leaseMs: undefined, stopGraceMs: 100 }, hung);
    void d.runOnce();
    await waitFor(async () => (await row(id!)).status === 'sending');
    const t = Date.now();
    await d.stop();
    expect(Date.now() - t).toBeLessThan(2000);
    expect(await row(id!)).toMatchObject({ status: 'sending', lease_owner: 'hung' });
    expect(await newDispatcher({ owner: 'next' }).runOnce(later(MINUTE))).toMatchObject({ claimed: 1, sent: 1 });
    expect(ctx.logs.join('\n')).toContain('still in flight at shutdown');
  });
});

describe('Message-ID', () => {
  it('is the same for every attempt of one e-mail and differs between two installations (two databases)', async () => {
    const smtp = new TestSmtpServer();
    await smtp.start();
    const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
    const dbs = [await freshDatabase(), await freshDatabase()];
    const contexts: TestContext[] = [];
    try {
      for (const fresh of dbs) contexts.push(await createTestContext({ SMTP_URL: smtp.url, DATABASE_URL: fresh.url }, { clock }));
      const ids = await Promise.all(contexts.map((c) => installationId(c.deps.db)));
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[0]).not.toBe(ids[1]);
      // the installation id is kept: reading it again gives the same
      expect(await installationId(contexts[0]!.deps.db)).toBe(ids[0]);
      for (const c of contexts) {
        await enqueueEmails(
          c.deps.db,
          [{ idempotencyKey: 'invitation-key:app:1', template: 'invitation-key', to: 'same@example.test', language: 'en', data: { accessKey: 'AB12CD34' } }],
          clock.now(),
        );
        const t = createSmtpTransport(c.config.mail);
        try {
          // first attempt refused (451), second accepted: the same Message-ID both times
          smtp.rejectRcpt = () => 451;
          await createOutboxDispatcher(c.deps, t, { random: () => 0 }).runOnce();
          smtp.rejectRcpt = () => undefined;
          await createOutboxDispatcher(c.deps, t, { random: () => 0 }).runOnce(new Date(clock.now().getTime() + HOUR));
        } finally {
          await t.close();
        }
      }
      expect(smtp.received).toHaveLength(2);
      const [a, b] = smtp.received.map((m) => m.messageId);
      expect(a).not.toBe(b);
      const stored = await Promise.all(contexts.map((c) => c.deps.db('outbox').first()));
      expect(stored.map((r) => [r.attempts, r.message_id])).toEqual([
        [2, a],
        [2, b],
      ]);
      expect(a).toBe(messageIdFor(ids[0]!, 'invitation-key:app:1', contexts[0]!.config.mail.from));
    } finally {
      await smtp.stop();
      for (const c of contexts) await c.close();
      for (const fresh of dbs) await fresh.drop();
    }
  });
});

describe('outbox retry policy', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [8, 3_840_000],
    [12, 6 * 3600_000],
    [40, 6 * 3600_000],
  ])('waits min(30 s · 2^(n−1), 6 h) after %i failed attempt(s)', (attempts, base) => {
    expect(retryDelayMs(attempts, () => 0)).toBe(base);
    expect(retryDelayMs(attempts, () => 0.999)).toBeLessThan(base * 1.1);
    expect(retryDelayMs(attempts, () => 0.999)).toBeGreaterThan(base);
  });

  it.each([
    [
      { responseCode: 550, code: 'EENVELOPE', response: '550 5.1.1 <x@y.z> unknown user', command: 'RCPT TO' },
      true,
      'SMTP 550 5.1.1 after RCPT TO (EENVELOPE)',
    ],
    [{ responseCode: 554, code: 'EMESSAGE', response: '554 5.6.0 message refused', command: 'DATA' }, true, 'SMTP 554 5.6.0 after DATA (EMESSAGE)'],
    [{ responseCode: 451, code: 'EENVELOPE', response: '451 4.3.0 try later', command: 'RCPT TO' }, false, 'SMTP 451 4.3.0 after RCPT TO (EENVELOPE)'],
    [{ responseCode: 554, code: 'EPROTOCOL', response: '554 no service', command: 'CONN' }, false, 'SMTP 554 after CONN (EPROTOCOL)'],
    [{ responseCode: 550, code: 'ECONNECTION', response: '550 go away', command: 'EHLO' }, false, 'SMTP 550 after EHLO (ECONNECTION)'],
    [{ responseCode: 535, code: 'EAUTH', response: '535 5.7.8 bad credentials', command: 'AUTH PLAIN' }, false, 'SMTP 535 5.7.8 after AUTH PLAIN (EAUTH)'],
    [{ responseCode: 553, code: 'EENVELOPE', response: '553 sender refused', command: 'MAIL FROM' }, false, 'SMTP 553 after MAIL FROM (EENVELOPE)'],
    [{ responseCode: 550, code: 'EENVELOPE', response: '550 <x@y.z>', command: 'RCPT TO <x@y.z>' }, false, 'SMTP 550 (EENVELOPE)'],
    [{ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }, false, 'ECONNECTION'],
    [{ code: 'not a code <x@y.z>' }, false, 'ERROR'],
    [new Error('boom x@y.z'), false, 'ERROR'],
  ])('classifies %j', (err, permanent, summary) => {
    expect(classifySendError(err)).toEqual({ permanent, summary });
  });
});
