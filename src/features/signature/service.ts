import fs from 'node:fs';
import type { Db } from '../../platform/db';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Deps } from '../../platform/deps';
import { formatDate, tFor, type Language } from '../../platform/i18n';
import { canStartSigningFrom, reviewFromState } from '../../core/application/review';
import { cardholderValues, type FormContext } from '../../core/application/form-data';
import { loadFormState, type FormState } from '../../core/application/form-state';
import { StaleStateError, SUBMITTED, transition, type Status } from '../../core/application/status';
import { applicationStatus, heldApplicationStatus } from '../../core/application/repository';
import { additionalApproverApproved } from '../../core/application/approval-requests';
import { archiveDocuments, archiveFile, archiveRoot, readSignedPdf } from '../../core/archive/archive';
import { enqueueEmails } from '../../core/outbox/enqueue';
import { sealEmailData } from '../../core/outbox/sealed';
import { emailStatus } from '../../core/outbox/repository';
import { urgentAlertEmails } from '../../core/application/notifications';
import { currentTerms, latestAcceptances, recordAcceptance, termsById, termsParagraphs, type Terms } from '../../core/terms/repository';
import { issueCode, verifyCode } from './otp';
import { sha256Hex } from '../../lib/download';
import { formatFileSize } from '../../lib/file-size';
import { renderApplicationPdf, type PdfModel, type PdfRow, type PdfSection } from './pdf';
import {
  insertSignature,
  latestSignature,
  nextSignatureVersion,
  openCode,
  signingCodeEmailKey,
  type Consent,
  type Consents,
  type Signature,
} from '../../core/application/signatures-repository';
import { archivedPaths, latestCodeAttemptId } from './repository';

/**
 * Electronic signature (SPEC §3.5): signature terms → the application as a PDF → a one-time code sent to the
 * application's e-mail → signed. The code is bound to the SHA-256 of the PDF shown: the PDF is rebuilt when the code is
 * typed, so any change of the answers in between makes the code invalid. Signing is one transaction: the code is
 * consumed, the status moves on (conditional transition: two tabs or a replayed form sign once), the final PDF and the
 * documents are archived write-once, the evidence row is written and e-mail 7 is queued for urgent applications.
 */
type SigningDeps = Pick<Deps, 'config' | 'db' | 'secrets' | 'logger'> & Partial<Pick<Deps, 'faults'>>;

/** Statuses from which an application can be signed. */
const SIGNABLE: Status[] = ['in_progress', 'returned'];

export interface SigningState {
  ctx: FormContext;
  /** The form's state, read once for the request (terms in the page language): what the checks and the PDF use. */
  form: FormState;
  /** Every section complete and the application still editable. */
  canSign: boolean;
  /** The signature terms in force in the page language. */
  signatureTerms: Terms | undefined;
  /** The signature terms in force were accepted for this signing (after any earlier signature). */
  termsAccepted: boolean;
  latest: Signature | undefined;
}

/**
 * The form's state as the signature reads it (terms in `lang`, the adult check in the service's time zone): read once
 * per request and passed down to the checks and the PDF. `db` may be the signing transaction.
 */
function readSigningForm(deps: Pick<SigningDeps, 'config' | 'db'>, applicationId: number, lang: Language, now: Date): Promise<FormState | undefined> {
  return loadFormState(deps.db, applicationId, { now, timeZone: deps.config.timeZone, language: lang });
}

export async function signingState(deps: SigningDeps, applicationId: number, lang: Language, now: Date): Promise<SigningState | undefined> {
  const form = await readSigningForm(deps, applicationId, lang, now);
  return form ? signingStateOf(deps, form, lang, now) : undefined;
}

