import request from 'supertest';
import { createTestContext, signInAs, getCsrf, csrfFrom, $, type TestContext, type Agent } from '../support/app';
import { countOf } from '../support/database';
import { givenAccount, givenAdministrator } from '../support/builders';
import { paths } from '../../src/platform/paths';

describe('platform administrator: administrators', () => {
  let ctx: TestContext;
  let platform: Agent;
  let paulaId: number;
  let claireId: number;
  let acme: number;
  let globex: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await givenAccount(ctx.deps.db, { number: '00820400012', company_name: 'ACME SA' });
    globex = await givenAccount(ctx.deps.db, { number: '00000500036', company_name: 'Globex SA' });
    paulaId = (await givenAdministrator(ctx.deps.db, { email: 'paula@test.example', display_name: 'Paula Plateforme', role: 'platform' })).id;
    claireId = (await givenAdministrator(ctx.deps.db, { email: 'claire@test.example', display_name: 'Claire Martin' }, [acme])).id;
    platform = await signInAs(ctx.app, ctx.deps, 'paula@test.example');
  });
  afterAll(() => ctx.close());

  async function post(agent: Agent, url: string, body: Record<string, unknown>, lang = 'fr', formUrl = url) {
    const token = await getCsrf(agent, `${formUrl}?lang=${lang}`);
    return agent
      .post(url)
      .type('form')
      .send({ _csrf: token, ...body });
  }
  const adminRow = (email: string) => ctx.deps.db('administrator').where({ email }).first();
  const accountsOf = async (id: number) =>
    (await ctx.deps.db('administrator_account').where({ administrator_id: id }).orderBy('account_id')).map((r: { account_id: number }) => r.account_id);

  describe('access', () => {
    it.each([
      ['GET', paths.platform.administrators.list],
      ['GET', paths.platform.administrators.create],
      ['POST', paths.platform.administrators.create],
      ['GET', 'edit'],
      ['POST', 'edit'],
      ['GET', 'deactivate'],
      ['POST', 'deactivate'],
      ['POST', 'reactivate'],
    ])('refuses a program administrator: %s %s → 403, nothing changed', async (method, url) => {
      const other = await givenAdministrator(ctx.deps.db, { display_name: 'Target', active: url !== 'reactivate' });
      const target =
        url === 'edit'
          ? paths.platform.administrators.edit(other.id)
          : url === 'deactivate'
            ? paths.platform.administrators.deactivate(other.id)
            : url === 'reactivate'
              ? paths.platform.administrators.reactivate(other.id)
              : url;
      const claire = await signInAs(ctx.app, ctx.deps, 'claire@test.example', 'en');
      const before = await ctx.deps.db('administrator').orderBy('id');
      let res;
      if (method === 'GET') {
        res = await claire.get(target);
      } else {
        const token = csrfFrom((await claire.get(paths.platform.administrators.list)).text);
        res = await claire
          .post(target)
          .type('form')
          .send({ _csrf: token, displayName: 'Hacked', email: 'new@test.example', role: 'platform', language: 'en', accountIds: [String(globex)] });
      }
      expect(res.status).toBe(403);
      expect($(res.text)('h1').text()).toBe('Access denied');
      expect(await ctx.deps.db('administrator').orderBy('id')).toEqual(before);
      expect(await accountsOf(claireId)).toEqual([acme]);
    });

    it('sends a visitor who is not signed in to the sign-in page', async () => {
      const res = await request(ctx.app).get(paths.platform.administrators.list);
      expect(res.status).toBe(303);
    });
  });

  it('lists administrators with e-mail, role, status and the BCs they manage', async () => {
    const res = await platform.get(`${paths.platform.administrators.list}?lang=en`);
    expect(res.status).toBe(200);
    const page = $(res.text);
    const claire = page('tr[data-email="claire@test.example"] td')
      .map((_i, el) => page(el).text().replace(/\s+/g, ' ').trim())
      .get();
    expect(claire.slice(0, 5)).toEqual(['Claire Martin', 'claire@test.example', 'Program administrator', 'Active', '00820400012 – ACME SA']);
    expect(page('tr[data-email="paula@test.example"] td').eq(4).text().trim()).toBe('All accounts');
    // no way to deactivate oneself from the list
    expect(page(`tr[data-email="paula@test.example"] a[href="${paths.platform.administrators.deactivate(paulaId)}"]`).length).toBe(0);
    expect(page(`tr[data-email="claire@test.example"] a[href="${paths.platform.administrators.deactivate(claireId)}"]`).length).toBe(1);
  });

  describe('add', () => {
    it('adds an administrator with a lower-case e-mail, role, language and BCs', async () => {
      const res = await post(platform, paths.platform.administrators.create, {
        displayName: 'Marc Dupont',
        email: 'Marc.Dupont@Globex.example',
        role: 'admin',
        language: 'en',
        accountIds: [String(globex), String(acme)],
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(paths.platform.administrators.list);
      const row = await adminRow('marc.dupont@globex.example');
      expect(row).toMatchObject({ display_name: 'Marc Dupont', role: 'admin', language: 'en' });
      expect(Boolean(row.active)).toBe(true);
      expect(await accountsOf(row.id)).toEqual([acme, globex].sort((a, b) => a - b));
      const list = await platform.get(paths.platform.administrators.list);
      expect($(list.text)('.banner').text()).toContain('Marc Dupont ajouté.');
    });

    it('refuses an e-mail already used, whatever its case', async () => {
      const res = await post(
        platform,
        paths.platform.administrators.create,
        { displayName: 'Claire Bis', email: 'CLAIRE@test.example', role: 'admin', language: 'fr' },
        'en',
      );
      expect(res.status).toBe(400);
      expect($(res.text)('#email-error').text()).toContain('An administrator already has this e-mail address');
      expect(await ctx.deps.db('administrator').where({ display_name: 'Claire Bis' }).first()).toBeUndefined();
    });

    it.each([
      ['fr', 'Erreur :', 'Saisissez le nom complet', 'Saisissez une adresse e-mail au bon format', 'Choisissez le rôle'],
      ['en', 'Error:', 'Enter the full name', 'Enter an e-mail address in the correct format', 'Choose the role'],
    ])('in %s, refuses invalid input with a summary and inline errors, keeping the values', async (lang, prefix, nameError, emailError, roleError) => {
      const res = await post(
        platform,
        paths.platform.administrators.create,
        { displayName: '', email: 'not-an-email', role: 'superuser', language: 'en', accountIds: [String(globex)] },
        lang,
      );
      expect(res.status).toBe(400);
      const page = $(res.text);
      expect(page('title').text().startsWith(prefix)).toBe(true);
      expect(
        page('.error-summary a')
          .map((_i, el) => page(el).attr('href'))
          .get(),
      ).toEqual(['#displayName', '#email', '#role']);
      expect(page('#displayName-error').text()).toContain(nameError);
      expect(page('#email-error').text()).toContain(emailError);
      expect(page('#role-error').text()).toContain(roleError);
      expect(page('#email').val()).toBe('not-an-email');
      expect(page('input[name="language"][value="en"]').attr('checked')).toBeDefined();
      expect(page(`input[name="accountIds"][value="${globex}"]`).attr('checked')).toBeDefined();
      expect(page(`input[name="accountIds"][value="${acme}"]`).attr('checked')).toBeUndefined();
    });

    it('refuses a BC that does not exist', async () => {
      const res = await post(
        platform,
        paths.platform.administrators.create,
        { displayName: 'Zed', email: 'zed@test.example', role: 'admin', language: 'fr', accountIds: ['999999'] },
        'en',
      );
      expect(res.status).toBe(400);
      expect($(res.text)('#accountIds-error').text()).toContain('Select accounts from the list');
      expect(await adminRow('zed@test.example')).toBeUndefined();
    });
  });

  describe('edit', () => {
    it('changes name, role, language and BCs, but never the e-mail', async () => {
      const { id } = await givenAdministrator(ctx.deps.db, { email: 'edit.me@test.example', display_name: 'Edit Me' }, [acme]);
      const form = $((await platform.get(paths.platform.administrators.edit(id))).text);
      expect(form('#displayName').val()).toBe('Edit Me');
      expect(form('#email').text()).toBe('edit.me@test.example');
      expect(form(`input[name="accountIds"][value="${acme}"]`).attr('checked')).toBeDefined();
      const res = await post(platform, paths.platform.administrators.edit(id), {
        displayName: 'Edited',
        email: 'hijack@test.example',
        role: 'platform',
        language: 'en',
        accountIds: [String(globex)],
      });
      expect(res.status).toBe(303);
      const row = await ctx.deps.db('administrator').where({ id }).first();
      expect(row).toMatchObject({ email: 'edit.me@test.example', display_name: 'Edited', role: 'platform', language: 'en' });
      expect(await accountsOf(id)).toEqual([globex]);
      const none = await post(platform, paths.platform.administrators.edit(id), { displayName: 'Edited', role: 'admin', language: 'en' });
      expect(none.status).toBe(303);
      expect(await accountsOf(id)).toEqual([]);
    });

    it('refuses removing one’s own platform role', async () => {
      const res = await post(platform, paths.platform.administrators.edit(paulaId), { displayName: 'Paula', role: 'admin', language: 'fr' }, 'en');
      expect(res.status).toBe(400);
      expect($(res.text)('#role-error').text()).toContain('You cannot remove your own platform administrator role');
      expect((await adminRow('paula@test.example')).role).toBe('platform');
    });

    it('answers 404 for an unknown administrator', async () => {
      expect((await platform.get(paths.platform.administrators.edit(999999))).status).toBe(404);
      const token = csrfFrom((await platform.get(paths.platform.administrators.list)).text);
      expect(
        (await platform.post(paths.platform.administrators.edit(999999)).type('form').send({ _csrf: token, displayName: 'X', role: 'admin', language: 'fr' }))
          .status,
      ).toBe(404);
      expect((await platform.post(paths.platform.administrators.deactivate(999999)).type('form').send({ _csrf: token })).status).toBe(404);
      expect((await platform.post(paths.platform.administrators.reactivate('abc')).type('form').send({ _csrf: token })).status).toBe(404);
    });
  });

  describe('deactivate and reactivate', () => {
    it('asks for confirmation, then deactivates and ends the administrator’s sessions', async () => {
      const { id, email } = await givenAdministrator(ctx.deps.db, { email: 'leaving@test.example', display_name: 'Leaving Soon' }, [acme]);
      const leaving = await signInAs(ctx.app, ctx.deps, email);
      expect((await leaving.get(paths.admin.home)).status).toBe(303);
      expect(await countOf(ctx.deps.db('session').where({ user_key: `admin:${id}` }))).toBe(1);

      const confirm = await platform.get(`${paths.platform.administrators.deactivate(id)}?lang=en`);
      expect(confirm.status).toBe(200);
      expect($(confirm.text)('h1').text()).toBe('Deactivate Leaving Soon?');
      expect($(confirm.text)('main button[type="submit"]').text()).toBe('Yes, deactivate');
      expect(Boolean((await adminRow(email)).active)).toBe(true); // a GET changes nothing

      const res = await post(platform, paths.platform.administrators.deactivate(id), {}, 'fr');
      expect(res.status).toBe(303);
      expect(Boolean((await adminRow(email)).active)).toBe(false);
      expect(await countOf(ctx.deps.db('session').where({ user_key: `admin:${id}` }))).toBe(0);
      const after = await leaving.get(paths.admin.accessKeys.list);
      expect(after.status).toBe(303);
      expect(after.headers.location).toMatch(/^\/sign-in/);
      const list = $((await platform.get(paths.platform.administrators.list)).text);
      expect(list('.banner').text()).toContain('Leaving Soon désactivé et déconnecté.');
      expect(list(`tr[data-email="${email}"]`).text()).toContain('Désactivé');

      const token = csrfFrom((await platform.get(paths.platform.administrators.list)).text);
      const back = await platform.post(paths.platform.administrators.reactivate(id)).type('form').send({ _csrf: token });
      expect(back.status).toBe(303);
      expect(Boolean((await adminRow(email)).active)).toBe(true);
      expect(await accountsOf(id)).toEqual([acme]);
    });

    it('never lets a platform administrator deactivate themselves', async () => {
      const page = await platform.get(`${paths.platform.administrators.deactivate(paulaId)}?lang=en`);
      expect(page.status).toBe(200);
      expect($(page.text)('main form').length).toBe(0);
      expect($(page.text)('main').text()).toContain('You cannot deactivate yourself');
      const token = csrfFrom((await platform.get(paths.platform.administrators.list)).text);
      const res = await platform.post(paths.platform.administrators.deactivate(paulaId)).type('form').send({ _csrf: token });
      expect(res.status).toBe(409);
      expect($(res.text)('main').text()).toContain('You cannot deactivate yourself');
      expect(Boolean((await adminRow('paula@test.example')).active)).toBe(true);
    });

    it('refuses deactivation without a CSRF token', async () => {
      const { id, email } = await givenAdministrator(ctx.deps.db);
      await platform.get(paths.platform.administrators.deactivate(id));
      const res = await platform.post(paths.platform.administrators.deactivate(id)).type('form').send({});
      expect(res.status).toBe(403);
      expect(Boolean((await adminRow(email)).active)).toBe(true);
    });
  });
});
