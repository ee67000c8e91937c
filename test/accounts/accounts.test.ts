import request from 'supertest';
import { createTestContext, signInAs, getCsrf, csrfFrom, $, type TestContext, type Agent } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { paths } from '../../src/platform/paths';

const validForm = {
  number: '00820400777',
  companyName: 'Initech SA',
  addressBuilding: '',
  addressStreet: '5 rue des Lilas',
  addressCity: 'Nantes',
  addressPostalCode: '44000',
  addressCountry: 'FR',
  phone: '02 40 00 00 00',
  cardProduct: 'corporate',
  plasticTypes: ['corporate', 'gold'],
  liabilityType: 'joint',
  statementOption: 'individual',
  paymentType: 'individual',
};

describe('platform administrator: BC accounts', () => {
  let ctx: TestContext;
  let platform: Agent;
  let accountId: number;
  let platformId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    accountId = await givenAccount(ctx.deps.db, { number: '00820400012', company_name: 'ACME SA', address_city: 'Lyon' });
    platformId = (await givenAdministrator(ctx.deps.db, { email: 'paula@test.example', role: 'platform' })).id;
    await givenAdministrator(ctx.deps.db, { email: 'claire@test.example' }, [accountId]);
    platform = await signInAs(ctx.app, ctx.deps, 'paula@test.example');
  });
  afterAll(() => ctx.close());

  async function post(agent: Agent, url: string, body: Record<string, unknown>, lang = 'fr') {
    const token = await getCsrf(agent, `${url}?lang=${lang}`);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: token, ...body });
  }

  describe('access', () => {
    it('sends a visitor who is not signed in to the sign-in page', async () => {
      const res = await request(ctx.app).get(paths.platform.accounts.list);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/sign-in/);
    });

    it.each([
      ['GET', paths.platform.accounts.list],
      ['GET', paths.platform.accounts.create],
      ['POST', paths.platform.accounts.create],
      ['GET', 'edit'],
      ['POST', 'edit'],
      ['GET', paths.platform.accounts.import],
      ['GET', paths.platform.accounts.importSample],
      ['POST', paths.platform.accounts.import],
    ])('refuses a program administrator: %s %s → 403', async (method, url) => {
      const claire = await signInAs(ctx.app, ctx.deps, 'claire@test.example', 'en');
      const target = url === 'edit' ? paths.platform.accounts.edit(accountId) : url;
      const before = await ctx.deps.db('account').count<{ n: number }[]>({ n: '*' });
      let res;
      if (method === 'GET') {
        res = await claire.get(target);
      } else {
        const token = csrfFrom((await claire.get(paths.platform.accounts.list)).text);
        res =
          target === paths.platform.accounts.import
            ? await claire.post(target).field('_csrf', token).attach('file', Buffer.from('number\n00820400999\n'), 'a.csv')
            : await claire
                .post(target)
                .type('form')
                .send({ _csrf: token, ...validForm, number: '00820400998' });
      }
      expect(res.status).toBe(403);
      expect($(res.text)('h1').text()).toBe('Access denied');
      const after = await ctx.deps.db('account').count<{ n: number }[]>({ n: '*' });
      expect(after).toEqual(before);
      expect((await ctx.deps.db('account').where({ id: accountId }).first()).company_name).toBe('ACME SA');
    });

    it('shows the platform tabs to the platform administrator only', async () => {
      const res = await platform.get(paths.platform.accounts.list);
      expect($(res.text)(`nav.tabs a[href="${paths.platform.accounts.list}"]`).attr('aria-current')).toBe('page');
      const claire = await signInAs(ctx.app, ctx.deps, 'claire@test.example');
      const other = await claire.get(paths.platform.accounts.list);
      expect($(other.text)(`nav.tabs a[href="${paths.platform.accounts.list}"]`).length).toBe(0);
    });
  });

  describe('list', () => {
    it('shows number, company, city, card product, payment type and the number of active keys', async () => {
      const id = await givenAccount(ctx.deps.db, {
        number: '00820400020',
        company_name: 'Globex',
        address_city: 'Bruxelles',
        card_product: 'corporate_air_france',
        payment_type: 'individual',
      });
      await givenAccessKey(ctx.deps.db, id, platformId);
      await givenAccessKey(ctx.deps.db, id, platformId, { deleted_at: '2026-11-24T10:00:00.000Z', deleted_by: platformId });
      const res = await platform.get(`${paths.platform.accounts.list}?lang=en`);
      expect(res.status).toBe(200);
      const cells = $(res.text)('tr[data-number="00820400020"] td')
        .map((_i, el) => $(res.text)(el).text().trim())
        .get();
      expect(cells.slice(0, 6)).toEqual(['00820400020', 'Globex', 'Bruxelles', 'Air France – American Express Corporate Card', 'Individual payment', '1']);
      expect($(res.text)(`a[href="${paths.platform.accounts.edit(id)}"]`).length).toBe(1);
    });
  });

  describe('create', () => {
    it('adds an account with every field and says so', async () => {
      const res = await post(platform, paths.platform.accounts.create, validForm);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(paths.platform.accounts.list);
      const row = await ctx.deps.db('account').where({ number: '00820400777' }).first();
      expect(row).toMatchObject({
        company_name: 'Initech SA',
        address_building: '',
        address_street: '5 rue des Lilas',
        address_city: 'Nantes',
        address_postal_code: '44000',
        address_country: 'FR',
        phone: '+33 2 40 00 00 00',
        card_product: 'corporate',
        liability_type: 'joint',
        statement_option: 'individual',
        payment_type: 'individual',
      });
      expect(JSON.parse(row.plastic_types)).toEqual(['corporate', 'gold']);
      const list = await platform.get(paths.platform.accounts.list);
      expect($(list.text)('.banner').text()).toContain('Compte 00820400777 ajouté.');
    });

    it.each([
      [
        'fr',
        'Erreur :',
        'Il y a un problème',
        'Le numéro de compte doit comporter exactement 11 chiffres',
        'Cochez au moins un type de carte',
        'Saisissez un numéro de téléphone valide',
      ],
      ['en', 'Error:', 'There is a problem', 'The account number must be exactly 11 digits', 'Select at least one plastic type', 'Enter a valid phone number'],
    ])(
      'in %s, refuses invalid input with a summary and inline errors, keeping the values',
      async (lang, prefix, summaryTitle, numberError, plasticError, phoneError) => {
        const before = await ctx.deps.db('account').count<{ n: number }[]>({ n: '*' });
        const res = await post(
          platform,
          paths.platform.accounts.create,
          { ...validForm, number: '12345', plasticTypes: [], phone: '12', companyName: 'Société <b>Test</b>', addressCity: '' },
          lang,
        );
        expect(res.status).toBe(400);
        const page = $(res.text);
        expect(page('title').text().startsWith(prefix)).toBe(true);
        expect(page('.error-summary h2').text()).toBe(summaryTitle);
        const summary = page('.error-summary a')
          .map((_i, el) => page(el).attr('href'))
          .get();
        expect(summary).toEqual(['#number', '#addressCity', '#phone', '#plasticTypes']);
        expect(page('#number-error').text()).toContain(numberError);
        expect(page('#plasticTypes-error').text()).toContain(plasticError);
        expect(page('#phone-error').text()).toContain(phoneError);
        expect(page('#number').val()).toBe('12345');
        expect(page('#companyName').val()).toBe('Société <b>Test</b>');
        expect(page('#addressPostalCode').val()).toBe('44000');
        expect(page('input[name="liabilityType"][value="joint"]').attr('checked')).toBeDefined();
        expect(res.text).not.toContain('<b>Test</b>');
        expect(await ctx.deps.db('account').count<{ n: number }[]>({ n: '*' })).toEqual(before);
      },
    );

    it('refuses a number that already exists', async () => {
      const res = await post(platform, paths.platform.accounts.create, { ...validForm, number: '008 2040 0012' }, 'en');
      expect(res.status).toBe(400);
      expect($(res.text)('#number-error').text()).toContain('This account number already exists');
    });

    it('refuses an unknown code for a card option', async () => {
      const res = await post(
        platform,
        paths.platform.accounts.create,
        { ...validForm, number: '00820400778', cardProduct: 'black', plasticTypes: ['gold', 'titanium'] },
        'en',
      );
      expect(res.status).toBe(400);
      expect($(res.text)('#cardProduct-error').text()).toContain('Choose the card product');
      expect($(res.text)('#plasticTypes-error').text()).toContain('Select plastic types from the list');
    });

    it('refuses a form without its CSRF token', async () => {
      await platform.get(paths.platform.accounts.create);
      const res = await platform
        .post(paths.platform.accounts.create)
        .type('form')
        .send({ ...validForm, number: '00820400779' });
      expect(res.status).toBe(403);
      expect(await ctx.deps.db('account').where({ number: '00820400779' }).first()).toBeUndefined();
    });
  });

  describe('edit', () => {
    let editId: number;
    beforeEach(async () => {
      editId = await givenAccount(ctx.deps.db, { plastic_types: JSON.stringify(['corporate', 'gold', 'platinum']), payment_type: 'individual' });
    });

    function formOf(row: Record<string, string>, overrides: Record<string, unknown> = {}) {
      return {
        number: row.number,
        companyName: row.company_name,
        addressBuilding: row.address_building,
        addressStreet: row.address_street,
        addressCity: row.address_city,
        addressPostalCode: row.address_postal_code,
        addressCountry: row.address_country,
        phone: '+33 1 40 00 00 01',
        cardProduct: row.card_product,
        plasticTypes: JSON.parse(row.plastic_types),
        liabilityType: row.liability_type,
        statementOption: row.statement_option,
        paymentType: row.payment_type,
        ...overrides,
      };
    }

    it('shows the saved values and saves changes', async () => {
      const row = await ctx.deps.db('account').where({ id: editId }).first();
      const page = $((await platform.get(paths.platform.accounts.edit(editId))).text);
      expect(page('#number').val()).toBe(row.number);
      expect(page('#companyName').val()).toBe(row.company_name);
      expect(page('#addressCountry option[selected]').val()).toBe('FR');
      expect(
        page('input[name="plasticTypes"][checked]')
          .map((_i, el) => page(el).val())
          .get(),
      ).toEqual(['corporate', 'gold', 'platinum']);
      const res = await post(
        platform,
        paths.platform.accounts.edit(editId),
        formOf(row, { companyName: 'Renamed SA', addressCountry: 'BE', phone: '+32 2 500 00 00', statementOption: 'centralised' }),
      );
      expect(res.status).toBe(303);
      const after = await ctx.deps.db('account').where({ id: editId }).first();
      expect(after).toMatchObject({ company_name: 'Renamed SA', address_country: 'BE', phone: '+32 2 500 00 00', statement_option: 'centralised' });
      expect(after.updated_at).not.toBe(row.updated_at);
    });

    it('refuses removing a plastic type an active key uses, but not one only a deleted key used', async () => {
      await givenAccessKey(ctx.deps.db, editId, platformId, { name: 'Sales team', plastic_type: 'gold', number: 'ABCD2345' });
      await givenAccessKey(ctx.deps.db, editId, platformId, { plastic_type: 'platinum', deleted_at: '2026-11-24T10:00:00.000Z', deleted_by: platformId });
      const row = await ctx.deps.db('account').where({ id: editId }).first();
      const refused = await post(platform, paths.platform.accounts.edit(editId), formOf(row, { plasticTypes: ['corporate'] }), 'en');
      expect(refused.status).toBe(400);
      expect($(refused.text)('#plasticTypes-error').text()).toContain('“Corporate Gold Card” is used by the active key Sales team (ABCD2345)');
      expect(JSON.parse((await ctx.deps.db('account').where({ id: editId }).first()).plastic_types)).toEqual(['corporate', 'gold', 'platinum']);
      const frRefused = await post(platform, paths.platform.accounts.edit(editId), formOf(row, { plasticTypes: ['corporate'] }), 'fr');
      expect($(frRefused.text)('#plasticTypes-error').text()).toContain('« Carte Corporate Gold » est utilisé par la clé active Sales team');
      const ok = await post(platform, paths.platform.accounts.edit(editId), formOf(row, { plasticTypes: ['gold'] }));
      expect(ok.status).toBe(303);
      expect(JSON.parse((await ctx.deps.db('account').where({ id: editId }).first()).plastic_types)).toEqual(['gold']);
    });

    it('refuses central payment while an active key offers direct debit', async () => {
      await givenAccessKey(ctx.deps.db, editId, platformId, { name: 'Travel', direct_debit_rule: 'optional', number: 'WXYZ6789' });
      const row = await ctx.deps.db('account').where({ id: editId }).first();
      const refused = await post(platform, paths.platform.accounts.edit(editId), formOf(row, { paymentType: 'central' }), 'en');
      expect(refused.status).toBe(400);
      expect($(refused.text)('#paymentType-error').text()).toContain('Payment cannot become central: the active key Travel (WXYZ6789) offers direct debit');
      expect((await ctx.deps.db('account').where({ id: editId }).first()).payment_type).toBe('individual');
      await ctx.deps.db('access_key').where({ account_id: editId }).update({ direct_debit_rule: 'none' });
      expect((await post(platform, paths.platform.accounts.edit(editId), formOf(row, { paymentType: 'central' }))).status).toBe(303);
    });

    it('refuses taking the number of another account', async () => {
      const row = await ctx.deps.db('account').where({ id: editId }).first();
      const res = await post(platform, paths.platform.accounts.edit(editId), formOf(row, { number: '00820400012' }), 'en');
      expect(res.status).toBe(400);
      expect($(res.text)('#number-error').text()).toContain('already exists');
    });

    it('answers 404 for an unknown account', async () => {
      expect((await platform.get(paths.platform.accounts.edit(999999))).status).toBe(404);
      expect((await platform.get(paths.platform.accounts.edit('abc'))).status).toBe(404);
      const res = await post(platform, paths.platform.accounts.edit(999999), validForm);
      expect(res.status).toBe(404);
    });
  });
});
