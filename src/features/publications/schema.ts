import { formErrors, type FormErrors } from '../../lib/form-errors';
import type { Language } from '../../platform/i18n';
import { CARD_PRODUCTS } from '../../core/accounts/options';
import { ANY_PRODUCT, type TermsKind } from '../../core/terms/repository';
import type { PublishTermsInput } from './service';

/** The two publication forms of the platform page. Messages are translation keys. */

const VERSION_MAX = 20;
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TITLE_MAX = 200;
export const BODY_MAX = 100_000;
const NOTE_MAX = 500;
export const TERMS_KINDS: TermsKind[] = ['cardholder', 'signature'];
export const PRODUCT_CHOICES: string[] = [ANY_PRODUCT, ...CARD_PRODUCTS];

const P = 'publications:errors';
type Issue = { field: string; key: string; params?: Record<string, string | number> };

function text(v: unknown, multiline = false): string {
  const s = (typeof v === 'string' ? v : '').normalize('NFC').replace(/\r\n?/g, '\n');
  return multiline ? s.replace(/[ \t]+$/gm, '').trim() : s.replace(/\s+/g, ' ').trim();
}

function checkVersion(version: string, field: string, issues: Issue[]): void {
  if (!version) issues.push({ field, key: `${P}.versionRequired` });
  else if (version.length > VERSION_MAX) issues.push({ field, key: `${P}.versionTooLong`, params: { max: VERSION_MAX } });
  else if (!VERSION_PATTERN.test(version)) issues.push({ field, key: `${P}.versionFormat` });
}

export type TermsValues = Record<'kind' | 'cardProduct' | 'version' | 'titleFr' | 'bodyFr' | 'titleEn' | 'bodyEn', string>;

export function termsValues(body: Record<string, unknown>): TermsValues {
  return {
    kind: text(body.kind),
    cardProduct: text(body.cardProduct),
    version: text(body.version),
    titleFr: text(body.titleFr),
    bodyFr: text(body.bodyFr, true),
    titleEn: text(body.titleEn),
    bodyEn: text(body.bodyEn, true),
  };
}

export function parseTermsForm(values: TermsValues): { ok: true; input: PublishTermsInput } | { ok: false; errors: FormErrors } {
  const issues: Issue[] = [];
  const kind = TERMS_KINDS.find((k) => k === values.kind);
  if (!kind) issues.push({ field: 'kind', key: `${P}.kind` });
  // Signature terms are common to every product.
  const cardProduct = kind === 'signature' ? ANY_PRODUCT : values.cardProduct;
  if (kind === 'cardholder' && !PRODUCT_CHOICES.includes(cardProduct)) issues.push({ field: 'cardProduct', key: `${P}.cardProduct` });
  checkVersion(values.version, 'version', issues);
  const texts: PublishTermsInput['texts'] = [];
  for (const [language, suffix] of [
    ['fr', 'Fr'],
    ['en', 'En'],
  ] as Array<[Language, 'Fr' | 'En']>) {
    const title = values[`title${suffix}`];
    const body = values[`body${suffix}`];
    if (!title && !body) continue;
    if (!title) issues.push({ field: `title${suffix}`, key: `${P}.titleRequired` });
    else if (title.length > TITLE_MAX) issues.push({ field: `title${suffix}`, key: `${P}.titleTooLong`, params: { max: TITLE_MAX } });
    if (!body) issues.push({ field: `body${suffix}`, key: `${P}.bodyRequired` });
    else if (body.length > BODY_MAX) issues.push({ field: `body${suffix}`, key: `${P}.bodyTooLong`, params: { max: BODY_MAX } });
    texts.push({ language, title, body });
  }
  if (!values.titleFr && !values.bodyFr && !values.titleEn && !values.bodyEn) issues.push({ field: 'titleFr', key: `${P}.noText` });
  if (issues.length || !kind) return { ok: false, errors: formErrors(issues) };
  return { ok: true, input: { kind, cardProduct, version: values.version, texts } };
}

export type FormVersionValues = { formVersion: string; formNote: string };

export function formVersionValues(body: Record<string, unknown>): FormVersionValues {
  return { formVersion: text(body.formVersion), formNote: text(body.formNote, true) };
}

export function parseFormVersionForm(values: FormVersionValues): { ok: true; version: string; note: string } | { ok: false; errors: FormErrors } {
  const issues: Issue[] = [];
  checkVersion(values.formVersion, 'formVersion', issues);
  if (values.formNote.length > NOTE_MAX) issues.push({ field: 'formNote', key: `${P}.noteTooLong`, params: { max: NOTE_MAX } });
  if (issues.length) return { ok: false, errors: formErrors(issues) };
  return { ok: true, version: values.formVersion, note: values.formNote };
}
