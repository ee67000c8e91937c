import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { createInvitedApplications, invitationLinkEmail } from '../../core/application/create';
import { keyUsability } from '../../core/application/key-state';
import { findApplicationById, findByReference, findKeyByNumber, findOpenApplicationOnKey, holdKey } from '../../core/application/repository';
import { NOT_SUBMITTED, OPEN_STATUSES, StaleStateError, transition } from '../../core/application/status';
import { reissueLink } from '../../core/application/reissue';
import { openApplicationsOf } from '../../core/application/reissue-repository';
import {
  APPLY_EMAIL_RULE,
  KEY_RULE,
  LOST_LINK_EMAIL_RULE,
  REFERENCE_RULE,
  clearCounter,
  countEvent,
  emailSubject,
  holdCounter,
  isLocked,
} from '../../core/throttle/attempt-counter';
import { recordFirstOpened } from './repository';

/** Compared when the reference is unknown, so both failures do the same work. */
const NO_KEY = '\u0000'.repeat(8);

function sameKey(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

type EntryResult = { ok: true; applicationId: number } | { ok: false };

/**
 * Key + reference. An unknown reference, a key that is not the application's, and a locked reference all fail alike
 * (the caller shows one generic error). Failures are counted per reference (5 lock it for 15 minutes) and per key.
 * Success opens the application: first_opened_at, and invited → in_progress.
 * Expired or deleted keys do not matter here: existing applications continue.
 */
export async function enterApplication(db: Db, keyNumber: string, reference: string, now: Date): Promise<EntryResult> {
  return db.transaction(async (trx) => {
    // Held first, so that tries at the same moment are judged one after the other (the fifth locks the sixth out).
    await holdCounter(trx, 'entry_reference', reference, now);
    const locked = await isLocked(trx, 'entry_reference', reference, now);
    const app = await findByReference(trx, reference);
    const matches = sameKey(app?.keyNumber ?? NO_KEY, keyNumber) && Boolean(app);
    if (locked || !matches || !app) {
      if (!locked) await countEvent(trx, 'entry_reference', reference, REFERENCE_RULE, now);
      await countEvent(trx, 'entry_key', keyNumber, KEY_RULE, now);
      return { ok: false };
    }
    await clearCounter(trx, 'entry_reference', reference);
    const ts = now.toISOString();
    if (app.status === 'invited') {
      try {
        await transition(trx, {
          applicationId: app.id,
          from: ['invited'],
          to: 'in_progress',
          actor: { type: 'employee' },
          now,
          extra: { first_opened_at: app.firstOpenedAt ?? ts },
        });
      } catch (err) {
        if (!(err instanceof StaleStateError)) throw err;
      }
    } else if (!app.firstOpenedAt) {
      await recordFirstOpened(trx, app.id, ts);
    }
    return { ok: true, applicationId: app.id };
  });
}

/** Whether the application is signed (or otherwise no longer editable): the employee then lands on its status page. */
export async function isSubmitted(db: Db, applicationId: number): Promise<boolean> {
  const entered = await findApplicationById(db, applicationId);
  return Boolean(entered && !NOT_SUBMITTED.includes(entered.status));
}

type SelfServiceOutcome = 'created' | 'reference_resent' | 'unknown_key' | 'key_deleted' | 'key_expired' | 'email_limit';

/**
 * Self-service start. An open application of that e-mail on that key gets its reference again (even if the key has
 * expired since: existing applications continue); otherwise a usable key starts a new application and e-mail 1.
 * Whatever the outcome, the employee sees the same "check your mailbox" answer; the outcome is
 * for the log (never with the e-mail address). At most 5 requests per e-mail per hour; beyond that nothing is sent.
 */
export async function startSelfService(
  db: Db,
  input: { keyNumber: string; email: string; language: Language },
  timeZone: string,
  now: Date,
): Promise<{ outcome: SelfServiceOutcome; keyId?: number; applicationId?: number }> {
  return db.transaction(async (trx) => {
    const count = await countEvent(trx, 'apply_email', emailSubject(input.email), APPLY_EMAIL_RULE, now);
    if (count > APPLY_EMAIL_RULE.max) return { outcome: 'email_limit' };
    const found = await findKeyByNumber(trx, input.keyNumber);
    if (!found) return { outcome: 'unknown_key' };
    // The key held, then read again: a controlled send, a spreadsheet or a deletion on the same key at the same moment
    // (PostgreSQL) waits or is waited for, so the same e-mail never gets two open applications on one key.
    await holdKey(trx, found.id);
    const key = await findKeyByNumber(trx, input.keyNumber);
    if (!key) return { outcome: 'unknown_key' };
    // An existing open application continues even when its key has expired since: its reference is sent again.
    const existing = await findOpenApplicationOnKey(trx, key.id, input.email);
    if (existing) {
      await enqueueEmails(
        trx,
        [
          invitationLinkEmail(
            { id: existing.id, reference: existing.reference },
            { email: existing.email, language: existing.language, title: existing.title, firstName: existing.first_name, lastName: existing.last_name },
            `self-service:${crypto.randomUUID()}`,
          ),
        ],
        now,
      );
      return { outcome: 'reference_resent', keyId: key.id, applicationId: existing.id };
    }
    const usability = keyUsability(key, timeZone, now);
    if (usability !== 'usable') return { outcome: usability === 'deleted' ? 'key_deleted' : 'key_expired', keyId: key.id };
    const [created] = await createInvitedApplications(
      trx,
      [
        {
          accessKey: { id: key.id, accountId: key.accountId, number: key.number },
          origin: 'self_service',
          priority: 'normal',
          email: input.email,
          language: input.language,
        },
      ],
      now,
    );
    return { outcome: 'created', keyId: key.id, applicationId: created?.id };
  });
}

/**
 * Lost link (issue 16 item 4): every open application of this e-mail address gets a new reference, e-mailed as a new
 * link (core/application/reissue: the old link stops working). Called after the answer has gone (the page is the same
 * whether or not anything was sent, and so is its timing). At most LOST_LINK_EMAIL_RULE.max requests per address per
 * hour; beyond that nothing is sent. Returns how many links were sent, for the log.
 */
export async function sendNewLinks(db: Db, email: string, now: Date): Promise<{ outcome: 'sent' | 'none' | 'email_limit'; count: number }> {
  return db.transaction(async (trx) => {
    const count = await countEvent(trx, 'lost_link_email', emailSubject(email), LOST_LINK_EMAIL_RULE, now);
    if (count > LOST_LINK_EMAIL_RULE.max) return { outcome: 'email_limit' as const, count: 0 };
    const open = await openApplicationsOf(trx, email, OPEN_STATUSES);
    for (const app of open) await reissueLink(trx, app.id, { actor: { type: 'employee' }, now });
    return { outcome: open.length ? ('sent' as const) : ('none' as const), count: open.length };
  });
}
