import { snakeCaseColumns } from '../../lib/rows';
import type { Knex } from 'knex';
import type { ApplicationPersonRecord } from '../../core/application/repository';
import { insertRow, type Db } from '../../platform/db';
import type { Language } from '../../platform/i18n';
import { NOT_SUBMITTED } from '../../core/application/status';
import { ANY_PRODUCT, termsSha256, type TermsKind } from '../../core/terms/repository';

/** An application told of a publication (e-mail 9). */
export interface NotifiedApplication extends ApplicationPersonRecord {
  language: Language;
}

/**
 * Which applications not submitted a publication concerns: every one (a form version), or those a terms version
 * applies to — in one of its languages, and for cardholder terms of the BC's card product (or, for the common text
 * '*', of a product without cardholder terms of its own in that language).
 */
export type NotifiedScope = { kind: 'every' } | { kind: 'terms'; termsKind: TermsKind; cardProduct: string; languages: Language[] };

/** One page (by id, after `afterId`) of the applications not submitted that `scope` selects. */
export async function notSubmittedApplications(trx: Knex.Transaction, scope: NotifiedScope, afterId: number, limit: number): Promise<NotifiedApplication[]> {
  const qb = trx('application as a').whereIn('a.status', NOT_SUBMITTED).where('a.id', '>', afterId).orderBy('a.id').limit(limit);
  if (scope.kind === 'terms') {
    qb.whereIn('a.language', scope.languages);
    if (scope.termsKind !== 'signature') {
      qb.join('account as ac', 'ac.id', 'a.account_id');
      if (scope.cardProduct === ANY_PRODUCT) {
        qb.whereNotExists(
          trx('terms_version as own')
            .where('own.kind', 'cardholder')
            .whereRaw('own.card_product = ac.card_product')
            .whereRaw('own.language = a.language')
            .select(trx.raw('1')),
        );
      } else {
        qb.where('ac.card_product', scope.cardProduct);
      }
    }
  }
  return qb.select('a.id', 'a.reference', 'a.title', 'a.first_name', 'a.last_name', 'a.email', 'a.language');
}

/** Whether this terms version is already published in one of these languages. */
export async function termsVersionTaken(
  trx: Knex.Transaction,
  terms: { kind: TermsKind; cardProduct: string; version: string; languages: Language[] },
): Promise<boolean> {
  const existing = await trx('terms_version')
    .where({ kind: terms.kind, card_product: terms.cardProduct, version: terms.version })
    .whereIn('language', terms.languages)
    .first('id');
  return Boolean(existing);
}

/** Inserts one language of a terms version: its id. */
export async function insertTermsVersion(
  trx: Knex.Transaction,
  terms: { kind: TermsKind; cardProduct: string; language: Language; version: string; title: string; body: string; publishedAt: string },
): Promise<number> {
  return insertRow(trx, 'terms_version', snakeCaseColumns({ ...terms, sha256: termsSha256(terms.body) }));
}

/** Whether this form version is already published. */
export async function formVersionTaken(trx: Knex.Transaction, version: string): Promise<boolean> {
  return Boolean(await trx('form_version').where({ version }).first('id'));
}

/** Inserts a form version: its id. */
export async function insertFormVersion(
  trx: Knex.Transaction,
  form: { version: string; note: string; publishedBy: number; publishedAt: string },
): Promise<number> {
  return insertRow(trx, 'form_version', { version: form.version, note: form.note, published_by: form.publishedBy, published_at: form.publishedAt });
}

/** The latest terms versions published, one row per language, newest first. */
export async function latestTermsVersions(
  db: Db,
  limit: number,
): Promise<Array<{ kind: TermsKind; card_product: string; version: string; language: string; published_at: string }>> {
  return db('terms_version')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .select('kind', 'card_product', 'version', 'language', 'published_at');
}

/** The latest form versions published, newest first. */
export async function latestFormVersions(db: Db, limit: number): Promise<Array<{ version: string; published_at: string }>> {
  return db('form_version').orderBy('published_at', 'desc').limit(limit).select('version', 'published_at');
}
