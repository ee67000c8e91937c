import request from 'supertest';
import { createTestContext, signInAs, getCsrf, csrfFrom, $, type TestContext, type Agent } from '../support/app';
import { givenAdministrator, givenKey, type GivenKey } from '../support/builders';
import { givenTransmitted, statusFile } from '../support/issuer-status';
import { outboxRows } from '../support/outbox';
import { paths } from '../../src/platform/paths';
import { luhnCheckDigit } from '../../src/lib/luhn';

/** A well-formed reference that no application has. */
const UNKNOWN = `497530012${luhnCheckDigit('497530012')}`;

describe('platform administrator: the issuer’s card status file (upload, preview, apply)', () => {
  let ctx: TestContext;
  let key: GivenKey;
  let platform: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    key = await givenKey(ctx.deps.db);
    await givenAdministrator(ctx.deps.db, { email: 'paula@test.example', role: 'platform' });
    platform = await signInAs(ctx.app, ctx.deps, 'paula@test.example');
  });
  afterAll(() => ctx.close());

  const statusOf = async (id: number) => (await ctx.deps.db('application').where({ id }).first('status')).status as string;

  async function upload(file: Buffer, lang: 'fr' | 'en' = 'en', name = 'statuses.csv') {
    const token = await getCsrf(platform, `${paths.platform.issuerStatus.start}?lang=${lang}`);
    return platform.post(paths.platform.issuerStatus.start).field('_csrf', token).attach('file', file, name);
  }

  async function preview(file: Buffer, lang: 'fr' | 'en' = 'en') {
    const res = await upload(file, lang);
    expect(res.status).toBe(303);
    const url = res.headers.location as string;
    const page = await platform.get(`${url}?lang=${lang}`).expect(200);
    return { url, html: page.text, page: $(page.text) };
  }

  it('is for platform administrators only', async () => {
    const anonymous = await request(ctx.app).get(paths.platform.issuerStatus.start);
    expect(anonymous.status).toBe(303);
    const admin = await signInAs(ctx.app, ctx.deps, key.adminEmail);
    expect((await admin.get(paths.platform.issuerStatus.start)).status).toBe(403);
  });

  it('refuses an upload without the CSRF token', async () => {
    const res = await platform.post(paths.platform.issuerStatus.start).attach('file', statusFile([]), 'a.csv');
    expect(res.status).toBe(403);
  });

  it('previews each line, applies once with history and e-mails, and a replay or a second import changes nothing', async () => {
    const issued = await givenTransmitted(ctx.deps.db, key, { language: 'en' });
    const delivered = await givenTransmitted(ctx.deps.db, key, { language: 'fr' });
    const declined = await givenTransmitted(ctx.deps.db, key, { language: 'fr' });
    const file = statusFile([
      `${issued.reference};issued;2026-11-20;;4821`,
      `${delivered.reference};issued;2026-11-20;;1234`,
      `${delivered.reference};delivered;2026-11-23;;1234`,
      `${declined.reference};declined;2026-11-21;Identité non vérifiée;`,
    ]);
    const { url, page } = await preview(file);
    expect(page('[data-count="rows"]').text()).toBe('4');
    expect(page('[data-count="apply"]').text()).toBe('4');
    expect(page('[data-count="refused"]').text()).toBe('0');
    expect(page('#line-4 td').last().text()).toContain('Moves to “Card delivered”');
    // Nothing happens on the preview.
    expect(await statusOf(issued.id)).toBe('transmitted');

    const csrf = csrfFrom((await platform.get(url)).text);
    const applied = await platform.post(`${url}/apply`).type('form').send({ _csrf: csrf });
    expect(applied.status).toBe(303);
    // The result in words, with plural forms (4 lines moved on, none already done or refused).
    expect($((await platform.get(applied.headers.location)).text)('.banner').text()).toContain(
      'Status file applied: 4 applications moved on, 0 already done, 0 lines refused.',
    );
    expect(await statusOf(issued.id)).toBe('card_issued');
    expect(await statusOf(delivered.id)).toBe('card_delivered');
    expect(await statusOf(declined.id)).toBe('declined_by_issuer');
    const history = await ctx.deps.db('application_status_history').where({ application_id: delivered.id }).orderBy('id').pluck('to_status');
    expect(history.slice(-3)).toEqual(['transmitted', 'card_issued', 'card_delivered']);
    const decline = await ctx.deps.db('application_status_history').where({ application_id: declined.id, to_status: 'declined_by_issuer' }).first();
    expect(decline.comment).toBe('Identité non vérifiée');
    expect(Boolean(decline.comment_for_employee)).toBe(true);
    expect((await ctx.deps.db('application').where({ id: issued.id }).first('card_last4')).card_last4).toBe('4821');
    const mails = async (id: number) => (await outboxRows(ctx.deps.db, id)).filter((m) => m.template.startsWith('card-'));
    expect((await mails(issued.id)).map((m) => [m.template, m.language])).toEqual([['card-issued', 'en']]);
    expect((await mails(delivered.id)).map((m) => [m.template, m.language])).toEqual([['card-issued', 'fr']]);
    expect((await mails(declined.id)).map((m) => [m.template, m.language])).toEqual([['card-declined', 'fr']]);
    const audit = await ctx.deps.db('audit_log').where({ action: 'issuer_status.import' }).orderBy('id', 'desc').first();
    expect(JSON.parse(audit.details)).toMatchObject({ source: 'upload', applied: 4, refused: 0 });
    expect(audit.details).not.toContain('Identité');

    const after = $((await platform.get(`${url}?lang=en`)).text);
    expect(after('#applied').text()).toContain('This file was applied');
    expect(after('#apply')).toHaveLength(0);

    // The same form again (a replay, a double click): refused, nothing changes.
    const historyCount = await ctx.deps.db('application_status_history').count({ n: '*' });
    const replay = await platform.post(`${url}/apply?lang=en`).type('form').send({ _csrf: csrf });
    expect(replay.status).toBe(409);
    expect($(replay.text)('.error-summary').text()).toContain('already been applied');

    // The same file uploaded again: every line is already done, there is nothing to apply.
    const again = await preview(file, 'fr');
    expect(again.page('[data-count="already"]').text()).toBe('4');
    expect(again.page('[data-count="apply"]').text()).toBe('0');
    expect(again.page('#nothing-to-apply').text()).toContain('Aucune ligne');
    expect(await ctx.deps.db('application_status_history').count({ n: '*' })).toEqual(historyCount);
    expect(await mails(issued.id)).toHaveLength(1);
  });

  it.each([
    ['en', 'The application is “Sent to the issuer”: it cannot become “Card delivered”.', 'No application has this reference.'],
    ['fr', 'La demande est « Transmise à l’émetteur » : elle ne peut pas passer à « Carte reçue ».', 'Aucune demande n’a cette référence.'],
  ] as const)('refuses impossible moves and bad lines one by one, with their reason (%s)', async (lang, impossible, unknown) => {
    const app = await givenTransmitted(ctx.deps.db, key);
    const { page } = await preview(
      statusFile([
        `${app.reference};delivered;2026-11-20;;`,
        `${UNKNOWN};issued;2026-11-20;;`,
        `${app.reference};shipped;2026-11-20;;`,
        `${app.reference};issued;2026-13-40;;`,
        `${app.reference};declined;2026-11-20;;`,
        `${app.reference};issued;2026-11-20;;`,
        `${app.reference};issued;2026-11-21;;`,
      ]),
      lang,
    );
    expect(page('[data-count="refused"]').text()).toBe('6');
    expect(page('#line-2 .row-errors').text()).toContain(impossible);
    expect(page('#line-3 .row-errors').text()).toContain(unknown);
    expect(page('#line-4 .row-errors').text()).toContain('shipped');
    expect(page('#line-5 .row-errors').text()).toMatch(lang === 'en' ? /Not a valid date/ : /Date invalide/);
    expect(page('#line-6 .row-errors').text()).toMatch(lang === 'en' ? /needs the issuer’s reason/ : /motif de l’émetteur/);
    expect(page('#line-8 .row-errors').text()).toMatch(lang === 'en' ? /Duplicate of line 7/ : /Doublon de la ligne 7/);
    expect(page('#line-7').attr('data-outcome')).toBe('apply');
  });

  it.each([
    [
      'not UTF-8',
      () => Buffer.from('reference;status;date;reason;card_last4\n4975300125;declined;2026-11-20;Pièce illisible;\n', 'latin1'),
      'not encoded in UTF-8',
      'pas encodé en UTF-8',
    ],
    ['commas', () => statusFile(['4975300125,issued,2026-11-20,,'], { separator: ',' }), 'separated by commas', 'séparées par des virgules'],
    [
      'a wrong header',
      () => statusFile(['4975300125;issued;2026-11-20;;'], { header: 'ref;state;when' }),
      'The first line must be exactly',
      'La première ligne doit être exactement',
    ],
    [
      '100,000 lines',
      () => statusFile(Array.from({ length: 100_000 }, () => '4975300125;issued;2026-11-20;;')),
      'more than 20,000 lines',
      'plus de 20 000 lignes',
    ],
    ['a spreadsheet', () => Buffer.from('PK\u0003\u0004rest-of-a-zip', 'latin1'), 'not a CSV text file', 'pas un fichier texte CSV'],
  ])('refuses a file with %s, in both languages, keeping nothing', async (_what, file, en, fr) => {
    const before = await ctx.deps.db('issuer_status_upload').count({ n: '*' });
    for (const [lang, text] of [
      ['en', en],
      ['fr', fr],
    ] as const) {
      const res = await upload(file(), lang);
      expect(res.status).toBe(400);
      expect(
        $(res.text)('.error-summary')
          .text()
          .replace(/\u202f|\u00a0/g, ' '),
      ).toContain(text);
    }
    expect(await ctx.deps.db('issuer_status_upload').count({ n: '*' })).toEqual(before);
  });
});
