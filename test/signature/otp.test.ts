import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { codeHmac, issueCode, MAX_TRIES, verifyCode } from '../../src/features/signature/otp';
import { tFor } from '../../src/platform/i18n';
import { createTestContext, type TestContext } from '../support/app';
import { isSqlite } from '../../src/platform/db';
import { checkpointSqlite } from '../support/database';
import { givenApplicationRow } from '../support/builders';

const PDF_HASH = 'a'.repeat(64);
const T0 = new Date('2026-11-24T09:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('one-time signing codes', () => {
  let ctx: TestContext;
  let secret: Buffer;
  let applicationId: number;
  beforeEach(async () => {
    ctx = await createTestContext();
    secret = ctx.deps.secrets.otpSecret();
    applicationId = (await givenApplicationRow(ctx.deps.db)).id;
  });
  afterEach(() => ctx.close());

  const issue = (now: Date, pdfSha256 = PDF_HASH) =>
    ctx.deps.db.transaction((trx) => issueCode(trx, { applicationId, pdfSha256, sentTo: 'jean@acme.example', now, secret }));
  const verify = (code: unknown, now: Date, pdfSha256 = PDF_HASH) =>
    ctx.deps.db.transaction((trx) => verifyCode(trx, { applicationId, code, pdfSha256, now, secret }));
  const issued = async (now: Date, pdfSha256 = PDF_HASH) => {
    const r = await issue(now, pdfSha256);
    if (!r.ok) throw new Error(r.key);
    return r;
  };
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('issues 6 random digits valid 10 minutes, stored only as an HMAC bound to the attempt', async () => {
    const r = await issued(T0);
    expect(r.code).toMatch(/^\d{6}$/);
    expect(r.expiresAt).toBe(at(600).toISOString());
    const row = await ctx.deps.db('signature_attempt').where({ id: r.attemptId }).first();
    expect(row.code_hmac).toBe(codeHmac(secret, r.attemptId, r.code));
    expect(row.code_hmac).not.toBe(codeHmac(secret, r.attemptId + 1, r.code));
    expect(JSON.stringify(row)).not.toContain(r.code);
    if (isSqlite(ctx.deps.db)) {
      await checkpointSqlite(ctx.deps.db);
      expect(fs.readFileSync(path.join(ctx.dataDir, 'sesame.sqlite')).includes(Buffer.from(r.code))).toBe(false);
    }
  });

  it('draws codes with crypto.randomInt (not a constant or a sequence)', async () => {
    const spy = jest.spyOn(crypto, 'randomInt');
    await issued(T0);
    expect(spy).toHaveBeenCalledWith(0, 1_000_000);
    spy.mockRestore();
  });

  it('accepts the right code once, within 10 minutes, for the same PDF; tolerates spaces', async () => {
    const r = await issued(T0);
    const spaced = `${r.code.slice(0, 3)} ${r.code.slice(3)}`;
    expect(await verify(spaced, at(599))).toEqual({
      ok: true,
      attemptId: r.attemptId,
      sentTo: 'jean@acme.example',
      pdfSha256: PDF_HASH,
      sentAt: T0.toISOString(),
      tries: 1,
    });
    expect(await verify(r.code, at(600))).toMatchObject({ ok: false, reason: 'noCode', key: 'signature:errors.noCode' });
  });

  it('refuses an expired code', async () => {
    const r = await issued(T0);
    expect(await verify(r.code, at(600))).toMatchObject({ ok: false, reason: 'expired', key: 'signature:errors.expired' });
  });

  it('refuses the code for another PDF than the one shown when it was sent', async () => {
    const r = await issued(T0);
    expect(await verify(r.code, at(10), 'b'.repeat(64))).toMatchObject({ ok: false, reason: 'documentChanged' });
    expect((await verify(r.code, at(11))).ok).toBe(true);
  });

  it('allows 5 tries, counting down, then needs a new code even for the right one', async () => {
    const r = await issued(T0);
    for (let i = 1; i < MAX_TRIES; i++) {
      expect(await verify(wrong(r.code), at(i))).toEqual({
        ok: false,
        reason: 'wrongCode',
        key: 'signature:errors.wrongCode',
        params: { count: MAX_TRIES - i },
      });
    }
    expect(await verify(wrong(r.code), at(5))).toMatchObject({ ok: false, reason: 'exhausted', key: 'signature:errors.exhausted' });
    expect(await verify(r.code, at(6))).toMatchObject({ ok: false, reason: 'exhausted' });
    const again = await issued(at(61));
    expect((await verify(again.code, at(62))).ok).toBe(true);
  });

  it('does not count a malformed code as a try', async () => {
    const r = await issued(T0);
    for (const bad of ['', '12345', '1234567', 'abcdef', undefined, ['123456']]) {
      expect(await verify(bad, at(1))).toMatchObject({ ok: false, reason: 'format', key: 'signature:errors.codeFormat' });
    }
    expect((await ctx.deps.db('signature_attempt').where({ id: r.attemptId }).first()).attempts).toBe(0);
  });

  it('supersedes the previous code when a new one is sent', async () => {
    const first = await issued(T0);
    const second = await issued(at(61));
    expect(await verify(first.code === second.code ? wrong(second.code) : first.code, at(62))).toMatchObject({ ok: false, reason: 'wrongCode' });
    expect((await verify(second.code, at(63))).ok).toBe(true);
  });

  it('throttles sending: 60 s between codes, at most 5 an hour', async () => {
    await issued(T0);
    expect(await issue(at(30))).toEqual({ ok: false, key: 'signature:errors.resendTooSoon', params: { count: 30, seconds: 30, minutes: 1 } });
    for (const s of [60, 120, 180, 240]) await issued(at(s));
    expect(await issue(at(300))).toEqual({ ok: false, key: 'signature:errors.tooManyCodes', params: { count: 55, seconds: 3300, minutes: 55 } });
    expect(await issue(at(3599))).toMatchObject({ ok: false, key: 'signature:errors.tooManyCodes' });
    expect((await issue(at(3601))).ok).toBe(true);
    // Another application is not affected.
    const other = await givenApplicationRow(ctx.deps.db);
    expect(
      (
        await ctx.deps.db.transaction((trx) =>
          issueCode(trx, { applicationId: other.id, pdfSha256: PDF_HASH, sentTo: 'x@acme.example', now: at(3602), secret }),
        )
      ).ok,
    ).toBe(true);
  });

  it('has messages in both languages for every outcome', () => {
    for (const lang of ['fr', 'en'] as const) {
      const t = tFor(lang);
      expect(t('signature:errors.wrongCode', { count: 1 })).toMatch(/1/);
      expect(t('signature:errors.wrongCode', { count: 3 })).not.toBe(t('signature:errors.wrongCode', { count: 1 }).replace('1', '3'));
      expect(t('signature:errors.resendTooSoon', { count: 30 })).toMatch(/30/);
    }
  });

  it('says 1 second / 1 minute and 2 seconds / 2 minutes (plural forms) in both languages', () => {
    const fr = tFor('fr');
    const en = tFor('en');
    expect(fr('signature:errors.resendTooSoon', { count: 1 })).toMatch(/dans 1 seconde$/);
    expect(fr('signature:errors.resendTooSoon', { count: 2 })).toMatch(/dans 2 secondes$/);
    expect(fr('signature:errors.tooManyCodes', { count: 1 })).toMatch(/dans 1 minute$/);
    expect(fr('signature:errors.tooManyCodes', { count: 2 })).toMatch(/dans 2 minutes$/);
    expect(en('signature:errors.resendTooSoon', { count: 1 })).toMatch(/in 1 second$/);
    expect(en('signature:errors.resendTooSoon', { count: 2 })).toMatch(/in 2 seconds$/);
    expect(en('signature:errors.tooManyCodes', { count: 1 })).toMatch(/in 1 minute$/);
    expect(en('signature:errors.tooManyCodes', { count: 2 })).toMatch(/in 2 minutes$/);
  });
});
