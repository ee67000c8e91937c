import { createTestContext, $, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenApplication, givenFormKey } from '../support/builders';
import { enter, submit, VALID_CARDHOLDER, VALID_IBAN } from '../support/employee';

type Lang = 'fr' | 'en';

/** [field typed, value, the field's id (summary link target), the inline error's id, French message, English message] */
type Case = [string, string, string, string, string, string];

const CARDHOLDER_CASES: Case[] = [
  ['title', '', '#title', '#title-error', 'Choisissez votre civilité', 'Choose your title'],
  ['firstName', '', '#firstName', '#firstName-error', 'Saisissez votre prénom', 'Enter your first name'],
  [
    'firstName',
    'J0hn',
    '#firstName',
    '#firstName-error',
    'Le champ « Prénom » ne peut contenir que des lettres',
    'First name must only include letters, spaces, hyphens and apostrophes',
  ],
  [
    'lastName',
    'A'.repeat(61),
    '#lastName',
    '#lastName-error',
    'Le champ « Nom » doit comporter au plus 60 caractères',
    'Last name must be 60 characters or fewer',
  ],
  ['dobMonth', '13', '#dobDay', '#dateOfBirth-error', 'La date de naissance doit être une date réelle', 'Date of birth must be a real date'],
  ['dobYear', '2015', '#dobDay', '#dateOfBirth-error', 'Le titulaire de la carte doit être majeur', 'The cardholder must be an adult'],
  [
    'dobMonth',
    '',
    '#dobDay',
    '#dateOfBirth-error',
    'La date de naissance doit comporter un jour, un mois et une année',
    'Date of birth must include a day, month and year',
  ],
  ['birthPlace', '<script>', '#birthPlace', '#birthPlace-error', 'Le champ « Lieu de naissance » ne doit pas contenir', 'Place of birth must not include'],
  ['birthCountry', 'ZZ', '#birthCountry', '#birthCountry-error', 'Le champ « Pays de naissance » : choisissez un pays', 'Country of birth: choose a country'],
  ['nationality', '', '#nationality', '#nationality-error', 'Choisissez votre nationalité', 'Choose your nationality'],
  [
    'homePostalCode',
    '7500',
    '#homePostalCode',
    '#homePostalCode-error',
    'Saisissez un code postal valide pour le pays',
    'Enter a valid postcode for the address’s country',
  ],
  ['homeCity', '', '#homeCity', '#homeCity-error', 'Saisissez la ville de votre adresse personnelle', 'Enter the town or city of your home address'],
  ['mobilePhone', '01 23 45 67 89', '#mobilePhone', '#mobilePhone-error', 'Saisissez un numéro de téléphone mobile', 'Enter a mobile phone number'],
  ['mobilePhone', '06 12 ab', '#mobilePhone', '#mobilePhone-error', 'Saisissez un numéro de téléphone valide', 'Enter a valid phone number'],
  ['businessPhone', '12', '#businessPhone', '#businessPhone-error', 'Saisissez un numéro de téléphone valide', 'Enter a valid phone number'],
  [
    'businessEmail',
    'elodie.dupre@',
    '#businessEmail',
    '#businessEmail-error',
    'Saisissez une adresse e-mail au bon format',
    'Enter an email address in the correct format',
  ],
  [
    'businessPostalCode',
    'ABCDE',
    '#businessPostalCode',
    '#businessPostalCode-error',
    'Saisissez un code postal valide pour le pays',
    'Enter a valid postcode for the address’s country',
  ],
  ['jobTitle', '', '#jobTitle', '#jobTitle-error', 'Saisissez votre fonction', 'Enter your job title'],
  ['employeeNumber', '', '#employeeNumber', '#employeeNumber-error', 'Saisissez votre numéro d’employé', 'Enter your employee number'],
  [
    'costCentre',
    'CC#1',
    '#costCentre',
    '#costCentre-error',
    'Le champ « Code du centre de coûts » ne peut contenir que des lettres, des chiffres',
    'Cost centre code must only include letters, digits',
  ],
  [
    'embossName',
    'JEAN 2',
    '#embossName',
    '#embossName-error',
    'Le nom à graver ne peut contenir que des lettres',
    'Name to print must only include letters, spaces, hyphens and apostrophes',
  ],
  [
    'embossName',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZA',
    '#embossName',
    '#embossName-error',
    'Le champ « Nom à graver sur la carte » doit comporter au plus 26 caractères',
    'Name to print on the card must be 26 characters or fewer',
  ],
  [
    'correspondenceLanguage',
    'de',
    '#correspondenceLanguage',
    '#correspondenceLanguage-error',
    'Choisissez la langue de correspondance',
    'Choose the correspondence language',
  ],
];

