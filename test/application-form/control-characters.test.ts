import { createTestContext, $, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenApplication, givenFormKey } from '../support/builders';
import { enter, submit, VALID_CARDHOLDER, VALID_IBAN } from '../support/employee';

type Lang = 'fr' | 'en';

const NUL = '\u0000';
const RLO = '\u202e';

/** [what, section path, field, typed value, value shown back, French message, English message] */
type Case = [string, string, string, string, string, string, string];

const CASES: Case[] = [
  [
    'a NUL byte in a free-text field',
    paths.employee.form.cardholder,
    'homeCity',
    `Lyon${NUL}`,
    'Lyon[U+0000]',
    'Le champ « Ville » contient un caractère de contrôle invisible, affiché ici [U+0000] : supprimez-le',
    'Town or city contains an invisible control character, shown here as [U+0000]: remove it',
  ],
  [
    'a right-to-left override in a name',
    paths.employee.form.cardholder,
    'lastName',
    `Dup${RLO}ré`,
    'Dup[U+202E]ré',
    'Le champ « Nom » contient un caractère de contrôle invisible, affiché ici [U+202E] : supprimez-le',
    'Last name contains an invisible control character, shown here as [U+202E]: remove it',
  ],
  [
    'a right-to-left override in a free-text field',
    paths.employee.form.cardholder,
    'homeAddressLine1',
    `12 rue des ${RLO}salil`,
    '12 rue des [U+202E]salil',
    'Le champ « Adresse (ligne 1) » contient un caractère de contrôle invisible, affiché ici [U+202E] : supprimez-le',
    'Address line 1 contains an invisible control character, shown here as [U+202E]: remove it',
  ],
  [
    'a right-to-left override in the account holder',
    paths.employee.form.payment,
    'accountHolder',
    `Élodie ${RLO}érpuD`,
    'Élodie [U+202E]érpuD',
    'Le champ « Titulaire du compte » contient un caractère de contrôle invisible, affiché ici [U+202E] : supprimez-le',
    'Account holder contains an invisible control character, shown here as [U+202E]: remove it',
  ],
  [
    'a NUL byte in the approver’s name',
    paths.employee.form.approval,
    'approverName',
    `Marc${NUL} Durand`,
    'Marc[U+0000] Durand',
    'Le champ « Nom de l’approbateur » contient un caractère de contrôle invisible, affiché ici [U+0000] : supprimez-le',
    'Approver’s name contains an invisible control character, shown here as [U+0000]: remove it',
  ],
];

const VALID: Record<string, Record<string, string>> = {
  [paths.employee.form.cardholder]: VALID_CARDHOLDER,
  [paths.employee.form.payment]: { iban: VALID_IBAN, bic: 'BNPAFRPP', accountHolder: 'Élodie Dupré' },
  [paths.employee.form.approval]: { approverName: 'Marc Durand', approverEmail: 'marc@acme.example', approverLanguage: 'fr' },
};

describe('control characters: Save and Continue refuse them alike, and the page shows them made visible', () => {
  let ctx: TestContext;
  const agents: Partial<Record<Lang, Agent>> = {};
  const ids: Partial<Record<Lang, number>> = {};

  beforeAll(async () => {
    ctx = await createTestContext();
    const key = await givenFormKey(ctx.deps.db, { paymentType: 'individual', directDebitRule: 'required', approver: true });
    for (const lang of ['fr', 'en'] as const) {
      const app = await givenApplication(ctx.deps.db, key, { language: lang });
      ids[lang] = app.id;
      agents[lang] = await enter(ctx.app, key, app.reference, lang);
    }
  });
  afterAll(() => ctx.close());

  const formData = async (lang: Lang) => (await ctx.deps.db('application').where({ id: ids[lang] }).first()).form_data as string | null;

  describe.each(['fr', 'en'] as const)('%s', (lang) => {
    it.each(CASES)('%s: refused on Save and on Continue with the same message, nothing stored', async (_what, path, field, typed, shown, fr, en) => {
      const message = lang === 'fr' ? fr : en;
      for (const action of ['save', 'continue']) {
        const before = await formData(lang);
        const res = await submit(agents[lang]!, path, { ...VALID[path], action, [field]: typed });
        expect(res.status).toBe(400);
        const page = $(res.text);
        expect(page('.error-summary').find(`a[href="#${field}"]`).text()).toContain(message);
        expect(page(`#${field}-error`).text()).toContain(message);
        // What was typed comes back with the character made visible; the raw character is nowhere in the page.
        expect(page(`#${field}`).val()).toBe(shown);
        expect(res.text).not.toContain(NUL);
        expect(res.text).not.toContain(RLO);
        // Nothing of that save was stored (the whole save is refused, as for a value too long).
        expect(await formData(lang)).toBe(before);
      }
    });
  });

  it.each(['fr', 'en'] as const)('the review shows a value stored before this rule made visible, and refuses it (%s)', async (lang) => {
    const key = await givenFormKey(ctx.deps.db);
    const app = await givenApplication(ctx.deps.db, key, { language: lang });
    const cardholder = { ...VALID_CARDHOLDER, homeCity: `Ly${RLO}no` };
    await ctx.deps
      .db('application')
      .where({ id: app.id })
      .update({ form_data: JSON.stringify({ cardholder }) });
    const agent = await enter(ctx.app, key, app.reference, lang);
    const res = await agent.get(paths.employee.review);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(RLO);
    const section = $(res.text)('#section-cardholder');
    expect(section.find('dd').text()).toContain('Ly[U+202E]no');
    expect(section.find('.row-errors').text()).toContain(
      lang === 'fr'
        ? 'Le champ « Ville » contient un caractère de contrôle invisible, affiché ici [U+202E]'
        : 'Town or city contains an invisible control character',
    );
  });

  it('still saves the same values without the character', async () => {
    const res = await submit(agents.en!, paths.employee.form.cardholder, { ...VALID_CARDHOLDER, action: 'save', homeCity: 'Lyon' });
    expect(res.status).toBe(303);
    expect(JSON.parse((await formData('en')) as string).cardholder.homeCity).toBe('Lyon');
  });
});
