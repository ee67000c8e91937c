import { createTestContext, $, type TestContext } from '../support/app';
import { countOf } from '../support/database';
import { paths } from '../../src/platform/paths';
import { givenApplication, givenFormKey } from '../support/builders';
import { enter, submit, VALID_IBAN } from '../support/employee';

describe('Save: whatever was typed comes back exactly as left', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('keeps a half-filled cardholder page, formats unchecked, across sessions', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key, { language: 'en' });
    const typed: Record<string, string> = {
      title: 'ms',
      firstName: 'Anne-Sophie',
      lastName: 'O’Connor',
      birthName: '',
      dobDay: '3',
      dobMonth: '13',
      dobYear: '19',
      birthPlace: 'Saint-Étienne',
      birthCountry: 'IE',
      nationality: '',
      homeAddressLine1: '4 place <de> l’Église',
      homeAddressLine2: '',
      homePostalCode: '420',
      homeCity: '',
      homeCountry: 'FR',
      mobilePhone: '06 12',
      businessPhone: '',
      businessEmail: 'anne@',
      businessAddressLine1: '',
      businessAddressLine2: '',
      businessPostalCode: '',
      businessCity: '',
      businessCountry: '',
      jobTitle: 'Acheteuse',
      employeeNumber: '',
      costCentre: '',
      embossName: 'anne 2',
      correspondenceLanguage: 'en',
    };
    const first = await enter(ctx.app, key, app.reference, 'en');
    const saved = await submit(first, paths.employee.form.cardholder, { action: 'save', ...typed });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(paths.employee.form.cardholder);
    const after = await first.get(paths.employee.form.cardholder);
    expect($(after.text)('.banner').text()).toContain('Your answers have been saved');

    // A new session (the next day, say): the same values, untouched.
    const second = await enter(ctx.app, key, app.reference, 'en');
    const page = $((await second.get(paths.employee.form.cardholder)).text);
    for (const [field, value] of Object.entries(typed)) {
      if (['title', 'correspondenceLanguage'].includes(field)) expect(page(`input[name="${field}"]:checked`).val()).toBe(value);
      else if (['birthCountry', 'nationality', 'homeCountry', 'businessCountry'].includes(field))
        expect(page(`#${field}`).find('option[selected]').val() ?? '').toBe(value);
      else expect(page(`#${field}`).val()).toBe(value);
    }
    // The application's own columns are not changed by a Save (only by a valid Continue).
    const row = await db('application').where({ id: app.id }).first();
    expect(row.first_name).toBe('Élodie');
    expect(JSON.parse(row.form_data).cardholder).toEqual(typed);
    const tasks = await second.get(paths.employee.application);
    expect($(tasks.text)('#task-cardholder-status').text()).toBe('Incomplete');
    expect($(tasks.text)('#before-you-start').length).toBe(0);
  });

  it('shows the administrator’s pre-fills on first open, editable, and the company address as the business address', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key, {
      language: 'fr',
      prefill: {
        employeeNumber: 'M-778',
        costCentre: 'FIN-01',
        jobTitle: 'Contrôleuse de gestion',
        mobilePhone: '+33612345678',
        dateOfBirth: '1990-04-09',
        birthName: 'Martin',
        additionalApproverEmail: 'chef@acme.example',
      },
    });
    const agent = await enter(ctx.app, key, app.reference, 'fr');
    const page = $((await agent.get(paths.employee.form.cardholder)).text);
    expect(page('#firstName').val()).toBe('Élodie');
    expect(page('#lastName').val()).toBe('Dupré');
    expect(page('input[name="title"]:checked').val()).toBe('mrs');
    expect(page('#employeeNumber').val()).toBe('M-778');
    expect(page('#costCentre').val()).toBe('FIN-01');
    expect(page('#jobTitle').val()).toBe('Contrôleuse de gestion');
    expect(page('#birthName').val()).toBe('Martin');
    expect([page('#dobDay').val(), page('#dobMonth').val(), page('#dobYear').val()]).toEqual(['9', '4', '1990']);
    expect(page('#businessEmail').val()).toBe((await db('application').where({ id: app.id }).first()).email);
    expect(page('#businessAddressLine1').val()).toBe('1 rue du Test');
    expect(page('#businessPostalCode').val()).toBe('75001');
    expect(page('#embossName').val()).toBe('ELODIE DUPRE');
    expect(page('input[name="correspondenceLanguage"]:checked').val()).toBe('fr');
    // Editable: the employee's change wins.
    await submit(agent, paths.employee.form.cardholder, { action: 'save', employeeNumber: 'M-779', firstName: 'Élodie' });
    expect($((await agent.get(paths.employee.form.cardholder)).text)('#employeeNumber').val()).toBe('M-779');
  });

  it('keeps an IBAN encrypted; a valid one is shown masked, an invalid one comes back as typed', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db, { paymentType: 'individual', directDebitRule: 'required' });
    const app = await givenApplication(db, key, { language: 'en' });
    const agent = await enter(ctx.app, key, app.reference, 'en');
    await submit(agent, paths.employee.form.payment, { action: 'save', iban: 'FR76 3000 6000 0112 3456 7890 18', bic: 'bnpa', accountHolder: '' });
    let stored = JSON.parse((await db('application').where({ id: app.id }).first()).form_data).payment;
    expect(stored.iban).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain('3000 6000');
    let page = $((await agent.get(paths.employee.form.payment)).text);
    expect(page('#iban').val()).toBe('FR76 3000 6000 0112 3456 7890 18');
    expect(page('#bic').val()).toBe('bnpa');

    await submit(agent, paths.employee.form.payment, { action: 'save', iban: VALID_IBAN, bic: 'BNPAFRPP', accountHolder: 'Élodie Dupré' });
    stored = JSON.parse((await db('application').where({ id: app.id }).first()).form_data).payment;
    expect(stored).toMatchObject({ ibanCheck: 'ok', ibanLast4: '0189', ibanCountry: 'FR' });
    const res = await agent.get(paths.employee.form.payment);
    page = $(res.text);
    expect(page('#iban').val()).toBe('');
    expect(page('#iban-saved').text()).toContain('0189');
    expect(res.text).not.toContain('3000 6000 0112');
    // Leaving the field empty keeps the saved IBAN.
    expect((await submit(agent, paths.employee.form.payment, { action: 'continue', iban: '', bic: 'BNPAFRPP', accountHolder: 'Élodie Dupré' })).status).toBe(
      303,
    );
    stored = JSON.parse((await db('application').where({ id: app.id }).first()).form_data).payment;
    expect(stored.ibanLast4).toBe('0189');
  });

  it('sends e-mail 1 again on the first save of a self-service application, and only then', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key, { origin: 'self_service' });
    const agent = await enter(ctx.app, key, app.reference, 'en');
    const count = async () =>
      (await db('outbox').where({ application_id: app.id, template: 'invitation-link' }).select('idempotency_key')).map(
        (r: { idempotency_key: string }) => r.idempotency_key,
      );
    expect(await count()).toEqual([`invitation-link:${app.id}:initial`]);
    await submit(agent, paths.employee.form.cardholder, { action: 'save', firstName: 'Élodie' });
    await submit(agent, paths.employee.form.cardholder, { action: 'save', firstName: 'Élo' });
    await submit(agent, paths.employee.form.priority, { action: 'save', priority: 'normal' });
    expect(await count()).toEqual([`invitation-link:${app.id}:initial`, `invitation-link:${app.id}:first-save`]);

    // A controlled application gets no such e-mail.
    const controlled = await givenApplication(db, key, { origin: 'controlled' });
    const other = await enter(ctx.app, key, controlled.reference, 'en');
    await submit(other, paths.employee.form.cardholder, { action: 'save', firstName: 'Élodie' });
    expect(await countOf(db('outbox').where({ application_id: controlled.id, template: 'invitation-link' }))).toBe(1);
  });
});
