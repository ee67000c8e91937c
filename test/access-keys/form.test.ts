import { $, getCsrf } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccessKey } from '../support/builders';
import { givenWorld, validForm, type AccessKeyWorld } from '../support/access-key-world';

describe('creating and editing access keys', () => {
  let w: AccessKeyWorld;
  beforeEach(async () => {
    w = await givenWorld();
  });
  afterEach(() => w.ctx.close());

  const keysOf = (accountId: number) => w.ctx.deps.db('access_key').where({ account_id: accountId });

  async function postCreate(form: Record<string, string>, lang: 'fr' | 'en' = 'fr') {
    const agent = await w.as('alice', lang);
    const token = await getCsrf(agent, paths.admin.accessKeys.create);
    return agent
      .post(paths.admin.accessKeys.create)
      .type('form')
      .send({ _csrf: token, ...form });
  }

  it('shows the form with only the actor’s BCs, their read-only options and the default expiry', async () => {
    const agent = await w.as('alice', 'en');
    const res = await agent.get(paths.admin.accessKeys.create);
    expect(res.status).toBe(200);
    const page = $(res.text);
    const options = page('select#accountId option')
      .map((_i, o) => page(o).attr('value'))
      .get();
    expect(options).toEqual(['', String(w.central), String(w.individual), String(w.third)]);
    expect(page('select#accountId').text()).not.toContain('Globex');
    expect(page('main').text()).toContain('Central payment');
    // The rest of the form comes once a BC is chosen.
    const chosen = $((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.central}`)).text);
    expect(chosen('#expiresDay').val()).toBe('24');
    expect(chosen('#expiresMonth').val()).toBe('11');
    expect(chosen('#expiresYear').val()).toBe('2046');
    expect(chosen('main form[method="post"] input[name="_csrf"]').length).toBe(1);
  });

  it('asks for the BC first, without JavaScript: a GET form, and no plastic type before a BC is chosen', async () => {
    for (const [lang, button] of [
      ['fr', 'Afficher le formulaire de ce BC'],
      ['en', 'Show this BC’s form'],
    ] as const) {
      const agent = await w.as('alice', lang);
      const page = $((await agent.get(paths.admin.accessKeys.create)).text);
      const chooser = page('main form').has('select#accountId');
      expect(chooser.attr('method')).toBe('get');
      expect(chooser.attr('action')).toBe(paths.admin.accessKeys.create);
      expect(chooser.find('button[type="submit"]').text().trim()).toBe(button);
      expect(page('main form[method="post"]').length).toBe(0);
      expect(page('input[name="plasticType"]').length).toBe(0);
    }
  });

  it('offers only the chosen BC’s plastic types, and still refuses another BC’s type with a translated error', async () => {
    const agent = await w.as('alice', 'en');
    const typesOn = (html: string) => {
      const page = $(html);
      return page('input[name="plasticType"]')
        .map((_i, e) => page(e).val())
        .get();
    };
    expect(typesOn((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.individual}`)).text)).toEqual(['corporate', 'platinum']);
    expect(typesOn((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.central}`)).text)).toEqual(['corporate', 'gold']);
    for (const [lang, message] of [
      ['fr', 'Ce type de plastique n’est pas autorisé pour ce compte société'],
      ['en', 'This plastic type is not allowed for this billing account'],
    ] as const) {
      const res = await postCreate(validForm({ accountId: String(w.central), plasticType: 'platinum' }), lang);
      expect(res.status).toBe(400);
      expect($(res.text)('#plasticType-error').text()).toContain(message);
      expect(typesOn(res.text)).toEqual(['corporate', 'gold']);
      expect($(res.text)('main form[method="post"] input[type="hidden"][name="accountId"]').val()).toBe(String(w.central));
    }
    expect(await keysOf(w.central)).toHaveLength(0);
  });

  it('tailors the form to a BC chosen with ?accountId= (its plastic types; no direct debit on central payment)', async () => {
    const agent = await w.as('alice', 'en');
    const central = $((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.central}`)).text);
    expect(
      central('input[name="plasticType"]')
        .map((_i, e) => central(e).val())
        .get(),
    ).toEqual(['corporate', 'gold']);
    expect(central('input[name="directDebitRule"][type="hidden"]').val()).toBe('none');
    expect(central('select#accountId option[selected]').val()).toBe(String(w.central));
    const individual = $((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.individual}`)).text);
    expect(individual('input[name="directDebitRule"][type="radio"]').length).toBe(3);
    const forged = $((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.foreign}`)).text);
    expect(forged('main').text()).not.toContain('Globex');
    expect(forged('select#accountId option[selected]').length).toBe(0);
  });

  it('creates a key with a generated number, every field stored, and a flash banner on its page', async () => {
    const res = await postCreate(
      validForm({
        accountId: String(w.individual),
        plasticType: 'platinum',
        directDebitRule: 'required',
        notificationRecipients: 'Final.Approver@Acme.example;\nsecond@acme.example, final.approver@acme.example',
      }),
    );
    expect(res.status).toBe(303);
    const [key] = await keysOf(w.individual);
    expect(res.headers.location).toBe(paths.admin.accessKeys.show(key.id));
    expect(key).toMatchObject({
      name: 'Direction financière',
      plastic_type: 'platinum',
      cost_centre_rule: 'required',
      employee_number_rule: 'optional',
      direct_debit_rule: 'required',
      expires_on: '2046-11-23',
      created_by: w.alice.id,
      deleted_at: null,
    });
    expect(Boolean(key.reminder_enabled)).toBe(true);
    expect(Boolean(key.additional_approver_required)).toBe(false);
    expect(key.number).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
    expect(JSON.parse(key.notification_recipients)).toEqual(['final.approver@acme.example', 'second@acme.example']);

    const agent = await w.as('alice');
    const token = await getCsrf(agent, paths.admin.accessKeys.create);
    const again = await agent
      .post(paths.admin.accessKeys.create)
      .type('form')
      .send({ _csrf: token, ...validForm({ accountId: String(w.central), name: 'Siège' }) });
    const shown = await agent.get(again.headers.location as string);
    const page = $(shown.text);
    const created = await keysOf(w.central).first();
    expect(page('.banner').text()).toBe(`La clé d’accès Siège a été créée. Son numéro est ${created.number}.`);
    expect(page('h1').text()).toBe('Clé d’accès Siège');
    expect(page('.key-number').text()).toBe(created.number);
    expect(page('main').text()).toContain('Paiement centralisé');
    expect(page(`a[href="${paths.admin.applications.initiate(created.id)}"]`).length).toBe(1);
    expect(page(`a[href="${paths.admin.bulk.start(created.id)}"]`).length).toBe(1);
    // the banner is shown once
    expect($((await agent.get(again.headers.location as string)).text)('.banner').length).toBe(0);
  });

  it.each([
    ['name missing', { name: '' }, 'name', 'Saisissez le nom de la clé d’accès', 'Enter a name for the access key'],
    ['name too long', { name: 'a'.repeat(31) }, 'name', 'Le nom doit comporter 30 caractères au plus', 'The name must be 30 characters or fewer'],
    [
      'name with forbidden characters',
      { name: '=cmd|calc' },
      'name',
      'Le nom ne peut contenir que des lettres, des chiffres, des espaces et - _ . /',
      'The name can only contain letters, digits, spaces and - _ . /',
    ],
    ['name with an apostrophe', { name: 'Dépt d’achats' }, 'name', 'Le nom ne peut contenir que', 'The name can only contain'],
    ['no BC', { accountId: '' }, 'accountId', 'Choisissez l’un de vos comptes société', 'Choose one of your billing accounts'],
    ['BC not a number', { accountId: 'abc' }, 'accountId', 'Choisissez l’un de vos comptes société', 'Choose one of your billing accounts'],
    ['no plastic type', { plasticType: '' }, 'plasticType', 'Choisissez le type de plastique', 'Choose the plastic type'],
    ['unknown plastic type', { plasticType: 'diamond' }, 'plasticType', 'Choisissez le type de plastique', 'Choose the plastic type'],
    [
      'plastic type the BC does not allow',
      { plasticType: 'platinum' },
      'plasticType',
      'Ce type de plastique n’est pas autorisé',
      'This plastic type is not allowed for this billing account',
    ],
    [
      'no cost-centre rule',
      { costCentreRule: '' },
      'costCentreRule',
      'Indiquez si le code du service est obligatoire',
      'Choose whether the cost-centre code is required',
    ],
    ['bad employee-number rule', { employeeNumberRule: 'none' }, 'employeeNumberRule', 'Indiquez si le n° d’employé', 'Choose whether the employee number'],
    ['bad direct-debit rule', { directDebitRule: 'maybe' }, 'directDebitRule', 'Indiquez si le prélèvement automatique', 'Choose whether direct debit'],
    [
      'direct debit on a central-payment BC',
      { directDebitRule: 'optional' },
      'directDebitRule',
      'paiement individuel : choisissez « Non proposé »',
      'individual payment: choose “Not offered”',
    ],
    [
      'no reminder choice',
      { reminderEnabled: '' },
      'reminderEnabled',
      'Indiquez si des e-mails de relance sont envoyés',
      'Choose whether reminder e-mails are sent',
    ],
    [
      'no additional-approver choice',
      { additionalApproverRequired: 'maybe' },
      'additionalApproverRequired',
      'Indiquez si un approbateur supplémentaire',
      'Choose whether an additional approver',
    ],
    ['expiry missing', { expiresDay: '', expiresMonth: '', expiresYear: '' }, 'expiresOn', 'Saisissez la date d’expiration', 'Enter the expiry date'],
    ['expiry not a real date', { expiresDay: '31', expiresMonth: '2', expiresYear: '2030' }, 'expiresOn', 'doit être une date réelle', 'must be a real date'],
    ['expiry partly typed', { expiresDay: '12', expiresMonth: '', expiresYear: '2030' }, 'expiresOn', 'doit être une date réelle', 'must be a real date'],
    ['expiry in the past', { expiresDay: '23', expiresMonth: '11', expiresYear: '2026' }, 'expiresOn', 'aujourd’hui ou plus tard', 'today or in the future'],
    [
      'expiry beyond 20 years',
      { expiresDay: '25', expiresMonth: '11', expiresYear: '2046' },
      'expiresOn',
      'le 24 novembre 2046 au plus tard',
      '24 November 2046 or earlier',
    ],
    [
      'a bad e-mail in the list',
      { notificationRecipients: 'ok@acme.example\nnot-an-email' },
      'notificationRecipients',
      '« not-an-email » n’en est pas une',
      '“not-an-email” is not one',
    ],
    [
      'more than 20 e-mails',
      { notificationRecipients: Array.from({ length: 21 }, (_v, i) => `p${i}@acme.example`).join(',') },
      'notificationRecipients',
      'Saisissez 20 adresses e-mail au plus',
      'Enter at most 20 e-mail addresses',
    ],
  ])('refuses %s, in both languages, keeping what was typed', async (_case, override, field, fr, en) => {
    for (const [lang, message] of [
      ['fr', fr],
      ['en', en],
    ] as const) {
      const form = validForm({ accountId: String(w.central), ...override });
      const res = await postCreate(form, lang);
      expect(res.status).toBe(400);
      const page = $(res.text);
      expect(page('title').text()).toMatch(lang === 'fr' ? /^Erreur :/ : /^Error:/);
      const href = field === 'expiresOn' ? '#expiresDay' : `#${field}`;
      expect(page(`.error-summary a[href="${href}"]`).text()).toContain(message);
      expect(page(`#${field}-error`).text()).toContain(message);
      expect(page('#name').val()).toBe(form.name);
      expect(page('#notificationRecipients').text()).toBe(form.notificationRecipients);
      expect(page('#expiresYear').val()).toBe(form.expiresYear);
    }
    expect(await keysOf(w.central)).toHaveLength(0);
  });

  it('accepts accented letters, digits and - _ . / in the name, and 20 recipients deduplicated', async () => {
    const recipients = Array.from({ length: 20 }, (_v, i) => `p${i}@acme.example`);
    const res = await postCreate(
      validForm({ accountId: String(w.central), name: 'Équipe Ünï_2024-Paris./RH', notificationRecipients: [...recipients, 'P0@ACME.example'].join('; ') }),
    );
    expect(res.status).toBe(303);
    const key = await keysOf(w.central).first();
    expect(key.name).toBe('Équipe Ünï_2024-Paris./RH');
    expect(JSON.parse(key.notification_recipients)).toHaveLength(20);
  });

  it('accepts the last allowed day and today as expiry dates', async () => {
    expect((await postCreate(validForm({ accountId: String(w.central), expiresDay: '24', expiresMonth: '11', expiresYear: '2046' }))).status).toBe(303);
    expect((await postCreate(validForm({ accountId: String(w.individual), expiresDay: '24', expiresMonth: '11', expiresYear: '2026' }))).status).toBe(303);
  });

  it('counts the 20 years from the creation day in TIME_ZONE: at 00:30 in Paris on 7 December 2026 the cap is 7 December 2046', async () => {
    w.clock.current = new Date('2026-12-06T23:30:00Z');
    const agent = await w.as('alice', 'en');
    const page = $((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.central}`)).text);
    expect([page('#expiresDay').val(), page('#expiresMonth').val(), page('#expiresYear').val()]).toEqual(['7', '12', '2046']);
    expect(page('#expiresOn-hint').text()).toContain('until 7 December 2046');
    for (const [lang, message] of [
      ['fr', 'le 7 décembre 2046 au plus tard'],
      ['en', '7 December 2046 or earlier'],
    ] as const) {
      const late = await postCreate(validForm({ accountId: String(w.central), expiresDay: '8', expiresMonth: '12', expiresYear: '2046' }), lang);
      expect(late.status).toBe(400);
      expect($(late.text)('#expiresOn-error').text()).toContain(message);
    }
    const res = await postCreate(validForm({ accountId: String(w.central), expiresDay: '7', expiresMonth: '12', expiresYear: '2046' }));
    expect(res.status).toBe(303);
    expect((await keysOf(w.central).first()).expires_on).toBe('2046-12-07');
  });

  it('lists every error at once, in page order', async () => {
    const res = await postCreate(validForm({ name: '', accountId: '', plasticType: '', expiresYear: '1999', notificationRecipients: 'x' }), 'en');
    expect(res.status).toBe(400);
    const hrefs = $(res.text)('.error-summary a')
      .map((_i, a) => $(res.text)(a).attr('href'))
      .get();
    // The BC is chosen first (its own form at the top of the page), then the name.
    expect(hrefs).toEqual(['#accountId', '#name', '#plasticType', '#expiresDay', '#notificationRecipients']);
    const page = $(res.text);
    for (const href of hrefs) expect(page(href).length).toBe(1);
  });

  it('puts the focus on the error summary after a failed submit, without script (autofocus, focusable but not a tab stop)', async () => {
    const res = await postCreate(validForm({ accountId: String(w.central), name: '' }), 'en');
    expect(res.status).toBe(400);
    const summary = $(res.text)('.error-summary');
    expect(summary.length).toBe(1);
    expect(summary.attr('autofocus')).toBeDefined();
    expect(summary.attr('tabindex')).toBe('-1');
    expect($(res.text)('[autofocus]').length).toBe(1);
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
  });

  it('refuses a second active key on a BC', async () => {
    await givenAccessKey(w.ctx.deps.db, w.central, w.alice.id, { name: 'Existing' });
    for (const [lang, message] of [
      ['fr', 'Ce compte société a déjà une clé d’accès active'],
      ['en', 'This billing account already has an active access key'],
    ] as const) {
      const res = await postCreate(validForm({ accountId: String(w.central) }), lang);
      expect(res.status).toBe(400);
      expect($(res.text)('#accountId-error').text()).toContain(message);
    }
    expect(await keysOf(w.central)).toHaveLength(1);
  });

  it('allows a new key on a BC whose key was deleted', async () => {
    await givenAccessKey(w.ctx.deps.db, w.central, w.alice.id, { name: 'Old', deleted_at: '2026-01-01T00:00:00.000Z', deleted_by: w.alice.id });
    expect((await postCreate(validForm({ accountId: String(w.central) }))).status).toBe(303);
    expect(await keysOf(w.central).whereNull('deleted_at')).toHaveLength(1);
  });

  it('never creates a key on another administrator’s BC (forged account id)', async () => {
    const res = await postCreate(validForm({ accountId: String(w.foreign) }), 'en');
    expect(res.status).toBe(400);
    expect($(res.text)('#accountId-error').text()).toContain('Choose one of your billing accounts');
    expect(await keysOf(w.foreign)).toHaveLength(0);
  });

  it('refuses a create without its CSRF token, and creates nothing', async () => {
    const agent = await w.as('alice');
    await agent.get(paths.admin.accessKeys.create);
    const res = await agent
      .post(paths.admin.accessKeys.create)
      .type('form')
      .send(validForm({ accountId: String(w.central) }));
    expect(res.status).toBe(403);
    expect(await keysOf(w.central)).toHaveLength(0);
  });

  describe('editing', () => {
    let key: { id: number; number: string };
    beforeEach(async () => {
      key = await givenAccessKey(w.ctx.deps.db, w.individual, w.alice.id, {
        name: 'Ventes',
        plastic_type: 'corporate',
        direct_debit_rule: 'optional',
        notification_recipients: JSON.stringify(['a@acme.example']),
        created_at: '2026-11-24T08:00:00.000Z',
      });
    });

    async function postEdit(form: Record<string, string>, lang: 'fr' | 'en' = 'fr', who: 'alice' | 'bob' = 'alice') {
      const agent = await w.as(who, lang);
      const token = await getCsrf(agent, paths.admin.accessKeys.create);
      return agent
        .post(paths.admin.accessKeys.edit(key.id))
        .type('form')
        .send({ _csrf: token, ...form });
    }

    it('shows the current values, the number and the BC read-only', async () => {
      const agent = await w.as('alice');
      const page = $((await agent.get(paths.admin.accessKeys.edit(key.id))).text);
      expect(page('#name').val()).toBe('Ventes');
      expect(page('select#accountId').length).toBe(0);
      expect(page('.key-number').text()).toBe(key.number);
      expect(page('input[name="directDebitRule"][value="optional"]').attr('checked')).toBeDefined();
      expect(page('#notificationRecipients').text()).toBe('a@acme.example');
      expect(page('#expiresYear').val()).toBe('2046');
    });

    it('changes every setting but the number and the BC', async () => {
      const res = await postEdit(
        validForm({
          name: 'Ventes Lyon',
          accountId: String(w.central),
          number: 'AAAAAAAA',
          plasticType: 'platinum',
          costCentreRule: 'optional',
          employeeNumberRule: 'required',
          directDebitRule: 'none',
          reminderEnabled: 'no',
          additionalApproverRequired: 'yes',
          expiresDay: '1',
          expiresMonth: '6',
          expiresYear: '2030',
          notificationRecipients: 'b@acme.example',
        }),
      );
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(paths.admin.accessKeys.show(key.id));
      const row = await w.ctx.deps.db('access_key').where({ id: key.id }).first();
      expect(row).toMatchObject({
        number: key.number,
        account_id: w.individual,
        name: 'Ventes Lyon',
        plastic_type: 'platinum',
        cost_centre_rule: 'optional',
        employee_number_rule: 'required',
        direct_debit_rule: 'none',
        expires_on: '2030-06-01',
        notification_recipients: '["b@acme.example"]',
        updated_at: '2026-11-24T09:00:00.000Z',
      });
      expect(Boolean(row.reminder_enabled)).toBe(false);
      expect(Boolean(row.additional_approver_required)).toBe(true);
    });

    it.each([
      ['fr', 'La date d’expiration doit être le 10 janvier 2045 au plus tard'],
      ['en', 'The expiry date must be 10 January 2045 or earlier'],
    ] as const)('keeps the 20-year limit from the creation day, not from today (%s)', async (lang, message) => {
      await w.ctx.deps.db('access_key').where({ id: key.id }).update({ created_at: '2025-01-10T10:00:00.000Z' });
      const res = await postEdit(validForm({ expiresDay: '11', expiresMonth: '1', expiresYear: '2045' }), lang);
      expect(res.status).toBe(400);
      expect($(res.text)('#expiresOn-error').text()).toContain(message);
      expect((await postEdit(validForm({ expiresDay: '10', expiresMonth: '1', expiresYear: '2045' }), lang)).status).toBe(303);
    });

    it('refuses a plastic type the BC does not allow', async () => {
      const res = await postEdit(validForm({ plasticType: 'gold' }), 'en');
      expect(res.status).toBe(400);
      expect($(res.text)('#plasticType-error').text()).toContain('This plastic type is not allowed');
      expect((await w.ctx.deps.db('access_key').where({ id: key.id }).first()).plastic_type).toBe('corporate');
    });

    it('refuses an edit without its CSRF token', async () => {
      const agent = await w.as('alice');
      await agent.get(paths.admin.accessKeys.edit(key.id));
      const res = await agent
        .post(paths.admin.accessKeys.edit(key.id))
        .type('form')
        .send(validForm({ name: 'Changed' }));
      expect(res.status).toBe(403);
      expect((await w.ctx.deps.db('access_key').where({ id: key.id }).first()).name).toBe('Ventes');
    });

    it('answers 404 to another administrator, and changes nothing', async () => {
      const bob = await w.as('bob');
      expect((await bob.get(paths.admin.accessKeys.edit(key.id))).status).toBe(404);
      const res = await postEdit(validForm({ name: 'Hijacked' }), 'fr', 'bob');
      expect(res.status).toBe(404);
      expect((await w.ctx.deps.db('access_key').where({ id: key.id }).first()).name).toBe('Ventes');
    });
  });

  describe('approval deadline (issue 16 item 3)', () => {
    it('offers 5 business days by default, stores the typed deadline and shows it on the key and its edit form', async () => {
      const agent = await w.as('alice', 'en');
      const page = $((await agent.get(`${paths.admin.accessKeys.create}?accountId=${w.central}`)).text);
      expect(page('#approvalDeadlineDays').val()).toBe('5');
      expect(page('label[for="approvalDeadlineDays"]').text()).toContain('Approval deadline (business days)');
      const res = await postCreate(validForm({ accountId: String(w.central), approvalDeadlineDays: '12' }));
      expect(res.status).toBe(303);
      const [key] = await keysOf(w.central);
      expect(Number(key.approval_deadline_days)).toBe(12);
      const shown = $((await agent.get(paths.admin.accessKeys.show(key.id))).text);
      expect(shown('dt:contains("Approval deadline")').next('dd').text().trim()).toBe('12');
      const edit = $((await agent.get(paths.admin.accessKeys.edit(key.id))).text);
      expect(edit('#approvalDeadlineDays').val()).toBe('12');
    });

    it('keeps the default of 5 when a form does not send the field', async () => {
      const { approvalDeadlineDays: _omitted, ...form } = validForm({ accountId: String(w.central) });
      expect((await postCreate(form)).status).toBe(303);
      const [key] = await keysOf(w.central);
      expect(Number(key.approval_deadline_days)).toBe(5);
    });

    it.each([
      ['fr', '', 'Saisissez le délai d’approbation en jours ouvrés'],
      ['fr', '0', 'Le délai d’approbation doit être compris entre 1 et 30 jours ouvrés'],
      ['fr', '31', 'Le délai d’approbation doit être compris entre 1 et 30 jours ouvrés'],
      ['fr', '2,5', 'Le délai d’approbation doit être un nombre entier de jours ouvrés'],
      ['en', '', 'Enter the approval deadline in business days'],
      ['en', '0', 'The approval deadline must be between 1 and 30 business days'],
      ['en', '31', 'The approval deadline must be between 1 and 30 business days'],
      ['en', 'five', 'The approval deadline must be a whole number of business days'],
    ] as const)('refuses the deadline %s “%s” with a translated error linked from the summary', async (lang, typed, message) => {
      const res = await postCreate(validForm({ accountId: String(w.central), approvalDeadlineDays: typed }), lang);
      expect(res.status).toBe(400);
      const page = $(res.text);
      expect(page('#approvalDeadlineDays-error').text()).toContain(message);
      expect(page('#approvalDeadlineDays').attr('aria-invalid')).toBe('true');
      expect(page('.error-summary a[href="#approvalDeadlineDays"]').text()).toBe(message);
      expect(page('#approvalDeadlineDays').val()).toBe(typed);
      expect(await keysOf(w.central)).toHaveLength(0);
    });

    it('accepts 1 and 30, the bounds, on the edit form', async () => {
      const key = await givenAccessKey(w.ctx.deps.db, w.individual, w.alice.id, { name: 'Ventes', plastic_type: 'corporate' });
      for (const days of ['1', '30']) {
        const agent = await w.as('alice');
        const token = await getCsrf(agent, paths.admin.accessKeys.create);
        const res = await agent
          .post(paths.admin.accessKeys.edit(key.id))
          .type('form')
          .send({ _csrf: token, ...validForm({ approvalDeadlineDays: days }) });
        expect(res.status).toBe(303);
        expect(Number((await w.ctx.deps.db('access_key').where({ id: key.id }).first()).approval_deadline_days)).toBe(Number(days));
      }
    });
  });
});
