/**
 * Error pages raised before the language is known (the body parser, the cross-site check) render in the visitor's
 * language, in development and in production, with no stack trace or path in production.
 */
import request from 'supertest';
import { createTestContext, productionEnv, $, type TestContext } from '../support/app';

const TITLES = {
  413: { fr: 'Fichier ou formulaire trop volumineux', en: 'File or form too large' },
} as const;

describe.each([
  ['development', () => ({})],
  ['production', productionEnv],
])('early error pages (%s)', (_mode, env) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(env());
  });
  afterAll(() => ctx.close());

  const big = 'x='.concat('a'.repeat(300 * 1024));
  const manyFields = Array.from({ length: 2100 }, (_, i) => `f${i}=1`).join('&');

  const cases: Array<[string, number, (lang: string) => request.Test]> = [
    ['a form body over the limit', 413, (lang) => request(ctx.app).post('/sign-in').set('Accept-Language', lang).type('form').send(big)],
    ['too many fields', 413, (lang) => request(ctx.app).post('/sign-in').set('Accept-Language', lang).type('form').send(manyFields)],
    [
      'an unsupported charset',
      415,
      (lang) =>
        request(ctx.app).post('/sign-in').set('Accept-Language', lang).set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-7').send('a=1'),
    ],
    [
      'a cross-site POST (Sec-Fetch-Site)',
      403,
      (lang) => request(ctx.app).post('/sign-in').set('Accept-Language', lang).set('Sec-Fetch-Site', 'cross-site').type('form').send('a=1'),
    ],
    [
      'a foreign Origin',
      403,
      (lang) => request(ctx.app).post('/sign-in').set('Accept-Language', lang).set('Origin', 'https://evil.example').type('form').send('a=1'),
    ],
  ];

  describe.each(cases)('%s', (_what, status, send) => {
    it.each(['fr', 'en'])('answers %s with a page in that language', async (lang) => {
      const res = await send(lang);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      const page = $(res.text);
      expect(page('html').attr('lang')).toBe(lang);
      expect(page('h1').text().trim().length).toBeGreaterThan(0);
      expect(res.text).not.toMatch(/null or undefined|at .*\.js:\d+|\/work\/|node_modules/);
      if (status === 413) expect(page('h1').text()).toBe(TITLES[413][lang as 'fr' | 'en']);
    });
  });
});