/** The signing state around a form state already read. */
async function signingStateOf(deps: Pick<SigningDeps, 'db'>, form: FormState, lang: Language, now: Date): Promise<SigningState> {
  const { db } = deps;
  const applicationId = form.ctx.application.id;
  const [signatureTerms, acceptances, latest] = await Promise.all([
    currentTerms(db, 'signature', '*', lang, now),
    latestAcceptances(db, applicationId),
    latestSignature(db, applicationId),
  ]);
  const accepted = acceptances.find((a) => a.kind === 'signature');
  const termsAccepted = Boolean(
    accepted && signatureTerms && (await signatureTermsStillInForce(db, accepted.termsId, now)) && (!latest || accepted.acceptedAt > latest.signedAt),
  );
  return { ctx: form.ctx, form, canSign: canStartSigningFrom(form), signatureTerms, termsAccepted, latest };
}

/** The accepted signature terms are the version in force for their language. */
async function signatureTermsStillInForce(db: Db, termsId: number, now: Date): Promise<boolean> {
  const accepted = await termsById(db, termsId);
  if (!accepted) return false;
  const current = await currentTerms(db, 'signature', '*', accepted.language, now);
  return current?.id === accepted.id;
}

/** The signature terms in force as step 1 shows them, in paragraphs; null when none is published. */
export function signatureTermsForPage(terms: Terms | undefined): { id: number; title: string; version: string; paragraphs: string[] } | null {
  return terms ? { id: terms.id, title: terms.title, version: terms.version, paragraphs: termsParagraphs(terms) } : null;
}

