import crypto from 'node:crypto';
import type { Db } from '../../platform/db';
import { int, rowMapper, text, textOrNull } from '../../lib/rows';
import { CARD_PRODUCTS } from '../accounts/options';
import { sampleTerms, SAMPLE_TERMS_PUBLISHED_AT, type TermsDraft } from './sample-terms';

/**
 * Versioned terms: the cardholder terms per card product and language, and the electronic-signature terms per
 * language (card product '*'). A version is never edited once published; a new one supersedes it. Each acceptance
 * records the version and the SHA-256 of the exact body shown.
 */
export type TermsKind = 'cardholder' | 'signature';
export const ANY_PRODUCT = '*';

export interface Terms {
  id: number;
  kind: TermsKind;
  cardProduct: string;
  language: string;
  version: string;
  title: string;
  body: string;
  sha256: string;
  publishedAt: string;
}

export function termsSha256(body: string): string {
  return crypto.createHash('sha256').update(body, 'utf8').digest('hex');
}

/** The body split into paragraphs (blank-line separated), for pages and the PDF. */
export function termsParagraphs(terms: Pick<Terms, 'body'>): string[] {
  return terms.body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

function toTerms(row: Record<string, unknown>): Terms {
  return {
    id: Number(row.id),
    kind: row.kind as TermsKind,
    cardProduct: row.card_product as string,
    language: row.language as string,
    version: row.version as string,
    title: row.title as string,
    body: row.body as string,
    sha256: row.sha256 as string,
    publishedAt: row.published_at as string,
  };
}

/** Publishes a version (idempotent on kind, product, language and version: an existing one is left untouched). */
export async function publishTerms(db: Db, draft: TermsDraft, now: Date): Promise<void> {
  await db('terms_version')
    .insert({
      kind: draft.kind,
      card_product: draft.cardProduct,
      language: draft.language,
      version: draft.version,
      title: draft.title,
      body: draft.body,
      sha256: termsSha256(draft.body),
      published_at: now.toISOString(),
    })
    .onConflict(['kind', 'card_product', 'language', 'version'])
    .ignore();
}

/**
 * The version in force: the latest published (at or before `now`) for the product and language; for a product
 * without its own text, the version common to every product ('*'). Undefined when none is published.
 */
export async function currentTerms(db: Db, kind: TermsKind, cardProduct: string, language: string, now: Date): Promise<Terms | undefined> {
  for (const product of cardProduct === ANY_PRODUCT ? [ANY_PRODUCT] : [cardProduct, ANY_PRODUCT]) {
    const row = await db('terms_version')
      .where({ kind, card_product: product, language })
      .where('published_at', '<=', now.toISOString())
      .orderBy([
        { column: 'published_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    if (row) return toTerms(row);
  }
  return undefined;
}

export async function termsById(db: Db, id: number): Promise<Terms | undefined> {
  const row = await db('terms_version').where({ id }).first();
  return row ? toTerms(row) : undefined;
}

export class TermsIntegrityError extends Error {}

/**
 * Records that the employee accepted this version. The body is re-hashed: if the stored text no longer matches its
 * recorded hash, the acceptance is refused rather than recorded against a text nobody can prove was shown.
 */
export async function recordAcceptance(
  trx: Db,
  input: { applicationId: number; termsId: number; now: Date },
): Promise<{ id: number; version: string; sha256: string }> {
  const terms = await termsById(trx, input.termsId);
  if (!terms) throw new TermsIntegrityError(`terms ${input.termsId} not found`);
  if (termsSha256(terms.body) !== terms.sha256) throw new TermsIntegrityError(`terms ${input.termsId} do not match their recorded hash`);
  const [row] = await trx('terms_acceptance')
    .insert({
      application_id: input.applicationId,
      terms_version_id: terms.id,
      kind: terms.kind,
      version: terms.version,
      sha256: terms.sha256,
      accepted_at: input.now.toISOString(),
    })
    .returning('id');
  const id = typeof row === 'object' ? (row as { id: number }).id : (row as number);
  return { id, version: terms.version, sha256: terms.sha256 };
}

/** The latest acceptance of each kind for an application (what the signed PDF lists). */
export async function latestAcceptances(
  db: Db,
  applicationId: number,
): Promise<Array<{ kind: TermsKind; termsId: number; version: string; sha256: string; acceptedAt: string }>> {
  const rows = await db('terms_acceptance').where({ application_id: applicationId }).orderBy('id', 'desc');
  const seen = new Set<string>();
  const out: Array<{ kind: TermsKind; termsId: number; version: string; sha256: string; acceptedAt: string }> = [];
  for (const r of rows) {
    if (seen.has(r.kind)) continue;
    seen.add(r.kind);
    out.push({ kind: r.kind, termsId: Number(r.terms_version_id), version: r.version, sha256: r.sha256, acceptedAt: r.accepted_at });
  }
  return out;
}

export interface LatestAcceptance {
  termsId: number;
  version: string;
  sha256: string;
  acceptedAt: string;
  termsLanguage: string | null;
}

const LATEST_ACCEPTANCE = rowMapper<LatestAcceptance>({
  termsId: int('terms_version_id'),
  version: text,
  sha256: text,
  acceptedAt: text,
  termsLanguage: textOrNull,
});

/**
 * The application's latest acceptance of one kind of terms, with the language of the version accepted (null when that
 * version is no longer stored); undefined when it accepted none.
 */
export async function latestAcceptanceOf(db: Db, applicationId: number, kind: TermsKind): Promise<LatestAcceptance | undefined> {
  const row = await db('terms_acceptance as ta')
    .leftJoin('terms_version as tv', 'tv.id', 'ta.terms_version_id')
    .where({ 'ta.application_id': applicationId, 'ta.kind': kind })
    .orderBy('ta.id', 'desc')
    .first('ta.terms_version_id', 'ta.version', 'ta.sha256', 'ta.accepted_at', 'tv.language as terms_language');
  return row ? LATEST_ACCEPTANCE.map(row) : undefined;
}

/**
 * Sample terms for every card product and both languages (demo and tests only; idempotent). Dated in the past so
 * they are in force whatever clock a test uses.
 */
export async function seedTerms(db: Db): Promise<void> {
  for (const draft of sampleTerms(CARD_PRODUCTS)) await publishTerms(db, draft, SAMPLE_TERMS_PUBLISHED_AT);
}
