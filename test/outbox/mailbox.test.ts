import request from 'supertest';
import { createTestContext, productionEnv, $, type TestContext } from '../support/app';
import { enqueueEmails, type EmailToQueue } from '../../src/core/outbox/enqueue';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createMailTransport } from '../../src/core/outbox/transport';
import { paths } from '../../src/platform/paths';
import { backgroundWorkers } from '../../src/server';
import { waitFor } from '../support/wait';

describe('development mailbox', () => {
  let ctx: TestContext;
  let seq = 0;

  async function queue(e: Partial<EmailToQueue>): Promise<number> {
    await enqueueEmails(
      ctx.deps.db,
      [
        {
          idempotencyKey: `mailbox-test:${++seq}`,
          template: 'invitation-link',
          to: 'zoe.martin@example.test',
          language: 'fr',
          data: { reference: '1234567897', firstName: '<script>alert(1)</script>', lastName: 'Martin', title: '' },
          ...e,
        },
      ],
      ctx.deps.clock.now(),
    );
    return (await ctx.deps.db('outbox').max<{ id: number }[]>({ id: 'id' }))[0]!.id;
  }

  const deliver = () => createOutboxDispatcher(ctx.deps, createMailTransport(ctx.config)).runOnce();

  beforeAll(async () => {
    ctx = await createTestContext({ PUBLIC_BASE_URL: 'http://localhost:3000' });
  });
  afterAll(() => ctx.close());

  it('is the transport when no SMTP_URL is set outside production, and stores the rendered e-mail without sending', async () => {
    expect(ctx.config.mail.devMailbox).toBe(true);
    expect(createMailTransport(ctx.config).kind).toBe('dev-mailbox');
    const id = await queue({});
    expect(await deliver()).toMatchObject({ sent: 1 });
    const row = await ctx.deps.db('outbox').where({ id }).first();
    expect(row).toMatchObject({ status: 'sent', subject: 'Votre demande de carte Corporate : lien et numéro de référence' });
    expect(row.text).toContain('http://localhost:3000/access?ref=1234567897');
  });

  it('lists the e-mails with date, recipient, subject, template and status', async () => {
    const pendingId = await queue({ template: 'invitation-key', language: 'en', data: { accessKey: 'AB12CD34', firstName: '', lastName: '', title: '' } });
    const res = await request(ctx.app).get(`${paths.dev.mailbox}?lang=en`);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe('Development mailbox');
    const pendingRow = page(`#mailbox tr[data-id="${pendingId}"]`);
    expect(pendingRow.text()).toContain('zoe.martin@example.test');
    expect(pendingRow.text()).toContain('invitation-key');
    expect(pendingRow.text()).toContain('Waiting');
    expect(pendingRow.text()).toContain('(not formatted yet)');
    const sentRow = page('#mailbox tbody tr').last();
    expect(sentRow.text()).toContain('Delivered');
    expect(sentRow.find('a').text()).toBe('Votre demande de carte Corporate : lien et numéro de référence');
    // The date shown is the row's, in the configured time zone (not the day the test file was written).
    const sent = await ctx.deps.db('outbox').where({ status: 'sent' }).orderBy('id', 'desc').first();
    const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: ctx.config.timeZone }).format(new Date(sent.created_at));
    expect(sentRow.find('td').first().text()).toContain(day);
    const pending = await request(ctx.app).get(paths.dev.message(pendingId));
    expect($(pending.text)('#main').text()).toContain('pas encore été mis en forme');
  });

  it('shows a message: subject, recipient, text version, clickable links, all escaped', async () => {
    const id = await queue({});
    await deliver();
    const res = await request(ctx.app).get(paths.dev.message(id));
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const page = $(res.text);
    expect(page('h1').text()).toBe('Votre demande de carte Corporate : lien et numéro de référence');
    expect(page('dl').text()).toContain('zoe.martin@example.test');
    expect(page('#mail-links a').attr('href')).toBe('http://localhost:3000/access?ref=1234567897');
    expect(page('#mail-text').text()).toContain('Bonjour <script>alert(1)</script> Martin,');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(page(`a[href="${paths.dev.messageHtml(id)}"]`).length).toBe(1);
  });

  it('serves the HTML version alone, sandboxed by its own CSP', async () => {
    const id = await queue({});
    await deliver();
    const res = await request(ctx.app).get(paths.dev.messageHtml(id));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe("sandbox; default-src 'none'; style-src 'unsafe-inline'");
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>');
    expect($(res.text)('a').first().attr('href')).toBe('http://localhost:3000/access?ref=1234567897');
  });

  it('keeps the signing code readable in the development mailbox', async () => {
    const id = await queue({ template: 'signing-code', data: { code: '482913' } });
    await deliver();
    const res = await request(ctx.app).get(paths.dev.message(id));
    expect($(res.text)('#mail-text').text()).toContain('482913');
  });

  it.each(['999999', 'abc', '0', '1.5'])('answers 404 for the unknown message %s', async (id) => {
    expect((await request(ctx.app).get(paths.dev.message(id))).status).toBe(404);
    expect((await request(ctx.app).get(paths.dev.messageHtml(id))).status).toBe(404);
  });

  it('is filled by the background worker the server starts', async () => {
    const worker = backgroundWorkers(ctx.deps).find((w) => w.name === 'outbox');
    expect(worker).toBeDefined();
    const id = await queue({});
    worker!.start();
    try {
      await waitFor(async () => (await ctx.deps.db('outbox').where({ id }).first()).status === 'sent');
    } finally {
      await worker!.stop();
    }
  });
});

/** A complete production configuration (every secret production requires), with a real SMTP_URL. */

describe('development mailbox is absent', () => {
  it.each([
    ['when SMTP_URL is set', { SMTP_URL: 'smtp://127.0.0.1:2525' }],
    ['in production', productionEnv()],
  ])('%s', async (_label, env) => {
    const ctx = await createTestContext(env);
    try {
      expect(ctx.config.mail.devMailbox).toBe(false);
      await enqueueEmails(ctx.deps.db, [{ idempotencyKey: 'x', template: 'invitation-key', to: 'a@example.test', language: 'fr', data: {} }], new Date());
      for (const url of [paths.dev.mailbox, paths.dev.message(1), paths.dev.messageHtml(1)]) {
        expect((await request(ctx.app).get(url)).status).toBe(404);
      }
      const transport = createMailTransport(ctx.config);
      expect(transport.kind).toBe('smtp');
      await transport.close();
    } finally {
      await ctx.close();
    }
  });
});