/** Step 1: records the acceptance of the signature terms shown (refused when they are no longer the version in force). */
export async function acceptSignatureTerms(db: Db, input: { applicationId: number; termsId: number; lang: Language; now: Date }): Promise<boolean> {
  const current = await currentTerms(db, 'signature', '*', input.lang, input.now);
  if (!current || current.id !== input.termsId) return false;
  await db.transaction((trx) => recordAcceptance(trx, { applicationId: input.applicationId, termsId: current.id, now: input.now }));
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The PDF

interface SigningEvidence {
  version: number;
  signedAt: Date;
  email: string;
  ip: string;
  userAgent: string;
  shownSha256: string;
  /** When the code that signed was sent (the signature attempt's creation). */
  codeSentAt: Date;
  /** Tries of that code, the successful one included. */
  tries: number;
}

/** JSON with object keys sorted at every level: the same content always gives the same text (and SHA-256). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the form's content as stored (its answers, keys sorted): the evidence page quotes it. */
export function formContentSha256(form: unknown): string {
  return sha256Hex(Buffer.from(canonicalJson(form), 'utf8'));
}

/**
 * What the PDF shows, in `lang`, from the form's state read in `lang` (readSigningForm): the header, every section of
 * the review (the PIN only as "chosen"), the terms accepted and the documents with their SHA-256, and the signature block.
 */
async function buildPdfModel(
  deps: Pick<SigningDeps, 'config' | 'db'>,
  form: FormState,
  lang: Language,
  opts: { now: Date; evidence?: SigningEvidence },
): Promise<PdfModel> {
  const { db, config } = deps;
  const t = tFor(lang);
  const { ctx, documents } = form;
  const review = reviewFromState(form, lang, t, { now: opts.now, timeZone: config.timeZone });
  const acceptances = await latestAcceptances(db, ctx.application.id);
  const holder = cardholderValues(ctx);
  const name = [holder.firstName || ctx.application.firstName, holder.lastName || ctx.application.lastName].filter(Boolean).join(' ');
  const when = (iso: string | Date) => formatDate(lang, iso, config.timeZone, true);

  const header: PdfRow[] = [
    { label: t('signature:pdf.reference'), value: ctx.application.reference },
    { label: t('signature:pdf.company'), value: `${ctx.account.companyName} (${ctx.account.number})` },
    { label: t('signature:pdf.cardholder'), value: name || t('common:notProvided') },
    { label: t('signature:pdf.email'), value: ctx.application.email },
  ];

  // The review's own documents and terms rows are replaced by the evidence sections below (hashes on their own lines).
  const sections: PdfSection[] = review.sections
    .filter((s) => s.id !== 'documents' && s.id !== 'terms')
    .map((s) => ({ title: s.title, rows: s.rows.map((r) => ({ label: r.label, value: r.value })) }));

  const termsRows: PdfRow[] = [];
  for (const kind of ['cardholder', 'signature'] as const) {
    const a = acceptances.find((x) => x.kind === kind);
    if (!a) continue;
    const terms = await termsById(db, a.termsId);
    termsRows.push(
      {
        label: t(`signature:pdf.terms.${kind}`),
        value: t('signature:pdf.terms.value', { title: terms?.title ?? '', version: a.version, date: when(a.acceptedAt) }),
      },
      { label: t('signature:pdf.sha256'), value: a.sha256 },
    );
  }
  const documentRows: PdfRow[] = documents.length
    ? documents.flatMap((d) => [
        {
          label: t(`documents:kinds.${d.kind}`),
          value: t('signature:pdf.documents.value', { name: d.originalName, size: formatFileSize(d.size, lang), date: when(d.uploadedAt) }),
        },
        { label: t('signature:pdf.sha256'), value: d.sha256 },
      ])
    : [{ label: t('signature:pdf.documents.title'), value: t('signature:pdf.documents.none') }];

  const e = opts.evidence;
  const signature: PdfModel['signature'] = e
    ? {
        title: t('signature:pdf.signature.title'),
        rows: [
          { label: t('signature:pdf.signature.status'), value: t('signature:pdf.signature.signed', { version: e.version }) },
          { label: t('signature:pdf.signature.signedAt'), value: `${when(e.signedAt)} (${e.signedAt.toISOString()})` },
          { label: t('signature:pdf.signature.signer'), value: e.email },
          { label: t('signature:pdf.signature.ip'), value: e.ip },
          { label: t('signature:pdf.signature.userAgent'), value: e.userAgent || t('common:notProvided') },
          { label: t('signature:pdf.signature.shownSha256'), value: e.shownSha256 },
        ],
        note: t('signature:pdf.signature.signedNote'),
      }
    : {
        title: t('signature:pdf.signature.title'),
        rows: [
          { label: t('signature:pdf.signature.status'), value: t('signature:pdf.signature.toSign') },
          { label: t('signature:pdf.signature.codeTo'), value: ctx.application.email },
        ],
        note: t('signature:pdf.signature.draftNote'),
      };

  const both = (d: Date) => t('signature:pdf.evidencePage.time', { local: when(d), timeZone: config.timeZone, utc: d.toISOString() });
  const evidencePage: PdfModel['evidencePage'] = e
    ? {
        title: t('signature:pdf.evidencePage.title'),
        sections: [
          {
            title: t('signature:pdf.evidencePage.signer'),
            rows: [
              { label: t('signature:pdf.evidencePage.name'), value: name || t('common:notProvided') },
              { label: t('signature:pdf.evidencePage.email'), value: e.email },
              { label: t('signature:pdf.reference'), value: ctx.application.reference },
            ],
          },
          { title: t('signature:pdf.terms.title'), rows: termsRows },
          {
            title: t('signature:pdf.evidencePage.code'),
            rows: [
              { label: t('signature:pdf.evidencePage.sentAt'), value: both(e.codeSentAt) },
              { label: t('signature:pdf.evidencePage.typedAt'), value: both(e.signedAt) },
              { label: t('signature:pdf.evidencePage.tries'), value: String(e.tries) },
              { label: t('signature:pdf.signature.ip'), value: e.ip },
              { label: t('signature:pdf.signature.userAgent'), value: e.userAgent || t('common:notProvided') },
            ],
          },
          {
            title: t('signature:pdf.evidencePage.fingerprints'),
            rows: [
              ...documents.flatMap((d) => [
                { label: t(`documents:kinds.${d.kind}`), value: d.originalName },
                { label: t('signature:pdf.sha256'), value: d.sha256 },
              ]),
              ...(documents.length ? [] : [{ label: t('signature:pdf.documents.title'), value: t('signature:pdf.documents.none') }]),
              { label: t('signature:pdf.evidencePage.formSha256'), value: formContentSha256(ctx.form) },
              { label: t('signature:pdf.signature.shownSha256'), value: e.shownSha256 },
            ],
          },
          {
            title: t('signature:pdf.evidencePage.decision'),
            rows: [{ label: t('signature:pdf.signature.status'), value: t('signature:pdf.evidencePage.noDecision') }],
          },
        ],
        note: t('signature:pdf.evidencePage.note'),
      }
    : undefined;

  return {
    texts: {
      title: t('signature:pdf.title'),
      subtitle: e ? t('signature:pdf.subtitleSigned') : t('signature:pdf.subtitleDraft'),
      productName: t('common:productName'),
      page: (n, total) => t('signature:pdf.page', { n, total }),
    },
    language: lang === 'fr' ? 'fr-FR' : 'en-GB',
    header,
    sections,
    evidence: [
      { title: t('signature:pdf.terms.title'), rows: termsRows },
      { title: t('signature:pdf.documents.title'), rows: documentRows },
    ],
    signature,
    ...(evidencePage ? { evidencePage } : {}),
    // Fixed, so the document shown can be rebuilt identically when the code is typed; the signing time once signed.
    createdAt: e ? e.signedAt : new Date(ctx.application.createdAt),
    compress: !config.isTest,
  };
}

/** The PDF shown before signing (step 2), and its SHA-256 (the code is bound to it). */
export async function draftPdf(deps: Pick<SigningDeps, 'config' | 'db'>, form: FormState, lang: Language, now: Date): Promise<{ pdf: Buffer; sha256: string }> {
  const pdf = await renderApplicationPdf(await buildPdfModel(deps, form, lang, { now }));
  return { pdf, sha256: sha256Hex(pdf) };
}

// ---------------------------------------------------------------------------------------------------------------
// The code

/** The code sent and not yet used or replaced, if any: where it went and until when it is valid. */
export async function openSigningCode(db: Db, applicationId: number): ReturnType<typeof openCode> {
  return openCode(db, applicationId);
}

/**
 * The latest code's e-mail could not be delivered: it expired before it could be sent (the mail server was unreachable
 * until the code's end) or the server refused it. The signing pages then say so and offer a new code.
 */
export async function latestCodeUndelivered(db: Db, applicationId: number): Promise<boolean> {
  const latest = await latestCodeAttemptId(db, applicationId);
  if (latest === undefined) return false;
  const status = await emailStatus(db, signingCodeEmailKey(applicationId, latest));
  return status === 'expired' || status === 'dead';
}

type SendCodeResult = { ok: true; expiresAt: string; sentTo: string } | { ok: false; key: string; params?: Record<string, string | number> };

/**
 * Sends a code for the PDF as shown in `lang` to the application's e-mail (throttled). The code travels sealed.
 * `form` is the form's state the request read in `lang` (SigningState.form). The e-mail is written in the employee's
 * correspondence language, as every e-mail to them, whatever the language of the page.
 */
export async function sendSigningCode(deps: SigningDeps, input: { form: FormState; lang: Language; now: Date }): Promise<SendCodeResult> {
  const { db, secrets } = deps;
  const { ctx } = input.form;
  const applicationId = ctx.application.id;
  const { sha256 } = await draftPdf(deps, input.form, input.lang, input.now);
  return db.transaction(async (trx) => {
    const issued = await issueCode(trx, { applicationId, pdfSha256: sha256, sentTo: ctx.application.email, now: input.now, secret: secrets.otpSecret() });
    if (!issued.ok) return { ok: false, key: issued.key, params: issued.params };
    const idempotencyKey = signingCodeEmailKey(applicationId, issued.attemptId);
    await enqueueEmails(
      trx,
      [
        {
          idempotencyKey,
          template: 'signing-code',
          to: ctx.application.email,
          language: ctx.application.language,
          data: sealEmailData(secrets.dataKeyring(), idempotencyKey, { code: issued.code }, ['code']),
          applicationId,
          // A code e-mail arriving after the code expired is useless: the outbox drops it then (`expired`).
          expiresAt: new Date(issued.expiresAt),
        },
      ],
      input.now,
    );
    return { ok: true, expiresAt: issued.expiresAt, sentTo: ctx.application.email };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Signing

type SignResult =
  | { ok: true; version: number; status: Status }
  /** `state`: the signing state of the request (in the signing language), for the page that says what is wrong. */
  | { ok: false; reason: 'code'; key: string; params?: Record<string, string | number>; codeReason: string; state: SigningState }
  | { ok: false; reason: 'alreadySigned' }
  | { ok: false; reason: 'notReady' };

/** The transaction's answer: a refused code without the page's state yet (read after the transaction). */
type CodeRefused = Extract<SignResult, { reason: 'code' }>;
type SignOutcome = Exclude<SignResult, CodeRefused> | Omit<CodeRefused, 'state'>;

function listFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** An application that cannot be signed now: already signed (a replayed form, another tab) or not ready yet. */
async function whyNotSignable(db: Db, applicationId: number): Promise<SignResult> {
  const status = await applicationStatus(db, applicationId);
  const signed = status !== undefined && SUBMITTED.includes(status) && (await latestSignature(db, applicationId)) !== undefined;
  return signed ? { ok: false, reason: 'alreadySigned' } : { ok: false, reason: 'notReady' };
}

/**
 * Checks the code and signs. A wrong code's try is committed on its own; a valid code signs in the same transaction,
 * which rolls back entirely (code included) if the application changed meanwhile — then nothing is signed twice and
 * the caller says it is already signed.
 * The form's state is read once before the transaction (the checks, the PDF the code was sent for), and once again
 * inside it, after the application's row is held: the signed PDF shows what is stored when it is signed.
 */
export async function signApplication(
  deps: SigningDeps,
  input: { applicationId: number; code: unknown; lang: Language; ip: string; userAgent: string; now: Date },
): Promise<SignResult> {
  const { db, config, secrets, logger } = deps;
  const form = await readSigningForm(deps, input.applicationId, input.lang, input.now);
  if (!form) throw new Error('application not found');
  const { ctx } = form;
  // Not signable: another tab may have signed since (PostgreSQL runs both requests at once): whyNotSignable reads the
  // status again to say so.
  if (!SIGNABLE.includes(ctx.application.status) || !canStartSigningFrom(form)) return whyNotSignable(db, input.applicationId);
  const shown = await draftPdf(deps, form, input.lang, input.now);

  // Files written by a transaction that then rolls back are removed (the archive must match its ledger).
  const archiveDir = path.join(archiveRoot(config.dataDir), String(input.applicationId));
  const before = new Set(listFiles(archiveDir));
  try {
    const result = await db.transaction(async (trx): Promise<SignOutcome> => {
      // Another tab may have signed since the checks above: say so rather than "request a code". The row stays locked
      // until the end, so a second tab typing the same code at the same moment waits here, then sees it signed.
      const current = await heldApplicationStatus(trx, input.applicationId);
      if (!current || !SIGNABLE.includes(current)) return { ok: false, reason: 'alreadySigned' };
      const verified = await verifyCode(trx, {
        applicationId: input.applicationId,
        code: input.code,
        pdfSha256: shown.sha256,
        now: input.now,
        secret: secrets.otpSecret(),
      });
      if (!verified.ok)
        return { ok: false, reason: 'code', key: verified.key, codeReason: verified.reason, ...(verified.params ? { params: verified.params } : {}) };

      const awaiting = ctx.key.additionalApproverRequired && !(await additionalApproverApproved(trx, input.applicationId));
      await deps.faults?.afterApprovalStateRead?.(input.applicationId);
      const to: Status = awaiting ? 'awaiting_additional_approval' : 'pending_approval';
      const ts = input.now.toISOString();
      await transition(trx as Knex.Transaction, {
        applicationId: input.applicationId,
        from: SIGNABLE,
        to,
        actor: { type: 'employee' },
        now: input.now,
        extra: { submitted_at: ts },
      });

      const version = await nextSignatureVersion(trx, input.applicationId);
      const evidence: SigningEvidence = {
        version,
        signedAt: input.now,
        email: verified.sentTo,
        ip: input.ip,
        userAgent: input.userAgent,
        shownSha256: shown.sha256,
        codeSentAt: new Date(verified.sentAt),
        tries: verified.tries,
      };
      const signedForm = await readSigningForm({ config, db: trx }, input.applicationId, input.lang, input.now);
      if (!signedForm) throw new Error('application not found');
      // Signed with the organisation's certificate (PAdES): the archive, its SHA-256 and /verify hold the signed bytes.
      const pdf = await renderApplicationPdf(await buildPdfModel({ config, db: trx }, signedForm, input.lang, { now: input.now, evidence }), {
        key: secrets.pdfSigningKey(),
        signedAt: input.now,
        reason: tFor(input.lang)('signature:pdf.sealReason', { reference: ctx.application.reference }),
      });
      const entry = await archiveFile({ config }, trx, {
        applicationId: input.applicationId,
        kind: `signed-application-v${version}`,
        extension: 'pdf',
        buffer: pdf,
        now: input.now,
      });
      await archiveDocuments({ config }, trx, input.applicationId, input.now);

      const acceptances = await latestAcceptances(trx, input.applicationId);
      const consentOf = (kind: 'cardholder' | 'signature'): Consent | null => {
        const a = acceptances.find((x) => x.kind === kind);
        return a ? { termsId: a.termsId, version: a.version, sha256: a.sha256, acceptedAt: a.acceptedAt } : null;
      };
      const consents: Consents = { cardholderTerms: consentOf('cardholder'), signatureTerms: consentOf('signature') };
      await insertSignature(trx, {
        applicationId: input.applicationId,
        version,
        language: input.lang,
        pdfSha256: entry.sha256,
        shownPdfSha256: shown.sha256,
        archivePath: entry.path,
        pdfSize: entry.size,
        signatureAttemptId: verified.attemptId,
        signedAt: ts,
        signerEmail: verified.sentTo,
        ip: input.ip,
        userAgent: input.userAgent,
        consents,
        createdAt: ts,
      });

      if (ctx.application.priority === 'urgent') {
        await enqueueEmails(
          trx,
          await urgentAlertEmails(trx, ctx, { version, signedAt: input.now, timeZone: config.timeZone, awaitingAdditionalApproval: awaiting }),
          input.now,
        );
      }
      return { ok: true, version, status: to };
    });
    // A wrong code: the page says so, from what this request read (the try is committed; nothing else changed).
    return result.ok || result.reason !== 'code' ? result : { ...result, state: await signingStateOf(deps, form, input.lang, input.now) };
  } catch (err) {
    const recorded = new Set((await archivedPaths(db, input.applicationId)).map((p) => path.resolve(config.dataDir, p)));
    for (const f of listFiles(archiveDir)) {
      if (!before.has(f) && !recorded.has(path.resolve(f))) await fs.promises.rm(f, { force: true });
    }
    if (err instanceof StaleStateError) {
      logger.info({ applicationId: input.applicationId }, 'signature refused: the application changed meanwhile');
      return { ok: false, reason: 'alreadySigned' };
    }
    throw err;
  }
}

/** A signed version's PDF from the archive, checked against the hash recorded when it was signed; undefined if none. */
export async function signedPdf(deps: Pick<SigningDeps, 'config' | 'db'>, applicationId: number, version: number): ReturnType<typeof readSignedPdf> {
  return readSignedPdf(deps, applicationId, version);
}