const PAYMENT_CASES: Case[] = [
  ['iban', 'FR76 3000 6000 0112 3456 7890 188', '#iban', '#iban-error', 'Saisissez un IBAN valide', 'Enter a valid IBAN'],
  ['iban', '', '#iban', '#iban-error', 'Saisissez l’IBAN du compte à débiter', 'Enter the IBAN of the account to be debited'],
  ['bic', 'BNP', '#bic', '#bic-error', 'Saisissez un BIC valide de 8 ou 11 caractères', 'Enter a valid 8 or 11 character BIC'],
  ['bic', 'DEUTDEFF', '#bic', '#bic-error', 'Le BIC ne correspond pas au pays de l’IBAN', 'The BIC does not match the IBAN’s country'],
  ['accountHolder', '', '#accountHolder', '#accountHolder-error', 'Saisissez le nom du titulaire du compte', 'Enter the name of the account holder'],
];

const PIN_CASES: Array<[string, string, string, string, string, string]> = [
  ['1234', '1234', '#pin', '#pin-error', 'Ce code PIN est trop facile à deviner', 'This PIN is too easy to guess'],
  ['0000', '0000', '#pin', '#pin-error', 'Ce code PIN est trop facile à deviner', 'This PIN is too easy to guess'],
  ['12a4', '12a4', '#pin', '#pin-error', 'Le code PIN doit comporter exactement 4 chiffres', 'PIN must be exactly 4 digits'],
  [
    '1986',
    '1986',
    '#pin',
    '#pin-error',
    'Le code PIN ne doit pas reprendre votre date ou votre année de naissance',
    'PIN must not be your date or year of birth',
  ],
  ['5827', '5828', '#pinConfirmation', '#pinConfirmation-error', 'Les deux codes PIN saisis ne sont pas identiques', 'The two PINs you entered do not match'],
];

const APPROVER_CASES: Case[] = [
  ['approverName', '', '#approverName', '#approverName-error', 'Saisissez le nom de votre approbateur', 'Enter your approver’s name'],
  [
    'approverEmail',
    'marc@',
    '#approverEmail',
    '#approverEmail-error',
    'Saisissez une adresse e-mail au bon format',
    'Enter an email address in the correct format',
  ],
  [
    'approverEmail',
    'APPLICANT',
    '#approverEmail',
    '#approverEmail-error',
    'L’approbateur doit être une autre personne que vous',
    'The approver must be someone other than you',
  ],
];

function expectError(html: string, href: string, inlineId: string, message: string) {
  const page = $(html);
  expect(page('title').text()).toMatch(/^(Erreur :|Error:)/);
  const summary = page('.error-summary');
  expect(summary.length).toBe(1);
  const link = summary.find(`a[href="${href}"]`);
  expect(link.length).toBe(1);
  expect(link.text()).toContain(message);
  expect(page(inlineId).text()).toContain(message);
  // The link's target exists on the page.
  expect(page(href).length).toBe(1);
}

