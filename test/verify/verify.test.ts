import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestContext, TestClock, $, getCsrf, type Agent, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { formatDate } from '../../src/platform/i18n';
import { transition } from '../../src/core/application/status';
import { maskReference } from '../../src/core/archive/archive';
import { MAX_VERIFY_BYTES } from '../../src/features/verify/service';
import { VERIFY_IP_RULE } from '../../src/core/throttle/attempt-counter';
import { givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

const SECOND = 1000;

/** Issue 17 part 3: the public verify page. */
describe('verify a copy (/verify)', () => {
  let ctx: TestContext;
  let clock: TestClock;

  beforeAll(async () => {
    clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
    // Behind one proxy: each test's visitor has its own address (X-Forwarded-For), so one test's limit does not spill into another.
    ctx = await createTestContext({ TRUST_PROXY: '1' }, { clock });
  });
  afterAll(() => ctx.close());

  const tick = (ms: number) => clock.advance(ms);
  /** Each test its own client address, so the per-IP limit of one test does not spill into another. */
  let ipCounter = 0;
  const newIp = () => `203.0.113.${++ipCounter}`;

  /** An application signed by its employee: the signed PDF's bytes, the reference and when it was signed. */
  async function signed(email: string) {
    const a = await givenSignableApplication(ctx, { email });
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    const signedAt = clock.now();
    expect((await postCode(agent, code)).status).toBe(303);
    const pdf = (await agent.get(paths.employee.signedPdf(1)).buffer(true)).body as Buffer;
    return { a, pdf, signedAt };
  }

  /** A visitor (no session) on the verify page in `lang`, from address `ip`. */
  async function visitor(lang: 'fr' | 'en', ip = newIp()) {
    const agent: Agent = request.agent(ctx.app);
    const token = await getCsrf(agent.set('X-Forwarded-For', ip), `${paths.verify}?lang=${lang}`);
    const upload = (file: Buffer, name = 'copy.pdf') => agent.post(paths.verify).set('X-Forwarded-For', ip).field('_csrf', token).attach('file', file, name);
    return { agent, upload };
  }

  it.each([
    ['fr', 'Ce PDF est un original archivé par Sésame.', 'C’est la dernière version signée.'],
    ['en', 'This PDF is an original archived by Sésame.', 'This is the latest signed version.'],
  ] as const)('finds an original: masked reference and signing date, nothing else (%s)', async (lang, original, latest) => {
    const { a, pdf, signedAt } = await signed(`verify-original-${lang}@acme.example`);
    const { upload } = await visitor(lang);
    const res = await upload(pdf);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('#verify-result').text()).toContain(original);
    const masked = `${a.reference.slice(0, 2)}******${a.reference.slice(-2)}`;
    expect(page('#verify-reference').text()).toBe(masked);
    expect(page('#verify-signed-at').text()).toBe(formatDate(lang, signedAt, ctx.config.timeZone, true));
    expect(page('#verify-later').text()).toContain(latest);
    // Nothing else about the application: not its reference in clear, not the e-mail nor the cardholder.
    expect(res.text).not.toContain(a.reference);
    expect(res.text).not.toContain(`verify-original-${lang}@acme.example`);
    expect(res.text).not.toContain('Dupré');
  });

  it('masks a reference but its first two and last two characters', () => {
    expect(maskReference('4912345625')).toBe('49******25');
  });

  it.each([
    ['fr', 'Une version plus récente de cette demande a été signée'],
    ['en', 'A later version of this application was signed'],
  ] as const)('says a later version exists when the application was signed again (%s)', async (lang, later) => {
    const { a, pdf } = await signed(`verify-later-${lang}@acme.example`);
    tick(3600 * SECOND);
    await ctx.deps.db.transaction((trx) =>
      transition(trx, { applicationId: a.id, from: ['pending_approval'], to: 'returned', actor: { type: 'admin', id: a.adminId }, now: clock.now() }),
    );
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, a.id);
    expect((await postCode(agent, code)).status).toBe(303);
    const second = (await agent.get(paths.employee.signedPdf(2)).buffer(true)).body as Buffer;

    const { upload } = await visitor(lang);
    const first = $((await upload(pdf)).text);
    expect(first('#verify-later').text()).toContain(later);
    const latest = $((await upload(second)).text);
    expect(latest('#verify-reference').text()).toBe(maskReference(a.reference));
    expect(latest('#verify-later').text()).not.toContain(later);
  });

  it.each([
    ['fr', 'Pas un original'],
    ['en', 'Not an original'],
  ] as const)('says "not an original" for an unknown PDF or a changed copy (%s)', async (lang, notOriginal) => {
    const { pdf } = await signed(`verify-changed-${lang}@acme.example`);
    const changed = Buffer.from(pdf);
    changed[changed.length - 10] = changed[changed.length - 10]! ^ 0x01;
    const { upload } = await visitor(lang);
    for (const file of [changed, Buffer.from('%PDF-1.4\n% not archived\n%%EOF\n')]) {
      const res = await upload(file);
      expect(res.status).toBe(200);
      expect($(res.text)('#verify-result').text()).toContain(notOriginal);
      expect($(res.text)('#verify-reference')).toHaveLength(0);
    }
  });

  it.each([
    ['fr', 'Le fichier doit être un PDF'],
    ['en', 'The file must be a PDF'],
  ] as const)('refuses a file that is not a PDF, whatever its name (%s)', async (lang, message) => {
    const { upload } = await visitor(lang);
    const res = await upload(Buffer.from('\x89PNG\r\n\x1a\nnot a pdf'), 'image.pdf');
    expect(res.status).toBe(400);
    expect($(res.text)('.error-summary').text()).toContain(message);
    expect($(res.text)('#verify-result')).toHaveLength(0);
  });

  it.each([
    ['fr', 'Le fichier ne doit pas dépasser 5 Mo'],
    ['en', 'The file must be 5 MB or smaller'],
  ] as const)('refuses a file over the size limit (%s)', async (lang, message) => {
    const { upload } = await visitor(lang);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_VERIFY_BYTES, 0x20)]);
    const res = await upload(big);
    expect(res.status).toBe(413);
    expect($(res.text)('.error-summary').text()).toContain(message);
  });

  it('refuses an upload without its CSRF token', async () => {
    const res = await request(ctx.app).post(paths.verify).attach('file', Buffer.from('%PDF-1.4\n'), 'a.pdf');
    expect(res.status).toBe(403);
  });

  it.each([
    ['fr', 'Trop de fichiers vérifiés depuis votre connexion'],
    ['en', 'Too many files verified from your connection'],
  ] as const)('limits the checks per IP address, then lets them again an hour later (%s)', async (lang, message) => {
    const ip = newIp();
    const { upload } = await visitor(lang, ip);
    const file = Buffer.from('%PDF-1.4\n% rate limit\n%%EOF\n');
    for (let i = 0; i < VERIFY_IP_RULE.max; i++) expect((await upload(file)).status).toBe(200);
    const refused = await upload(file);
    expect(refused.status).toBe(429);
    expect($(refused.text)('.error-summary').text()).toContain(message);
    // Another address is not affected.
    expect((await (await visitor(lang)).upload(file)).status).toBe(200);
    tick(61 * 60 * SECOND);
    // An hour later (the page reopened: its session has ended meanwhile), the same address may check again.
    expect((await (await visitor(lang, ip)).upload(file)).status).toBe(200);
  });

  it('keeps nothing: no file written, no row but the per-IP counter', async () => {
    const { pdf } = await signed('verify-nothing@acme.example');
    const walk = (dir: string): string[] =>
      fs.existsSync(dir)
        ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
        : [];
    const tables: Array<{ name: string }> = process.env.TEST_DATABASE_URL?.startsWith('postgres')
      ? await ctx.deps.db('information_schema.tables').where({ table_schema: 'public' }).select('table_name as name')
      : await ctx.deps.db('sqlite_master').where({ type: 'table' }).select('name');
    const counts = async () =>
      Object.fromEntries(
        await Promise.all(
          tables
            .filter((t) => t.name !== 'attempt_counter' && t.name !== 'session')
            .map(async (t) => [t.name, (await ctx.deps.db(t.name).count({ n: '*' }))[0]!.n]),
        ),
      );
    const filesBefore = walk(ctx.config.dataDir).sort();
    const rowsBefore = await counts();
    const { upload } = await visitor('en');
    expect((await upload(pdf)).status).toBe(200);
    expect((await upload(Buffer.from('%PDF-1.4\n% unknown\n'))).status).toBe(200);
    expect(walk(ctx.config.dataDir).sort()).toEqual(filesBefore);
    expect(await counts()).toEqual(rowsBefore);
  });

  it.each([
    ['fr', 'Vérifier un document signé'],
    ['en', 'Verify a signed document'],
  ] as const)('is public and linked from the footer next to Help (%s)', async (lang, label) => {
    const res = await request(ctx.app).get(`${paths.verify}?lang=${lang}`);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe(label);
    expect(page('#file').attr('accept')).toContain('application/pdf');
    const footer = page('.site-footer');
    expect(footer.find('#footer-help').length).toBe(1);
    expect(footer.find('#footer-verify').attr('href')).toBe(paths.verify);
    expect(footer.find('#footer-verify').text()).toBe(label);
  });
});
