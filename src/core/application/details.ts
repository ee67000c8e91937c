import type { Db } from '../../platform/db';
import { tFor, type Language } from '../../platform/i18n';
import { recordApplicationAudit, type AuditContext } from '../audit/audit';
import { listDocuments, type StoredDocument } from './documents';
import { emailsOf, type ApplicationPageRecord, type EmailFlow, type KeyInformation } from './details-repository';
import { buildReview, type ReviewSection } from './review';
import { listSignatures } from './signatures-repository';

/**
 * The administrator's application page (src/features/applications): the e-mails of its history, the key's information,
 * the form read-only, the documents and the signed versions. Viewing it is an access to personal data, recorded in the
 * audit log (recordApplicationView).
 */

/** "e***@acme.example": enough to recognise an address on the history without showing it whole. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

interface EmailFlowView extends Omit<EmailFlow, 'recipient'> {
  /** Translation key suffix of the template (camelCase). */
  templateKey: string;
  recipientMasked: string;
}

export interface ApplicationSections {
  emails: EmailFlowView[];
  keyInfo: KeyInformation | null;
  /** The employee's form as the review page shows it (translated), without the change links; null if unavailable. */
  review: ReviewSection[] | null;
  documents: StoredDocument[];
  /** The signed versions (each with its archived PDF), oldest first. */
  signatures: SignedVersion[];
}

interface SignedVersion {
  version: number;
  signedAt: string;
  pdfSha256: string;
  pdfSize: number;
}

const camel = (code: string) => code.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * What the tracking adds to the administrator's application page: the e-mails of its history, the key's
 * information, the application read-only and its documents. The caller has already found the application within
 * the actor's BCs (404 otherwise) with its form record and key (findApplicationPageRecord), and records the view in
 * the audit log.
 */
export async function applicationSections(
  deps: { db: Db; logger: { warn: (obj: object, msg: string) => void } },
  page: ApplicationPageRecord,
  opts: { lang: Language; timeZone: string; now: Date },
): Promise<ApplicationSections> {
  const { db } = deps;
  const { application } = page;
  const [emails, documents, signatures] = await Promise.all([
    emailsOf(db, application.id),
    listDocuments(db, application.id),
    listSignatures(db, application.id),
  ]);
  let review: ReviewSection[] | null = null;
  try {
    const built = await buildReview(db, application.id, opts.lang, tFor(opts.lang), {
      now: opts.now,
      timeZone: opts.timeZone,
      documents,
      record: page.form,
    });
    review = built.sections.map((s) => ({
      id: s.id,
      title: s.title,
      rows: s.rows.map((r) => ({ label: r.label, value: r.value })),
      complete: Boolean(s.complete),
    }));
  } catch (err) {
    // The page still shows everything else; the section says the form cannot be shown.
    deps.logger.warn({ applicationId: application.id, err: (err as Error).message }, 'application review unavailable on the admin page');
  }
  return {
    emails: emails.map(({ recipient, ...e }) => ({ ...e, templateKey: camel(e.template), recipientMasked: maskEmail(recipient) })),
    keyInfo: page.keyInfo,
    review,
    documents,
    signatures: signatures.map((sig) => ({ version: sig.version, signedAt: sig.signedAt, pdfSha256: sig.pdfSha256, pdfSize: sig.pdfSize })),
  };
}

/** An administrator opened an application's page (its personal data): who, which application, when, from where. */
export async function recordApplicationView(db: Db, access: AuditContext, applicationId: number, now: Date): Promise<void> {
  await recordApplicationAudit(db, access, { at: now, action: 'application.view', applicationId });
}