describe('format checks: error summary and inline errors in the page language, what was typed is kept', () => {
  let ctx: TestContext;
  const agents: Partial<Record<Lang, Agent>> = {};
  const emails: Partial<Record<Lang, string>> = {};

  beforeAll(async () => {
    ctx = await createTestContext();
    const key = await givenFormKey(ctx.deps.db, { paymentType: 'individual', directDebitRule: 'required', approver: true, employeeNumberRule: 'required' });
    for (const lang of ['fr', 'en'] as const) {
      const app = await givenApplication(ctx.deps.db, key, { language: lang });
      emails[lang] = (await ctx.deps.db('application').where({ id: app.id }).first()).email;
      agents[lang] = await enter(ctx.app, key, app.reference, lang);
      // A valid date of birth saved first, so the PIN check knows it (1986).
      await submit(agents[lang]!, paths.employee.form.cardholder, { action: 'save', ...VALID_CARDHOLDER });
    }
  });
  afterAll(() => ctx.close());

  describe.each(['fr', 'en'] as const)('cardholder (%s)', (lang) => {
    it.each(CARDHOLDER_CASES)('%s = %j', async (field, value, href, inlineId, fr, en) => {
      const res = await submit(agents[lang]!, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER, [field]: value });
      expect(res.status).toBe(400);
      expectError(res.text, href, inlineId, lang === 'fr' ? fr : en);
      const page = $(res.text);
      if (['title', 'correspondenceLanguage'].includes(field)) expect(page(`input[name="${field}"]:checked`).length).toBe(0);
      else if (['birthCountry', 'nationality'].includes(field)) expect(page(`#${field} option[selected]`).length).toBe(0);
      else expect(page(`#${field}`).val()).toBe(value);
      // Another field keeps what was typed too.
      expect(page('#firstName').val()).toBe(field === 'firstName' ? value : 'Élodie');
    });
  });

  describe.each(['fr', 'en'] as const)('individual payment (%s)', (lang) => {
    it.each(PAYMENT_CASES)('%s = %j', async (field, value, href, inlineId, fr, en) => {
      const res = await submit(agents[lang]!, paths.employee.form.payment, {
        action: 'continue',
        iban: VALID_IBAN,
        bic: 'BNPAFRPP',
        accountHolder: 'Élodie Dupré',
        [field]: value,
      });
      expect(res.status).toBe(400);
      expectError(res.text, href, inlineId, lang === 'fr' ? fr : en);
      expect($(res.text)(`#${field}`).val()).toBe(value);
    });
  });

  describe.each(['fr', 'en'] as const)('PIN (%s)', (lang) => {
    it.each(PIN_CASES)('%s / %s', async (pin, confirmation, href, inlineId, fr, en) => {
      const res = await submit(agents[lang]!, paths.employee.form.pin, { action: 'continue', pin, pinConfirmation: confirmation });
      expect(res.status).toBe(400);
      expectError(res.text, href, inlineId, lang === 'fr' ? fr : en);
      // Never sent back to the page.
      expect($(res.text)('#pin').val()).toBe('');
      expect($(res.text)('#pinConfirmation').val()).toBe('');
      expect(res.text).not.toContain(`value="${pin}"`);
      expect($(res.text)('#pin').attr('type')).toBe('password');
      expect($(res.text)('#pin').attr('inputmode')).toBe('numeric');
      expect($(res.text)('#pin').attr('autocomplete')).toBe('off');
    });
  });

  describe.each(['fr', 'en'] as const)('additional approver (%s)', (lang) => {
    it.each(APPROVER_CASES)('%s = %j', async (field, typed, href, inlineId, fr, en) => {
      const value = typed === 'APPLICANT' ? emails[lang]! : typed;
      const res = await submit(agents[lang]!, paths.employee.form.approval, {
        action: 'send',
        approverName: 'Marc Durand',
        approverEmail: 'marc@acme.example',
        approverLanguage: 'fr',
        [field]: value,
      });
      expect(res.status).toBe(400);
      expectError(res.text, href, inlineId, lang === 'fr' ? fr : en);
      expect($(res.text)(`#${field}`).val()).toBe(value);
    });
  });

  it.each(['fr', 'en'] as const)('urgent priority without its terms is refused (%s, self-service)', async (lang) => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key, { origin: 'self_service' });
    const agent = await enter(ctx.app, key, app.reference, lang);
    const res = await submit(agent, paths.employee.form.priority, { action: 'continue', priority: 'urgent' });
    expect(res.status).toBe(400);
    expectError(
      res.text,
      '#urgentTermsAccepted',
      '#urgentTermsAccepted-error',
      lang === 'fr' ? 'Acceptez les conditions d’une demande urgente' : 'Accept the terms of an urgent application',
    );
    expect($(res.text)('input[name="priority"][value="urgent"]').attr('checked')).toBeDefined();
    expect((await db('application').where({ id: app.id }).first()).priority).toBe('normal');
  });

  it.each(['fr', 'en'] as const)('terms must be ticked to continue (%s)', async (lang) => {
    const res = await submit(agents[lang]!, paths.employee.form.terms, { action: 'continue' });
    expect(res.status).toBe(400);
    expectError(
      res.text,
      '#accept',
      '#accept-error',
      lang === 'fr' ? 'Acceptez les conditions générales du titulaire' : 'Accept the cardholder terms and conditions',
    );
  });

  it('Save refuses only what does not fit (lengths), not formats', async () => {
    const agent = agents.en!;
    const ok = await submit(agent, paths.employee.form.cardholder, { action: 'save', ...VALID_CARDHOLDER, mobilePhone: 'not a phone', dobDay: '99' });
    expect(ok.status).toBe(303);
    const tooLong = await submit(agent, paths.employee.form.cardholder, { action: 'save', ...VALID_CARDHOLDER, jobTitle: 'x'.repeat(61) });
    expect(tooLong.status).toBe(400);
    expectError(tooLong.text, '#jobTitle', '#jobTitle-error', 'Job title must be 60 characters or fewer');
  });
});
