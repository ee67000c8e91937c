import { createTestContext, $, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenApplication, givenFormKey } from '../support/builders';
import { enter, submit, VALID_CARDHOLDER } from '../support/employee';

/** The form's words: plural forms of the sections counter, the save message, the documents page's buttons. */
describe('the employee form’s wording', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  /** A self-service application: only the company section is complete at first (the employee chooses the priority). */
  async function newEmployee(lang: 'fr' | 'en') {
    const key = await givenFormKey(ctx.deps.db);
    const app = await givenApplication(ctx.deps.db, key, { language: lang, origin: 'self_service', initiatedBy: null } as never);
    return { key, app, agent: await enter(ctx.app, key, app.reference, lang) };
  }

  it.each([
    ['fr', 'Vous avez complété 1 section sur 6.', 'Vous avez complété 2 sections sur 6.'],
    ['en', 'You have completed 1 section out of 6.', 'You have completed 2 sections out of 6.'],
  ] as const)('counts the completed sections with plural forms: 1, then 2 (%s)', async (lang, one, two) => {
    const { agent } = await newEmployee(lang);
    expect($((await agent.get(paths.employee.application)).text)('#progress').text()).toBe(one);
    const done = await submit(agent, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER, correspondenceLanguage: lang });
    expect(done.status).toBe(303);
    expect($((await agent.get(paths.employee.application)).text)('#progress').text()).toBe(two);
  });

  it.each([
    ['fr', 'Vos réponses ont été sauvegardées. Pour les reprendre à tout moment, revenez avec votre clé d’accès KEY et votre numéro de référence REF.'],
    ['en', 'Your answers have been saved. To come back to them at any time, use your access key KEY and your reference number REF.'],
  ] as const)('names the access key and the reference after Save, both needed to come back (%s)', async (lang, message) => {
    const { key, app, agent } = await newEmployee(lang);
    const saved = await submit(agent, paths.employee.form.cardholder, { action: 'save', ...VALID_CARDHOLDER, firstName: '' });
    expect(saved.status).toBe(303);
    const banner = $((await agent.get(saved.headers.location as string)).text)('.banner').text();
    expect(banner).toBe(message.replace('KEY', key.number).replace('REF', app.reference));
  });

  it.each([
    ['fr', 'Sauvegarder', 'Joindre le document', 'Continuer', 'Quitter'],
    ['en', 'Save', 'Attach the document', 'Continue', 'Quit'],
  ] as const)('speaks on the documents page only of the buttons it has (%s)', async (lang, save, attach, continueLabel, quit) => {
    const { agent } = await newEmployee(lang);
    const page = $((await agent.get(paths.employee.form.documents)).text);
    const buttons = page('main button')
      .map((_i, b) => page(b).text().trim())
      .get();
    expect(buttons).toEqual(expect.arrayContaining([attach, continueLabel, quit]));
    expect(buttons).not.toContain(save);
    const hint = page('.actions + p.muted').text();
    expect(hint).not.toContain(save);
    for (const label of [attach, continueLabel, quit]) expect(hint).toContain(label);
    // A page with a Save button still explains it.
    const cardholder = $((await agent.get(paths.employee.form.cardholder)).text);
    expect(cardholder('.actions + p.muted').text()).toContain(save);
  });
});
