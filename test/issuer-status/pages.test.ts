import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { givenKey, type GivenKey } from '../support/builders';
import { givenTransmitted, statusFile } from '../support/issuer-status';
import { employeeAgent } from '../support/employee';
import { paths } from '../../src/platform/paths';
import { processInbox } from '../../src/core/issuer-status/inbox';
import { purgeExpiredData } from '../../src/core/retention/purge';

const NOW = new Date('2026-11-24T09:00:00Z');

describe('after the issuer’s status file: the employee’s status page, the tracking, and a purged application’s pages', () => {
  let ctx: TestContext;
  let key: GivenKey;
  let issued: { id: number; reference: string };
  let delivered: { id: number; reference: string };
  let declined: { id: number; reference: string };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(NOW) });
    key = await givenKey(ctx.deps.db);
    issued = await givenTransmitted(ctx.deps.db, key);
    delivered = await givenTransmitted(ctx.deps.db, key);
    declined = await givenTransmitted(ctx.deps.db, key);
    fs.mkdirSync(ctx.config.issuerStatus.inboxDir, { recursive: true });
    fs.writeFileSync(
      path.join(ctx.config.issuerStatus.inboxDir, 'statuses.csv'),
      statusFile([
        `${issued.reference};issued;2026-11-20;;4821`,
        `${delivered.reference};issued;2026-11-20;;1234`,
        `${delivered.reference};delivered;2026-11-23;;1234`,
        `${declined.reference};declined;2026-11-21;Identity could not be verified;`,
      ]),
    );
    await processInbox(ctx.deps, NOW);
  });
  afterAll(() => ctx.close());

  const done = (page: ReturnType<typeof $>) =>
    page('.timeline__item--done .timeline__status strong')
      .map((_i, el) => page(el).text().trim())
      .get();
  const todo = (page: ReturnType<typeof $>) =>
    page('.timeline__item--todo')
      .map((_i, el) => page(el).text().trim())
      .get();

  it.each([
    ['en', 'Sent to the issuer', 'Card issued', 'Card delivered', 'ending in 1234'],
    ['fr', 'Transmise à l’émetteur', 'Carte émise', 'Carte reçue', 'se terminant par 1234'],
  ] as const)('shows the whole way to delivery on the employee’s status page (%s)', async (lang, transmitted, cardIssued, cardDelivered, card) => {
    const agent = await employeeAgent(ctx, { keyNumber: key.number, reference: delivered.reference }, lang);
    const page = $((await agent.get(`${paths.employee.status}?lang=${lang}`).expect(200)).text);
    expect(done(page).slice(-3)).toEqual([transmitted, cardIssued, cardDelivered]);
    expect(todo(page)).toEqual([]);
    expect(page('#current-status').text()).toContain(cardDelivered);
    expect(page('#card-last4').text()).toBe(card);

    const onTheWay = await employeeAgent(ctx, { keyNumber: key.number, reference: issued.reference }, lang);
    const issuedPage = $((await onTheWay.get(`${paths.employee.status}?lang=${lang}`).expect(200)).text);
    expect(done(issuedPage).slice(-2)).toEqual([transmitted, cardIssued]);
    expect(todo(issuedPage).join('|')).toContain(cardDelivered);
  });

  it('shows the issuer’s reason to the employee whose application it declined', async () => {
    const agent = await employeeAgent(ctx, { keyNumber: key.number, reference: declined.reference }, 'en');
    const page = $((await agent.get(`${paths.employee.status}?lang=en`).expect(200)).text);
    expect(page('.timeline__comment').text()).toContain('Reason given by the card issuer:');
    expect(page('.timeline__comment blockquote').text()).toBe('Identity could not be verified');
  });

  it('counts the new statuses in the tracking summary, its drill-down and its export', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, key.adminEmail, 'en');
    const summary = $((await agent.get(paths.admin.tracking.summary).expect(200)).text);
    const count = (status: string) => Number(summary(`tr[data-key="${key.id}"] td[data-status="${status}"]`).attr('data-count'));
    expect([count('card_issued'), count('card_delivered'), count('declined_by_issuer'), count('transmitted')]).toEqual([1, 1, 1, 0]);
    const list = (await agent.get(`${paths.admin.tracking.list}?key=${key.id}&status=card_delivered`).expect(200)).text;
    expect(list).toContain(delivered.reference);
    expect(list).not.toContain(issued.reference);
    const csv = (await agent.get(`${paths.admin.tracking.export}?format=csv&key=${key.id}&status=declined_by_issuer`).expect(200)).text;
    expect(csv).toContain(declined.reference);
    expect(csv).toContain('Declined by the issuer');
    expect(csv).not.toContain(delivered.reference);
  });

  it.each([
    ['en', 'The personal data of this application was erased on', 'Your personal data in this application was erased on', '24 November 2027'],
    [
      'fr',
      'Les données personnelles de cette demande ont été effacées le',
      'Vos données personnelles liées à cette demande ont été effacées le',
      '24 novembre 2027',
    ],
  ] as const)('says on a purged application’s pages that its personal data was erased, and when (%s)', async (lang, adminText, employeeText, date) => {
    const later = new Date('2027-11-24T10:00:00Z');
    await ctx.deps.db('application').where({ id: delivered.id }).update({ status_changed_at: '2026-10-01T00:00:00.000Z' });
    await purgeExpiredData(ctx.deps, later);
    const admin = await signInAs(ctx.app, ctx.deps, key.adminEmail, lang);
    const adminPage = $((await admin.get(`${paths.admin.applications.show(delivered.id)}?lang=${lang}`).expect(200)).text);
    expect(adminPage('#personal-data-erased').text()).toContain(adminText);
    expect(adminPage('#personal-data-erased').text()).toContain(date);
    const employee = await employeeAgent(ctx, { keyNumber: key.number, reference: delivered.reference }, lang);
    const statusPage = $((await employee.get(`${paths.employee.status}?lang=${lang}`).expect(200)).text);
    expect(statusPage('#personal-data-erased').text()).toContain(employeeText);
    expect(statusPage('#personal-data-erased').text()).toContain(date);
    expect(statusPage('#card-last4')).toHaveLength(0);
    // Another application, not final long enough, says nothing of the kind.
    const other = await signInAs(ctx.app, ctx.deps, key.adminEmail, lang);
    expect($((await other.get(paths.admin.applications.show(issued.id)).expect(200)).text)('#personal-data-erased')).toHaveLength(0);
  });
});
