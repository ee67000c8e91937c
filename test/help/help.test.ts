import request from 'supertest';
import { createTestContext, signInAs, getCsrf, $, type Agent, type TestContext } from '../support/app';
import { givenAdministrator } from '../support/builders';
import { paths } from '../../src/platform/paths';

/** Issue 14 part 1: Help & contacts, public, seeded from seed 000, edited by the platform administrator (audited). */
describe('help and contacts', () => {
  let ctx: TestContext;
  let platform: Agent;
  let admin: Agent;

  beforeAll(async () => {
    ctx = await createTestContext();
    const p = await givenAdministrator(ctx.deps.db, { role: 'platform' });
    const a = await givenAdministrator(ctx.deps.db);
    platform = await signInAs(ctx.app, ctx.deps, p.email, 'en');
    admin = await signInAs(ctx.app, ctx.deps, a.email, 'fr');
  });
  afterAll(() => ctx.close());

  const cardIds = (html: string) =>
    $(html)('.help-card')
      .map((_i, el) => $(html)(el).attr('id'))
      .get();

  describe('the page', () => {
    it.each([
      ['fr', 'Aide et contacts', 'Déclaration de fraude', 'Téléphone'],
      ['en', 'Help and contacts', 'Fraud declaration', 'Phone'],
    ] as const)('is readable without signing in, in %s, the fraud line first and boxed', async (lang, title, fraud, phone) => {
      const res = await request(ctx.app).get(`${paths.help}?lang=${lang}`);
      expect(res.status).toBe(200);
      const page = $(res.text);
      expect(page('h1').text()).toBe(title);
      const first = page('.help-card').first();
      expect(first.hasClass('help-card--urgent')).toBe(true);
      expect(first.find('h2').text()).toBe(fraud);
      expect(first.find('a[href^="tel:"]').attr('href')).toBe('tel:+3226762323');
      expect(first.find('dt').first().text()).toBe(phone);
    });

    it('shows employees and visitors the cardholders’ entries only, with tel:, mailto: and web links', async () => {
      const res = await request(ctx.app).get(`${paths.help}?lang=en`);
      const ids = cardIds(res.text);
      expect(ids).toEqual(['help-fraud', 'help-credit', 'help-cardholder-service', 'help-terms-and-forms', 'help-mediator']);
      const page = $(res.text);
      expect(page('#help-credit a[href^="tel:"]').attr('href')).toBe('tel:+3226762388');
      expect(page('#help-credit a[href^="tel:"]').text()).toBe('+32 2 676 23 88');
      expect(page('#help-credit').text()).toContain('8:30 am to 5 pm, Monday to Friday');
      expect(page('#help-credit a[href^="mailto:"]').attr('href')).toBe('mailto:corporatecredit.be@aexp.com');
      expect(page('#help-terms-and-forms a').attr('href')).toBe('https://www.americanexpress.be/documents_corporate');
    });

    it('shows administrators every entry of the directory', async () => {
      const ids = cardIds((await admin.get(paths.help)).text);
      expect(ids).toEqual(
        expect.arrayContaining(['help-fraud', 'help-administrator-service', 'help-integration-files', 'help-online-guide', 'help-portal', 'help-mediator']),
      );
      expect(ids).toHaveLength(9);
    });

    it('is linked from every page’s footer, the employee’s too', async () => {
      for (const url of [paths.employee.entry, paths.help, '/sign-in']) {
        const res = await request(ctx.app).get(url);
        expect($(res.text)('footer a#footer-help').attr('href')).toBe(paths.help);
      }
      expect($((await admin.get(paths.admin.accessKeys.list)).text)('footer a#footer-help').attr('href')).toBe(paths.help);
    });
  });

  describe('editing the directory', () => {
    const valid = {
      titleFr: 'Service des cartes perdues',
      titleEn: 'Lost cards service',
      topicsFr: 'Carte perdue\n\n  Carte volée  ',
      topicsEn: 'Lost card\nStolen card',
      hoursFr: '24 h/24',
      hoursEn: 'Around the clock',
      phone: '01 47 77 74 54',
      email: 'Lost.Cards@Example.com',
      url: 'https://example.com/lost',
      address: '',
      audience: 'cardholders',
    };

    async function post(url: string, fields: Record<string, string>, from = paths.platform.help.create) {
      return platform
        .post(url)
        .type('form')
        .send({ _csrf: await getCsrf(platform, from), ...fields });
    }

    it('is for platform administrators only', async () => {
      expect((await admin.get(paths.platform.help.list)).status).toBe(403);
      expect((await request(ctx.app).get(paths.platform.help.list)).status).not.toBe(200);
      const res = await admin
        .post(paths.platform.help.create)
        .type('form')
        .send({ _csrf: await getCsrf(admin, paths.help), ...valid });
      expect(res.status).toBe(403);
      expect(await ctx.deps.db('help_entry').where({ title_en: valid.titleEn })).toHaveLength(0);
    });

    it('adds an entry at the end, normalised, shown on the page and audited', async () => {
      const res = await post(paths.platform.help.create, valid);
      expect(res.status).toBe(303);
      const row = await ctx.deps.db('help_entry').where({ title_en: valid.titleEn }).first();
      expect(row).toMatchObject({ topics_fr: 'Carte perdue\nCarte volée', phone: '+33147777454', email: 'lost.cards@example.com' });
      const page = $((await request(ctx.app).get(`${paths.help}?lang=fr`)).text);
      const card = page(`#help-${row.id}`);
      expect(card.find('h2').text()).toBe('Service des cartes perdues');
      expect(
        card
          .find('li')
          .map((_i, el) => page(el).text())
          .get(),
      ).toEqual(['Carte perdue', 'Carte volée']);
      expect(card.find('a[href^="tel:"]').attr('href')).toBe('tel:+33147777454');
      expect(cardIds(page.html()).at(-1)).toBe(`help-${row.id}`);
      const audit = await ctx.deps.db('audit_log').where({ action: 'help.create' }).orderBy('id', 'desc').first();
      expect(JSON.parse(audit.details)).toEqual({ title: 'Lost cards service', audience: 'cardholders', highlight: false });
    });

    it.each([
      ['fr', { titleFr: '' }, 'titleFr', 'Saisissez le titre en français'],
      ['en', { phone: '12' }, 'phone', 'Enter a valid phone number'],
      ['en', { url: 'javascript:alert(1)' }, 'url', 'Enter a full web address starting with https://'],
      ['fr', { email: 'pas-une-adresse' }, 'email', 'Saisissez une adresse e-mail valide'],
      ['en', { phone: '', email: '', url: '', address: '' }, 'phone', 'Give at least one way to reach the service'],
      ['en', { titleEn: 'Lost\u202Ecards' }, 'titleEn', 'The title in English contains a control character'],
      ['fr', { topicsFr: 'x'.repeat(301) }, 'topicsFr', 'Chaque sujet en français doit faire 300 caractères au plus'],
      ['en', { audience: 'everyone' }, 'audience', 'Choose who sees this entry'],
    ])('refuses a bad entry with a translated error and changes nothing (%s %j)', async (lang, change, field, message) => {
      const before = await ctx.deps.db('help_entry').count<{ n: number }[]>({ n: '*' });
      const res = await platform
        .post(`${paths.platform.help.create}?lang=${lang}`)
        .type('form')
        .send({ _csrf: await getCsrf(platform, `${paths.platform.help.create}?lang=${lang}`), ...valid, ...change });
      expect(res.status).toBe(400);
      const page = $(res.text);
      expect(page('.error-summary a').first().attr('href')).toBe(`#${field}`);
      expect(page(`#${field}-error`).text()).toContain(message);
      expect(await ctx.deps.db('help_entry').count<{ n: number }[]>({ n: '*' })).toEqual(before);
    });

    it('edits an entry in both languages', async () => {
      const row = await ctx.deps.db('help_entry').where({ slug: 'cardholder-service' }).first();
      const form = $((await platform.get(paths.platform.help.edit(row.id))).text);
      expect(form('#phone').val()).toBe('+32 2 676 29 29');
      const fields = Object.fromEntries(
        ['titleFr', 'titleEn', 'topicsFr', 'topicsEn', 'hoursFr', 'hoursEn', 'phone', 'email', 'url', 'address'].map((n) => [
          n,
          String(form(`#${n}`).val() ?? ''),
        ]),
      );
      const res = await post(
        paths.platform.help.edit(row.id),
        { ...fields, hoursEn: '8 am to 8 pm, Monday to Saturday', audience: 'cardholders' },
        paths.platform.help.edit(row.id),
      );
      expect(res.status).toBe(303);
      expect($((await request(ctx.app).get(`${paths.help}?lang=en`)).text)('#help-cardholder-service').text()).toContain('8 am to 8 pm, Monday to Saturday');
      expect(await ctx.deps.db('audit_log').where({ action: 'help.update', object_id: String(row.id) })).toHaveLength(1);
    });

    it('can show an entry to administrators only', async () => {
      const row = await ctx.deps.db('help_entry').where({ slug: 'terms-and-forms' }).first();
      const form = $((await platform.get(paths.platform.help.edit(row.id))).text);
      const fields = Object.fromEntries(
        ['titleFr', 'titleEn', 'topicsFr', 'topicsEn', 'hoursFr', 'hoursEn', 'phone', 'email', 'url', 'address'].map((n) => [
          n,
          String(form(`#${n}`).val() ?? ''),
        ]),
      );
      await post(paths.platform.help.edit(row.id), { ...fields, audience: 'administrators' }, paths.platform.help.edit(row.id));
      expect(cardIds((await request(ctx.app).get(paths.help)).text)).not.toContain('help-terms-and-forms');
      expect(cardIds((await admin.get(paths.help)).text)).toContain('help-terms-and-forms');
    });

    it('reorders entries one place at a time (audited)', async () => {
      const order = async () => (await ctx.deps.db('help_entry').orderBy('position').select('slug')).map((r) => r.slug as string | null);
      const before = await order();
      const credit = await ctx.deps.db('help_entry').where({ slug: 'credit' }).first();
      const res = await post(paths.platform.help.move(credit.id), { direction: 'down' }, paths.platform.help.list);
      expect(res.status).toBe(303);
      const after = await order();
      const i = before.indexOf('credit');
      expect(after[i]).toBe(before[i + 1]);
      expect(after[i + 1]).toBe('credit');
      await post(paths.platform.help.move(credit.id), { direction: 'up' }, paths.platform.help.list);
      expect(await order()).toEqual(before);
      expect(await ctx.deps.db('audit_log').where({ action: 'help.reorder' })).toHaveLength(2);
      // Already first: nothing moves.
      const first = await ctx.deps.db('help_entry').orderBy('position').first();
      await post(paths.platform.help.move(first.id), { direction: 'up' }, paths.platform.help.list);
      expect(await order()).toEqual(before);
    });

    it('removes an entry after confirmation, but keeps the mediator the complaints point to', async () => {
      const portal = await ctx.deps.db('help_entry').where({ slug: 'portal' }).first();
      expect($((await platform.get(paths.platform.help.remove(portal.id))).text)('main button[type=submit]').text()).toBe('Remove the entry');
      expect((await post(paths.platform.help.remove(portal.id), {}, paths.platform.help.remove(portal.id))).status).toBe(303);
      expect(await ctx.deps.db('help_entry').where({ slug: 'portal' })).toHaveLength(0);
      expect(cardIds((await admin.get(paths.help)).text)).not.toContain('help-portal');
      expect(await ctx.deps.db('audit_log').where({ action: 'help.remove', object_id: String(portal.id) })).toHaveLength(1);
      const positions = (await ctx.deps.db('help_entry').orderBy('position').select('position')).map((r) => Number(r.position));
      expect(positions).toEqual(positions.map((_p, i) => i + 1));

      const mediator = await ctx.deps.db('help_entry').where({ slug: 'mediator' }).first();
      expect($((await platform.get(paths.platform.help.remove(mediator.id))).text)('#kept').text()).toContain('the complaints page points to it');
      const refused = await post(paths.platform.help.remove(mediator.id), {}, paths.platform.help.list);
      expect(refused.status).toBe(409);
      expect(await ctx.deps.db('help_entry').where({ slug: 'mediator' })).toHaveLength(1);
    });

    it('refuses a forged form (no CSRF token) and an unknown entry', async () => {
      const res = await platform.post(paths.platform.help.create).type('form').send(valid);
      expect(res.status).toBe(403);
      expect((await platform.get(paths.platform.help.edit(999999))).status).toBe(404);
      expect((await platform.get(paths.platform.help.edit('abc'))).status).toBe(404);
    });
  });
});
