import request from 'supertest';
import { createTestContext, TestClock, $, csrfFrom, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { transition } from '../../src/core/application/status';
import { upcomingSteps } from '../../src/features/status-page/service';
import { givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

describe('employee status page', () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
  });
  afterAll(() => ctx.close());

  const move = (id: number, from: string, to: string, extra: { comment?: string; forEmployee?: boolean } = {}) =>
    ctx.deps.db.transaction((trx) =>
      transition(trx, {
        applicationId: id,
        from: [from as never],
        to: to as never,
        actor: { type: 'admin', id: 1 },
        comment: extra.comment ?? null,
        commentForEmployee: extra.forEmployee ?? false,
        now: clock.now(),
      }),
    );

  it('needs the key + reference session', async () => {
    const res = await request(ctx.app).get(paths.employee.status);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.employee.entry);
    for (const url of [
      paths.employee.signature,
      paths.employee.signing.document,
      paths.employee.signing.code,
      paths.employee.signing.documentPdf,
      paths.employee.signedPdf(1),
    ]) {
      expect((await request(ctx.app).get(url)).headers.location).toBe(paths.employee.entry);
    }
  });

  it('shows the timeline with dates, the comments addressed to the employee (not internal ones), what comes next and the signed PDF', async () => {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    expect((await postCode(agent, await requestCode(ctx, agent, a.id))).status).toBe(303);

    let page = $((await agent.get(paths.employee.status)).text);
    expect(page('#current-status').text()).toContain('En attente d’approbation');
    expect(page('#next').text()).toContain('attend l’approbation');
    expect(
      page('.timeline__item--todo')
        .map((_i, el) => page(el).text().trim())
        .get()
        .join('|'),
    ).toMatch(/^Approuvée.*\|Transmise.*\|Carte émise.*\|Carte reçue/);
    expect(page('#signed-pdfs a').attr('href')).toBe(paths.employee.signedPdf(1));

    // Minutes, not days: the session store judges expiry by this clock.
    clock.current = new Date(clock.current.getTime() + 5 * 60000);
    await move(a.id, 'pending_approval', 'returned', { comment: 'Le justificatif est illisible, merci d’en déposer un autre', forEmployee: true });
    clock.current = new Date(clock.current.getTime() + 5 * 60000);
    await move(a.id, 'returned', 'cancelled', { comment: 'Note interne : doublon', forEmployee: false });

    const res = await agent.get(paths.employee.status);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    page = $(res.text);
    const timeline = page('#timeline').text();
    expect(timeline).toContain('Renvoyée pour correction');
    expect(timeline).toContain('Le justificatif est illisible, merci d’en déposer un autre');
    expect(timeline).toMatch(/24 novembre 2026 à \d\d:\d\d/);
    expect(timeline).toContain('Annulée');
    expect(res.text).not.toContain('Note interne');
    expect(page('.timeline__item--todo')).toHaveLength(0);
    expect(page('#next').text()).toContain('annulée');
  });

  it('is where key + reference lead once the application is signed (the form before)', async () => {
    const a = await givenSignableApplication(ctx);
    const enter = async () => {
      const agent = request.agent(ctx.app);
      const page = await agent.get(paths.employee.entry);
      return agent
        .post(paths.employee.entry)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), accessKey: a.keyNumber, reference: a.reference });
    };
    expect((await enter()).headers.location).toBe(paths.employee.application);
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    expect((await postCode(agent, await requestCode(ctx, agent, a.id))).status).toBe(303);
    expect((await enter()).headers.location).toBe(paths.employee.status);
  });

  it('is in English with ?lang=en and offers to continue an application not yet submitted', async () => {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a, 'en');
    const page = $((await agent.get(paths.employee.status)).text);
    expect(page('h1').text()).toBe('Track my card application');
    expect(page('#continue-form').attr('href')).toBe(paths.employee.application);
    expect(page('#no-signature')).toHaveLength(1);
  });

  it.each([
    ['in_progress', false, ['pending_approval', 'approved', 'transmitted', 'card_issued', 'card_delivered']],
    ['in_progress', true, ['awaiting_additional_approval', 'pending_approval', 'approved', 'transmitted', 'card_issued', 'card_delivered']],
    ['approved', false, ['transmitted', 'card_issued', 'card_delivered']],
    ['card_delivered', false, []],
    ['cancelled', false, []],
  ] as const)('upcoming steps after %s (additional approver %s)', (status, extra, expected) => {
    expect(upcomingSteps(status, extra)).toEqual(expected);
  });
});
