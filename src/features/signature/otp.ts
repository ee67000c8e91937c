import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import { holdApplication } from '../../core/application/repository';
import { codeTimesSince, consumeCode, countCodeTry, currentSignatureAttempt, insertSignatureAttempt, storeCodeHmac, supersedeOpenCodes } from './repository';

/**
 * One-time signing codes. Six digits from crypto.randomInt, valid 10 minutes, single use, bound to the signing
 * attempt and to the SHA-256 of the PDF shown. Only HMAC-SHA256(secret, attemptId ‖ code) is stored, compared with
 * timingSafeEqual. Five wrong tries exhaust a code (a new one is needed); a new code supersedes the previous one;
 * sending is throttled (60 s between codes, at most 5 an hour per application).
 *
 * The clear code is returned once by issueCode for sending and must not be stored (not in the outbox either, unless
 * encrypted and wiped once sent). Run verifyCode in its own transaction and commit it whatever the result, so a
 * wrong try is counted.
 */
export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_TRIES = 5;
const RESEND_COOLDOWN_MS = 60 * 1000;
const MAX_CODES_PER_HOUR = 5;

type IssueResult =
  | { ok: true; attemptId: number; code: string; expiresAt: string }
  | { ok: false; key: 'signature:errors.resendTooSoon' | 'signature:errors.tooManyCodes'; params: { count: number; seconds: number; minutes: number } };

type VerifyFailure = 'format' | 'noCode' | 'expired' | 'exhausted' | 'documentChanged' | 'wrongCode';

type VerifyResult =
  | { ok: true; attemptId: number; sentTo: string; pdfSha256: string; sentAt: string; tries: number }
  | { ok: false; reason: VerifyFailure; key: string; params?: { count: number } };

const ERROR_KEYS: Record<VerifyFailure, string> = {
  format: 'signature:errors.codeFormat',
  noCode: 'signature:errors.noCode',
  expired: 'signature:errors.expired',
  exhausted: 'signature:errors.exhausted',
  documentChanged: 'signature:errors.documentChanged',
  wrongCode: 'signature:errors.wrongCode',
};

export function codeHmac(secret: Buffer, attemptId: number, code: string): string {
  return crypto.createHmac('sha256', secret).update(`${attemptId}:${code}`, 'utf8').digest('hex');
}

/** Creates a new code for the application's signing attempt, unless sending is throttled. */
export async function issueCode(trx: Db, input: { applicationId: number; pdfSha256: string; sentTo: string; now: Date; secret: Buffer }): Promise<IssueResult> {
  const nowMs = input.now.getTime();
  // Two requests at once (a double click) on PostgreSQL: the second waits here for the first to commit, then sees its
  // code and is throttled, instead of both finding no recent code and both sending one.
  await holdApplication(trx, input.applicationId);
  const recent = await codeTimesSince(trx, input.applicationId, new Date(nowMs - 60 * 60 * 1000).toISOString());
  const latest = recent[recent.length - 1];
  if (latest) {
    const wait = Date.parse(latest.created_at) + RESEND_COOLDOWN_MS - nowMs;
    if (wait > 0) return throttled('signature:errors.resendTooSoon', wait);
  }
  if (recent.length >= MAX_CODES_PER_HOUR) {
    const wait = Date.parse(recent[recent.length - MAX_CODES_PER_HOUR].created_at) + 60 * 60 * 1000 - nowMs;
    return throttled('signature:errors.tooManyCodes', wait);
  }

  const ts = input.now.toISOString();
  await supersedeOpenCodes(trx, input.applicationId, ts);
  const expiresAt = new Date(nowMs + CODE_TTL_MS).toISOString();
  const attemptId = await insertSignatureAttempt(trx, {
    applicationId: input.applicationId,
    pdfSha256: input.pdfSha256,
    sentTo: input.sentTo,
    createdAt: ts,
    expiresAt,
  });
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  await storeCodeHmac(trx, attemptId, codeHmac(input.secret, attemptId, code));
  return { ok: true, attemptId, code, expiresAt };
}

function throttled(key: 'signature:errors.resendTooSoon' | 'signature:errors.tooManyCodes', waitMs: number): IssueResult {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const minutes = Math.ceil(seconds / 60);
  // `count` chooses the message's plural form: seconds to wait before a resend, minutes once too many codes were sent.
  return { ok: false, key, params: { count: key === 'signature:errors.resendTooSoon' ? seconds : minutes, seconds, minutes } };
}

/** Checks a typed code against the application's current code, for the PDF whose hash is given. */
export async function verifyCode(
  trx: Db,
  input: { applicationId: number; code: unknown; pdfSha256: string; now: Date; secret: Buffer },
): Promise<VerifyResult> {
  const fail = (reason: VerifyFailure, params?: { count: number }): VerifyResult => ({
    ok: false,
    reason,
    key: ERROR_KEYS[reason],
    ...(params ? { params } : {}),
  });
  const code = typeof input.code === 'string' ? input.code.replace(/[\s-]/g, '') : '';
  if (!/^\d{6}$/.test(code)) return fail('format');

  const attempt = await currentSignatureAttempt(trx, input.applicationId);
  if (!attempt || attempt.consumed_at || !attempt.code_hmac) return fail('noCode');
  if (Number(attempt.attempts) >= MAX_TRIES) return fail('exhausted');
  if (input.now.toISOString() >= attempt.expires_at) return fail('expired');
  if (attempt.pdf_sha256 !== input.pdfSha256) return fail('documentChanged');

  // Count the try before comparing, conditionally, so parallel guesses cannot exceed the limit.
  const counted = await countCodeTry(trx, attempt.id, attempt.attempts);
  if (counted !== 1) return fail('noCode');
  const tries = Number(attempt.attempts) + 1;

  const expected = Buffer.from(attempt.code_hmac as string, 'hex');
  const actual = Buffer.from(codeHmac(input.secret, Number(attempt.id), code), 'hex');
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) {
    return tries >= MAX_TRIES ? fail('exhausted') : fail('wrongCode', { count: MAX_TRIES - tries });
  }
  const consumed = await consumeCode(trx, attempt.id, input.now.toISOString());
  if (consumed !== 1) return fail('noCode');
  return {
    ok: true,
    attemptId: Number(attempt.id),
    sentTo: attempt.sent_to as string,
    pdfSha256: attempt.pdf_sha256 as string,
    sentAt: attempt.created_at,
    tries,
  };
}
