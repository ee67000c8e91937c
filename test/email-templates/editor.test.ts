import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher';
import { enqueueEmails } from '../../src/core/outbox/enqueue';
import { createMailTransport } from '../../src/core/outbox/transport';
import { paths } from '../../src/platform/paths';
import { $, createTestContext, csrfFrom, signInAs, type Agent, type TestContext } from '../support/app';
import { givenAdministrator } from '../support/builders';

const edit = (template = 'invitation-link', lang = 'fr') => paths.admin.emailTemplates.edit(template, lang);

describe('e-mail templates: the editor (SPEC §4.1)', () => {
  let ctx: TestContext;
  let platform: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    await givenAdministrator(ctx.deps.db, { email: 'platform@test.example', role: 'platform', display_name: 'Pat Platform' });
    platform = await signInAs(ctx.app, ctx.deps, 'platform@test.example');
  });
  afterEach(() => ctx.close());

  /** Opens the editor, then submits its form (to save, or to `action`) with the fields given. */
  async function submit(fields: { subject?: string; body?: string }, opts: { template?: string; lang?: string; action?: string } = {}) {
    const page = await platform.get(edit(opts.template, opts.lang)).expect(200);
    const form = $(page.text);
    const subject = fields.subject ?? String(form('#subject').val());
    const body = fields.body ?? form('#body').text();
    return platform
      .post(opts.action ?? edit(opts.template, opts.lang))
      .type('form')
      .send({ _csrf: csrfFrom(page.text), subject, body });
  }

  const overrideRow = (template = 'invitation-link', language = 'fr') => ctx.deps.db('email_template_override').where({ template, language }).first();

  async function deliverInvitation(language: 'fr' | 'en' = 'fr') {
    await enqueueEmails(
      ctx.deps.db,
      [
        {
          idempotencyKey: `test:${language}:${Date.now()}`,
          template: 'invitation-link',
          to: 'zoe@test.example',
          language,
          data: { reference: '1234567897', firstName: 'Zoé', lastName: 'Martin', title: '' },
        },
      ],
      ctx.deps.clock.now(),
    );
    await createOutboxDispatcher(ctx.deps, createMailTransport(ctx.config)).runOnce();
    return ctx.deps.db('outbox').orderBy('id', 'desc').first('subject', 'html', 'text', 'status');
  }

  it('lists every e-mail in both languages with an edit link for the platform administrator', async () => {
    const res = await platform.get(paths.admin.emailTemplates.list).expect(200);
    const page = $(res.text);
    expect(page('#email-templates tbody tr')).toHaveLength(23);
    expect(page('tr[data-template="daily-digest"] td[data-language="fr"] a').attr('href')).toBe(edit('daily-digest', 'fr'));
    // The issuer's status e-mails (issue 13): editable like the others, in both languages.
    for (const template of ['card-issued', 'card-declined'])
      for (const lang of ['fr', 'en']) expect(page(`tr[data-template="${template}"] td[data-language="${lang}"] a`).attr('href')).toBe(edit(template, lang));
    // Requests for information (issue 14 part 3): their four e-mails, each editable in both languages.
    for (const template of ['information-request', 'information-request-reminder', 'information-request-answered', 'information-request-overdue']) {
      for (const lang of ['fr', 'en'] as const)
        expect(page(`tr[data-template="${template}"] td[data-language="${lang}"] a`).attr('href')).toBe(edit(template, lang));
    }
    // Stuck approvals (issue 16 item 3): the reminder and the escalation, each editable in both languages.
    for (const template of ['approval-overdue', 'approval-escalation']) {
      for (const lang of ['fr', 'en'] as const)
        expect(page(`tr[data-template="${template}"] td[data-language="${lang}"] a`).attr('href')).toBe(edit(template, lang));
    }
    expect(page('tr[data-template="daily-digest"] td[data-language="en"] a').attr('href')).toBe(edit('daily-digest', 'en'));
    expect(page('tr[data-template="invitation-link"] td[data-language="en"] .template-subject').text()).toBe(
      'Your corporate card application: link and reference number',
    );
    expect(page('#read-only-notice')).toHaveLength(0);
  });

  it('shows the default with the variables beside it and a preview on sample data', async () => {
    const res = await platform.get(edit()).expect(200);
    const page = $(res.text);
    expect(page('#subject').val()).toBe('Votre demande de carte Corporate : lien et numéro de référence');
    expect(page('#body').text()).toContain('Votre numéro de référence : {{ reference }}');
    expect(
      page('#template-variables tbody tr')
        .map((_i, el) => page(el).attr('data-variable'))
        .get(),
    ).toEqual(['reference', 'firstName', 'lastName', 'fullName', 'links.entry']);
    expect(page('#template-variables').text()).toContain('{{ links.entry }}');
    expect(page('#preview-text').text()).toContain('Votre numéro de référence : 4975300125');
    expect(page('#template-state').text()).toContain('Modèle par défaut');
  });

  it('previews a draft without saving it, the HTML version on its own sandboxed URL', async () => {
    const res = await submit(
      { body: 'Bonjour {{ fullName }} <b>,\n\nVotre référence : {{ reference }}\n\n{{ links.entry }}' },
      { action: paths.admin.emailTemplates.preview('invitation-link', 'fr') },
    );
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('#preview-text').text()).toContain('Bonjour Zoé Martin <b>,\n\nVotre référence : 4975300125');
    expect(page('#body').text()).toContain('Votre référence : {{ reference }}');
    expect(await overrideRow()).toBeUndefined();

    const htmlHref = page('#preview-html-link').attr('href') as string;
    expect(htmlHref).toBe(`${paths.admin.emailTemplates.previewHtml('invitation-link', 'fr')}?draft=1`);
    const html = await platform.get(htmlHref).expect(200);
    expect(html.headers['content-security-policy']).toContain('sandbox');
    expect(html.text).toContain('Bonjour Zoé Martin &lt;b&gt;,');
    expect(html.text).toContain(
      '<a href="https://localhost:3000/access?ref=4975300125"'.replace('https://localhost:3000', ctx.config.publicBaseUrl.replace(/\/$/, '')),
    );
    // Without ?draft=1: the saved (here default) version.
    expect((await platform.get(paths.admin.emailTemplates.previewHtml('invitation-link', 'fr')).expect(200)).text).not.toContain('&lt;b&gt;');
  });

  it('saves an edited template, which the next e-mails use; the other language keeps its default', async () => {
    const res = await submit({
      subject: 'Votre référence Sésame {{ reference }}',
      body: 'Bonjour{% if fullName %} {{ fullName }}{% endif %},\n\nVotre référence :\n{{ reference }}\n\nOuvrez :\n{{ links.entry }}\n\nL’équipe',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(edit());
    const row = await overrideRow();
    expect(row).toMatchObject({ subject: 'Votre référence Sésame {{ reference }}' });
    expect(row.body).toContain('Ouvrez :\n{{ links.entry }}');

    const after = $((await platform.get(edit()).expect(200)).text);
    expect(after('.banner').text()).toContain('Modèle enregistré');
    expect(after('#template-state').text()).toContain('Pat Platform');
    expect(after('#subject').val()).toBe('Votre référence Sésame {{ reference }}');

    const mail = await deliverInvitation('fr');
    expect(mail.status).toBe('sent');
    expect(mail.subject).toBe('Votre référence Sésame 1234567897');
    expect(mail.text).toMatch(/^Bonjour Zoé Martin,\n\nVotre référence :\n1234567897\n\nOuvrez :\nhttps?:\/\/\S+\/access\?ref=1234567897\n\nL’équipe\n\n-- \n/);
    expect(mail.html).toContain('<html lang="fr">');
    expect(mail.html).toMatch(/<span style="[^"]*">1234567897<\/span>/);

    const english = await deliverInvitation('en');
    expect(english.subject).toBe('Your corporate card application: link and reference number');

    const audit = await ctx.deps.db('audit_log').where({ action: 'email_template.update' }).first();
    expect(audit).toMatchObject({ object_type: 'email_template', object_id: 'invitation-link:fr', actor_email: 'platform@test.example' });
  });

  it('edits the English version on its own', async () => {
    expect((await submit({ subject: 'Your Sésame reference' }, { lang: 'en' })).status).toBe(303);
    expect(await overrideRow('invitation-link', 'en')).toMatchObject({ subject: 'Your Sésame reference', body: null });
    expect(await overrideRow('invitation-link', 'fr')).toBeUndefined();
    const mail = await deliverInvitation('en');
    expect(mail.subject).toBe('Your Sésame reference');
    // The body was not changed: it is still the default file's, rich HTML included.
    expect(mail.html).toContain('Open my application');
  });

  it('stores nothing when the default is saved unchanged', async () => {
    const res = await submit({});
    expect(res.status).toBe(303);
    expect(await overrideRow()).toBeUndefined();
  });

  it.each([
    ['a syntax error', 'Bonjour {{ fullName ,\n\n{{ reference }}', 'Corps du message, ligne 1 : « {{ » n’est pas refermé par « }} ».'],
    ['an undefined variable', 'Bonjour,\n\n{{ prenom }}', 'Corps du message, ligne 3 : « prenom » n’est pas une variable de cet e-mail.'],
    ['an unclosed condition', 'Bonjour,\n{% if fullName %}\n{{ fullName }}', 'la condition ouverte ici n’est pas fermée'],
    ['an unknown instruction', '{% for x in reference %}{{ x }}{% endfor %}', '« for x in reference » n’est pas une instruction permise'],
  ])('refuses %s at save with the error shown, keeping what was typed', async (_what, body, message) => {
    const res = await submit({ body });
    expect(res.status).toBe(400);
    const page = $(res.text);
    expect(page('title').text()).toMatch(/^Erreur :/);
    expect(page('.error-summary').text()).toContain(message);
    expect(page('.error-summary a').first().attr('href')).toBe('#body');
    expect(page('#body-error').text()).toContain(message.slice(0, 20));
    expect(page('#body').text()).toBe(body);
    expect(await overrideRow()).toBeUndefined();
  });

  it('refuses a subject with an unknown variable, and an empty subject', async () => {
    const unknown = await submit({ subject: 'Bonjour {{ nom }}' });
    expect(unknown.status).toBe(400);
    expect($(unknown.text)('#subject-error').text()).toContain('Objet : « nom » n’est pas une variable de cet e-mail.');
    const empty = await submit({ subject: '   ' });
    expect(empty.status).toBe(400);
    expect($(empty.text)('#subject-error').text()).toContain('saisissez l’objet');
  });

  it.each([
    '{{ range.constructor }}',
    "{{ t.constructor('return process')() }}",
    "{{ range.constructor('return globalThis.pwned = 1')() }}",
    '{{ process.mainModule }}',
    '{{ global }}',
    '{{ constructor }}',
    '{{ links.constructor }}',
    '{{ reference.constructor.constructor }}',
    '{% if constructor %}x{% endif %}',
    '{{ "".constructor.constructor("return process")() }}',
    '{{ lipsum.__globals__ }}',
    '{% set x = cycler %}',
  ])('cannot run code or reach anything beyond its variables: %s', async (attempt) => {
    for (const field of ['subject', 'body'] as const) {
      const res = await submit({ [field]: `Test ${attempt}` }, { action: paths.admin.emailTemplates.preview('invitation-link', 'fr') });
      expect(res.status).toBe(400);
      expect($(res.text)('#preview')).toHaveLength(0);
      const saved = await submit({ [field]: `Test ${attempt}` });
      expect(saved.status).toBe(400);
    }
    expect(await overrideRow()).toBeUndefined();
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('sends the default when a stored template does not compile (e.g. written to the database directly)', async () => {
    const admin = await ctx.deps.db('administrator').where({ email: 'platform@test.example' }).first('id');
    await ctx.deps.db('email_template_override').insert({
      template: 'invitation-link',
      language: 'fr',
      subject: "{{ range.constructor('return globalThis.pwned = 1')() }}",
      body: '{{ t.constructor("return process")() }}',
      updated_by: admin.id,
      updated_at: new Date().toISOString(),
    });
    const mail = await deliverInvitation('fr');
    expect(mail.status).toBe('sent');
    expect(mail.subject).toBe('Votre demande de carte Corporate : lien et numéro de référence');
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    const list = $((await platform.get(paths.admin.emailTemplates.list).expect(200)).text);
    expect(list('tr[data-template="invitation-link"] td[data-language="fr"]').text()).toContain('invalide');
  });

  it('resets to the default after a confirmation', async () => {
    await submit({ subject: 'Autre objet {{ reference }}' });
    const confirm = await platform.get(paths.admin.emailTemplates.reset('invitation-link', 'fr')).expect(200);
    const res = await platform
      .post(paths.admin.emailTemplates.reset('invitation-link', 'fr'))
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) });
    expect(res.status).toBe(303);
    expect(await overrideRow()).toBeUndefined();
    const after = $((await platform.get(edit()).expect(200)).text);
    expect(after('#subject').val()).toBe('Votre demande de carte Corporate : lien et numéro de référence');
    expect(after('.banner').text()).toContain('Modèle par défaut rétabli');
    expect(await ctx.deps.db('audit_log').where({ action: 'email_template.reset' }).first()).toBeDefined();
  });

  it('answers 404 for an unknown e-mail or language', async () => {
    await platform.get(edit('no-such-mail', 'fr')).expect(404);
    await platform.get(edit('invitation-link', 'de')).expect(404);
    await platform.get(edit('_edited', 'fr')).expect(404);
  });

  describe('for an administrator who is not the platform administrator', () => {
    let plain: Agent;
    beforeEach(async () => {
      await givenAdministrator(ctx.deps.db, { email: 'plain@test.example' });
      plain = await signInAs(ctx.app, ctx.deps, 'plain@test.example');
    });

    it('shows the list read-only', async () => {
      const page = $((await plain.get(paths.admin.emailTemplates.list).expect(200)).text);
      expect(page('#read-only-notice')).toHaveLength(1);
      expect(page('#email-templates tbody tr')).toHaveLength(23);
      expect(page('#email-templates a')).toHaveLength(0);
    });

    it('refuses the editor routes with 403', async () => {
      const token = csrfFrom((await plain.get(paths.admin.accessKeys.create)).text);
      await plain.get(edit()).expect(403);
      await plain.get(paths.admin.emailTemplates.previewHtml('invitation-link', 'fr')).expect(403);
      await plain.get(paths.admin.emailTemplates.reset('invitation-link', 'fr')).expect(403);
      await plain.post(edit()).type('form').send({ _csrf: token, subject: 'x', body: 'y' }).expect(403);
      await plain.post(paths.admin.emailTemplates.preview('invitation-link', 'fr')).type('form').send({ _csrf: token, subject: 'x', body: 'y' }).expect(403);
      await plain.post(paths.admin.emailTemplates.reset('invitation-link', 'fr')).type('form').send({ _csrf: token }).expect(403);
      expect(await overrideRow()).toBeUndefined();
    });
  });
});
