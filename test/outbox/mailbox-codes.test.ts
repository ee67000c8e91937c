import request from 'supertest';
import { createTestContext, TestClock, $, type TestContext } from '../support/app';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { createMailTransport } from '../../src/core/outbox/transport';
import { paths } from '../../src/platform/paths';
import { givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

const MINUTE = 60_000;

/** The development mailbox shows a signing code while it can sign, and drops it once used, replaced or expired. */
describe('development mailbox and signing codes', () => {
  let ctx: TestContext;
  let clock: TestClock;

  beforeAll(async () => {
    clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
    ctx = await createTestContext({ PUBLIC_BASE_URL: 'http://localhost:3000' }, { clock });
  });
  afterAll(() => ctx.close());

  const tick = (ms: number) => clock.advance(ms);
  const deliver = () => createOutboxDispatcher(ctx.deps, createMailTransport(ctx.config)).runOnce();

  /** The code e-mails of an application, oldest first, delivered to the mailbox. */
  async function codeRows(applicationId: number): Promise<{ id: number; text: string | null; html: string | null; data: string }[]> {
    await deliver();
    return ctx.deps.db('outbox').where({ application_id: applicationId, template: 'signing-code' }).orderBy('id').select('id', 'text', 'html', 'data');
  }

  async function open(id: number, lang: 'fr' | 'en' = 'en') {
    const res = await request(ctx.app).get(`${paths.dev.message(id)}?lang=${lang}`);
    expect(res.status).toBe(200);
    return $(res.text);
  }

  async function codeSent() {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    return { a, agent, code };
  }

  it('shows a usable code, then drops it from the outbox once it is used', async () => {
    const { a, agent, code } = await codeSent();
    const [row] = await codeRows(a.id);
    expect((await open(row!.id))('#mail-text').text()).toContain(code);

    expect((await postCode(agent, code)).status).toBe(303);
    const page = await open(row!.id);
    expect(page('#mail-text')).toHaveLength(0);
    expect(page('#code-spent').text()).toContain('no longer shows it');
    expect(page.html()).not.toContain(code);
    expect(await ctx.deps.db('outbox').where({ id: row!.id }).first('text', 'html', 'data')).toEqual({ text: null, html: null, data: '{}' });
    expect((await request(ctx.app).get(paths.dev.messageHtml(row!.id))).status).toBe(404);
  });

  it('drops a code replaced by a newer one, and keeps showing the newer one', async () => {
    const { a, agent, code: first } = await codeSent();
    tick(MINUTE + 1000);
    const second = await requestCode(ctx, agent, a.id);
    const [old, current] = await codeRows(a.id);
    expect((await open(old!.id, 'fr'))('#code-spent').text()).toContain('ne le montre plus');
    expect((await open(old!.id)).html()).not.toContain(first);
    expect((await open(current!.id))('#mail-text').text()).toContain(second);
  });

  it('drops an expired code', async () => {
    const { a, code } = await codeSent();
    const [row] = await codeRows(a.id);
    tick(9 * MINUTE);
    expect((await open(row!.id))('#mail-text').text()).toContain(code);
    tick(MINUTE + 1000);
    const page = await open(row!.id);
    expect(page('#code-spent')).toHaveLength(1);
    expect(page.html()).not.toContain(code);
  });
});
