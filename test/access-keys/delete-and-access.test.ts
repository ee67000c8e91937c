import request from 'supertest';
import { $, getCsrf } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccessKey, givenApplicationRow } from '../support/builders';
import { givenWorld, validForm, type AccessKeyWorld } from '../support/access-key-world';

describe('deleting access keys, and who may see which key', () => {
  let w: AccessKeyWorld;
  let key: { id: number; number: string };
  let bobsKey: { id: number; number: string };
  beforeEach(async () => {
    w = await givenWorld();
    key = await givenAccessKey(w.ctx.deps.db, w.central, w.alice.id, { name: 'Siège' });
    bobsKey = await givenAccessKey(w.ctx.deps.db, w.foreign, w.bob.id, { name: 'Globex' });
  });
  afterEach(() => w.ctx.close());

  const row = (id: number) => w.ctx.deps.db('access_key').where({ id }).first();

  async function postDelete(confirm: string | undefined, who: 'alice' | 'bob' = 'alice', lang: 'fr' | 'en' = 'fr', id = key.id) {
    const agent = await w.as(who, lang);
    const token = await getCsrf(agent, paths.admin.accessKeys.create);
    return {
      agent,
      res: await agent
        .post(paths.admin.accessKeys.delete(id))
        .type('form')
        .send({ _csrf: token, ...(confirm ? { confirm } : {}) }),
    };
  }

  it('asks for confirmation, then deletes logically and keeps the row', async () => {
    const agent = await w.as('alice');
    const page = $((await agent.get(paths.admin.accessKeys.delete(key.id))).text);
    expect(page('h1').text()).toBe('Supprimer la clé d’accès Siège');
    expect(page('main').text()).toContain(`Voulez-vous vraiment supprimer la clé d’accès Siège (${key.number}) ?`);
    expect(
      page('input[name="confirm"]')
        .map((_i, e) => page(e).val())
        .get(),
    ).toEqual(['yes', 'no']);

    const { agent: a2, res } = await postDelete('yes');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.admin.accessKeys.list);
    const after = await row(key.id);
    expect(after).toMatchObject({ deleted_at: '2026-11-24T09:00:00.000Z', deleted_by: w.alice.id, name: 'Siège' });
    const list = $((await a2.get(paths.admin.accessKeys.list)).text);
    expect(list('.banner').text()).toBe('La clé d’accès Siège a été supprimée.');
    expect(list('table').length).toBe(0);
    expect((await a2.get(paths.admin.accessKeys.show(key.id))).status).toBe(404);
  });

  it('keeps the key when the answer is no', async () => {
    const { res } = await postDelete('no');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(paths.admin.accessKeys.show(key.id));
    expect((await row(key.id)).deleted_at).toBeNull();
  });

  it.each([
    ['fr', 'Indiquez si vous voulez supprimer la clé d’accès'],
    ['en', 'Choose whether to delete the access key'],
  ] as const)('asks again when no answer is given (%s)', async (lang, message) => {
    const { res } = await postDelete(undefined, 'alice', lang);
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary a[href="#confirm"]').text()).toBe(message);
    expect($(res.text)('#confirm-error').text()).toContain(message);
    expect((await row(key.id)).deleted_at).toBeNull();
  });

  it('refuses deletion while applications are open, and lists them', async () => {
    const { id: open } = await givenApplicationRow(
      w.ctx.deps.db,
      { status: 'pending_approval', first_name: 'Jeanne', last_name: 'Durand' },
      { id: key.id, accountId: w.central },
    );
    await givenApplicationRow(w.ctx.deps.db, { status: 'in_progress', first_name: 'Paul', last_name: 'Martin' }, { id: key.id, accountId: w.central });
    await givenApplicationRow(w.ctx.deps.db, { status: 'card_delivered', first_name: 'Fini', last_name: 'Terminé' }, { id: key.id, accountId: w.central });
    await givenApplicationRow(w.ctx.deps.db, { status: 'cancelled', first_name: 'Annulé', last_name: 'Annulée' }, { id: key.id, accountId: w.central });
    const agent = await w.as('alice', 'en');
    const page = $((await agent.get(paths.admin.accessKeys.delete(key.id))).text);
    expect(page('h1').text()).toBe('Access key Siège cannot be deleted yet');
    expect(page('.warning').text()).toBe('This key has 2 applications in progress. Cancel them first, then delete the key.');
    const rows = page('tbody tr')
      .map((_i, tr) =>
        page(tr)
          .find('td')
          .map((_j, td) => page(td).text().trim())
          .get()
          .join(' | '),
      )
      .get();
    expect(rows).toEqual([
      expect.stringMatching(/^\d{10} \| Jeanne Durand \| Pending approval$/),
      expect.stringMatching(/^\d{10} \| Paul Martin \| In progress$/),
    ]);
    expect(page(`a[href="${paths.admin.applications.show(open)}"]`).length).toBe(1);
    expect(page('input[name="confirm"]').length).toBe(0);

    const { res } = await postDelete('yes', 'alice', 'fr');
    expect(res.status).toBe(409);
    expect($(res.text)('.warning').text()).toBe('Cette clé a 2 demandes en cours. Annulez-les d’abord, puis supprimez la clé.');
    expect((await row(key.id)).deleted_at).toBeNull();
  });

  it.each(['invited', 'in_progress', 'returned', 'awaiting_additional_approval', 'pending_approval', 'approved'])(
    'is blocked by an application %s',
    async (status) => {
      await givenApplicationRow(w.ctx.deps.db, { status }, { id: key.id, accountId: w.central });
      const { res } = await postDelete('yes');
      expect(res.status).toBe(409);
      expect((await row(key.id)).deleted_at).toBeNull();
    },
  );

  it.each(['transmitted', 'card_issued', 'card_delivered', 'cancelled', 'expired', 'declined_by_issuer'])(
    'is not blocked by an application %s',
    async (status) => {
      await givenApplicationRow(w.ctx.deps.db, { status }, { id: key.id, accountId: w.central });
      const { res } = await postDelete('yes');
      expect(res.status).toBe(303);
      expect((await row(key.id)).deleted_at).not.toBeNull();
      expect(await w.ctx.deps.db('application').where({ access_key_id: key.id })).toHaveLength(1);
    },
  );

  it('refuses a deletion without its CSRF token, and deletes nothing', async () => {
    const agent = await w.as('alice');
    await agent.get(paths.admin.accessKeys.delete(key.id));
    const res = await agent.post(paths.admin.accessKeys.delete(key.id)).type('form').send({ confirm: 'yes' });
    expect(res.status).toBe(403);
    expect((await row(key.id)).deleted_at).toBeNull();
  });

  describe('another administrator’s key', () => {
    it.each([
      ['show', () => paths.admin.accessKeys.show(key.id)],
      ['edit', () => paths.admin.accessKeys.edit(key.id)],
      ['delete', () => paths.admin.accessKeys.delete(key.id)],
    ])('answers 404 on the %s page', async (_name, url) => {
      const bob = await w.as('bob');
      const res = await bob.get(url());
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('Siège');
      expect(res.text).not.toContain(key.number);
      // and its owner sees it
      const alice = await w.as('alice');
      expect((await alice.get(url())).status).toBe(200);
    });

    it('answers 404 to a deletion, and deletes nothing', async () => {
      const { res } = await postDelete('yes', 'bob');
      expect(res.status).toBe(404);
      expect((await row(key.id)).deleted_at).toBeNull();
      // the same for Alice on Bob's key
      const { res: reverse } = await postDelete('yes', 'alice', 'fr', bobsKey.id);
      expect(reverse.status).toBe(404);
      expect((await row(bobsKey.id)).deleted_at).toBeNull();
    });

    it('answers 404 to an edit, and changes nothing', async () => {
      const agent = await w.as('alice');
      const token = await getCsrf(agent, paths.admin.accessKeys.create);
      const res = await agent
        .post(paths.admin.accessKeys.edit(bobsKey.id))
        .type('form')
        .send({ _csrf: token, ...validForm({ name: 'Pwned' }) });
      expect(res.status).toBe(404);
      expect((await row(bobsKey.id)).name).toBe('Globex');
    });

    it('answers 404 to ids that are not numbers or do not exist', async () => {
      const agent = await w.as('alice');
      for (const url of ['/admin/access-keys/abc', '/admin/access-keys/99999', '/admin/access-keys/1e3/edit', '/admin/access-keys/-1/delete']) {
        expect((await agent.get(url)).status).toBe(404);
      }
    });

    it('is not shown after the key of the actor was deleted (deleted keys are 404 everywhere)', async () => {
      await w.ctx.deps.db('access_key').where({ id: key.id }).update({ deleted_at: '2026-11-01T00:00:00.000Z', deleted_by: w.alice.id });
      const alice = await w.as('alice');
      for (const url of [paths.admin.accessKeys.show(key.id), paths.admin.accessKeys.edit(key.id), paths.admin.accessKeys.delete(key.id)]) {
        expect((await alice.get(url)).status).toBe(404);
      }
    });
  });

  it('requires a signed-in administrator on every route', async () => {
    for (const url of [paths.admin.accessKeys.show(key.id), paths.admin.accessKeys.edit(key.id), paths.admin.accessKeys.delete(key.id)]) {
      const res = await request(w.ctx.app).get(url);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/sign-in\?returnTo=/);
    }
  });

  it('shows the key page with every setting and the BC’s options', async () => {
    await w.ctx.deps
      .db('access_key')
      .where({ id: key.id })
      .update({ notification_recipients: JSON.stringify(['final@acme.example']), cost_centre_rule: 'required' });
    const agent = await w.as('alice', 'en');
    const page = $((await agent.get(paths.admin.accessKeys.show(key.id))).text);
    const text = page('main').text();
    for (const expected of [
      'Access key Siège',
      key.number,
      '00820400012',
      'Acme Industries',
      'American Express Corporate Card',
      'Company liability',
      'Centralised billing',
      'Central payment',
      'final@acme.example',
      '23 November 2046',
    ]) {
      expect(text).toContain(expected);
    }
    expect(page('dt:contains("Cost-centre code") + dd').text()).toBe('Required');
  });

  it('says when a key has expired', async () => {
    await w.ctx.deps.db('access_key').where({ id: key.id }).update({ expires_on: '2026-11-23' });
    const agent = await w.as('alice');
    const page = $((await agent.get(paths.admin.accessKeys.show(key.id))).text);
    expect(page('.warning').text()).toContain('Cette clé a expiré le 23 novembre 2026');
  });
});
