import type { Knex } from 'knex';
import type { Language } from '../../platform/i18n';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { enqueueEmails, type EmailToQueue } from '../../core/outbox/enqueue';
import type { TermsKind } from '../../core/terms/repository';
import { uniqueViolationText, type Db } from '../../platform/db';
import {
  formVersionTaken,
  insertFormVersion,
  insertTermsVersion,
  latestFormVersions,
  latestTermsVersions,
  notSubmittedApplications,
  termsVersionTaken,
  type NotifiedApplication,
  type NotifiedScope,
} from './repository';

/**
 * Publishing a new version of the terms or of the application form (SPEC §4, e-mail 9): the version and the e-mails
 * to the employees whose application is not submitted yet are written in one transaction, so the e-mails exist if and
 * only if the version does. One e-mail per application and publication (idempotency key), whatever the number of
 * languages published together.
 *
 * Who is told:
 * - cardholder terms of one card product: the applications whose BC has that product;
 * - cardholder terms common to every product ('*'): the applications whose product has no cardholder terms of its own
 *   (those are the ones the common text applies to);
 * - electronic-signature terms (always '*'): every application not submitted;
 * and, for terms, only the applications whose language is one of the languages published (the text they read).
 * - a form version: every application not submitted.
 */

const PAGE = 500;

interface TermsText {
  language: Language;
  title: string;
  body: string;
}

export interface PublishTermsInput {
  kind: TermsKind;
  cardProduct: string;
  version: string;
  texts: TermsText[];
}

export class VersionExistsError extends Error {
  constructor(readonly field: 'version') {
    super('version already published');
    this.name = 'VersionExistsError';
  }
}

/**
 * Whether a failed write hit the unique index of a published version. The check before the insert sees no version
 * published by a submission still in flight: on PostgreSQL a double click reaches the insert twice, and the index
 * refuses the second one. That is the same answer as the check's.
 */
function isVersionTaken(err: unknown): boolean {
  return /(terms|form)_version/.test(uniqueViolationText(err) ?? '');
}

/** The transaction of a publication, its version already taken (however that is noticed) being VersionExistsError. */
async function publishing<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(work);
  } catch (err) {
    if (isVersionTaken(err)) throw new VersionExistsError('version');
    throw err;
  }
}

function formChangedIdempotencyKey(applicationId: number, publication: string): string {
  return `form-changed:${applicationId}:${publication}`;
}

/** Queues e-mail 9 for every application `scope` selects (not submitted), page by page, in the caller's transaction. */
async function notifyNotSubmitted(
  trx: Knex.Transaction,
  scope: NotifiedScope,
  email: { publication: string; termsChanged: boolean; version: string },
  now: Date,
): Promise<number> {
  let afterId = 0;
  let queued = 0;
  for (;;) {
    const rows = await notSubmittedApplications(trx, scope, afterId, PAGE);
    const emails: EmailToQueue[] = rows.map((r) => ({
      idempotencyKey: formChangedIdempotencyKey(r.id, email.publication),
      template: 'form-changed',
      to: r.email,
      language: r.language,
      applicationId: r.id,
      data: {
        reference: r.reference,
        title: r.title ?? '',
        firstName: r.first_name ?? '',
        lastName: r.last_name ?? '',
        termsChanged: email.termsChanged,
        version: email.version,
      },
    }));
    queued += await enqueueEmails(trx, emails, now);
    if (rows.length < PAGE) return queued;
    afterId = (rows[rows.length - 1] as NotifiedApplication).id;
  }
}

/** Publishes a terms version in one or more languages and tells the employees concerned. */
export async function publishTermsVersion(
  db: Db,
  input: PublishTermsInput & { audit: AuditContext; now: Date },
): Promise<{ termsIds: number[]; notified: number }> {
  const publishedAt = input.now.toISOString();
  return publishing(db, async (trx) => {
    if (
      await termsVersionTaken(trx, { kind: input.kind, cardProduct: input.cardProduct, version: input.version, languages: input.texts.map((t) => t.language) })
    ) {
      throw new VersionExistsError('version');
    }
    const termsIds: number[] = [];
    for (const text of input.texts) {
      termsIds.push(
        await insertTermsVersion(trx, {
          kind: input.kind,
          cardProduct: input.cardProduct,
          language: text.language,
          version: input.version,
          title: text.title,
          body: text.body,
          publishedAt,
        }),
      );
    }
    const languages = input.texts.map((t) => t.language);
    const scope: NotifiedScope = { kind: 'terms', termsKind: input.kind, cardProduct: input.cardProduct, languages };
    const notified = await notifyNotSubmitted(
      trx,
      scope,
      { publication: `terms:${input.kind}:${input.cardProduct}:${input.version}`, termsChanged: true, version: input.version },
      input.now,
    );
    await recordAudit(trx, {
      ...input.audit,
      at: input.now,
      action: 'terms.publish',
      object: { type: 'terms_version', id: termsIds.join(',') },
      details: { kind: input.kind, cardProduct: input.cardProduct, version: input.version, languages, notified },
    });
    return { termsIds, notified };
  });
}

/** Publishes a form version and tells every employee whose application is not submitted yet. */
export async function publishFormVersion(
  db: Db,
  input: { version: string; note: string; adminId: number; audit: AuditContext; now: Date },
): Promise<{ id: number; notified: number }> {
  return publishing(db, async (trx) => {
    if (await formVersionTaken(trx, input.version)) throw new VersionExistsError('version');
    const id = await insertFormVersion(trx, { version: input.version, note: input.note, publishedBy: input.adminId, publishedAt: input.now.toISOString() });
    const notified = await notifyNotSubmitted(
      trx,
      { kind: 'every' },
      { publication: `form:${input.version}`, termsChanged: false, version: input.version },
      input.now,
    );
    await recordAudit(trx, {
      ...input.audit,
      at: input.now,
      action: 'form_version.publish',
      object: { type: 'form_version', id },
      details: { version: input.version, notified },
    });
    return { id, notified };
  });
}

interface PublishedVersion {
  kind: TermsKind | 'form';
  cardProduct: string | null;
  version: string;
  languages: string[];
  publishedAt: string;
}

/** The versions published, newest first (terms grouped over their languages), for the platform page. */
export async function listPublications(db: Db, limit = 50): Promise<PublishedVersion[]> {
  const terms = await latestTermsVersions(db, limit * 2);
  const grouped = new Map<string, PublishedVersion>();
  for (const t of terms) {
    const key = `${t.kind}:${t.card_product}:${t.version}`;
    const found = grouped.get(key);
    if (found) {
      if (!found.languages.includes(t.language)) found.languages.push(t.language);
      if (t.published_at > found.publishedAt) found.publishedAt = t.published_at;
    } else {
      grouped.set(key, { kind: t.kind, cardProduct: t.card_product, version: t.version, languages: [t.language], publishedAt: t.published_at });
    }
  }
  const forms = await latestFormVersions(db, limit);
  const all: PublishedVersion[] = [
    ...grouped.values(),
    ...forms.map((f) => ({ kind: 'form' as const, cardProduct: null, version: f.version, languages: [], publishedAt: f.published_at })),
  ];
  for (const p of all) p.languages.sort();
  return all.sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0)).slice(0, limit);
}
