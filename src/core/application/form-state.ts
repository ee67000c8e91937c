import { readTogether, type Db } from '../../platform/db';
import { listDocuments, missingKinds, MISSING_KIND_KEYS, type DocumentKind, type StoredDocument } from './documents';
import { hasPin } from './pin-repository';
import { currentTerms, latestAcceptanceOf, type Terms } from '../terms/repository';
import { approvalState, type ApprovalState } from './approval-requests';
import {
  applicableSections,
  approverValues,
  canChoosePriority,
  cardholderValues,
  isEditable,
  loadFormContext,
  type CardholderValues,
  type FormContext,
  type SectionId,
} from './form-data';
import type { FormRecord } from './form-data-repository';
import { validateApprover, validateCardholder, validatePayment, validatePriority, type Issue } from './form-schema';
import { todayIn } from '../../lib/validators';

/**
 * Where the employee's form stands: which sections apply, which are completed, and why the others are not. Computed
 * from what is stored each time (form_data, the PIN row, documents, approval requests, terms acceptances), so a
 * change of the key's rules or a new terms version is reflected at once.
 */
type SectionStatus = 'completed' | 'incomplete';

interface SectionState {
  id: SectionId;
  status: SectionStatus;
  /** What is missing or wrong, as form errors (field, key, params); empty when completed. */
  issues: Issue[];
}

export interface FormState {
  ctx: FormContext;
  editable: boolean;
  sections: SectionState[];
  pinChosen: boolean;
  documents: StoredDocument[];
  requiredDocumentKinds: DocumentKind[];
  approval: ApprovalState;
  /** The cardholder section's full check on `today` (the review shows its normalised values). */
  cardholder: { today: string; values: CardholderValues; issues: Issue[] };
  terms: { current: Terms | undefined; accepted: { version: string; sha256: string; acceptedAt: string; isCurrent: boolean } | undefined };
  isComplete: boolean;
}

export interface StateOptions {
  /** The instant the rules apply at (links' and terms' validity, the adult check): the caller's clock. */
  now: Date;
  /** The service's time zone, for the adult check on the date of birth (default Europe/Paris). */
  timeZone?: string;
  /** Language of the terms to show (default: the application's correspondence language). */
  language?: string;
  /** The application's documents when the caller has just read them (the administrator's page), not read again. */
  documents?: StoredDocument[];
  /** The application's form record when the caller has just read it (the administrator's page), not read again. */
  record?: FormRecord;
}

/**
 * The documents a BC's rules require: the identity document always; a proof of address when the cardholder is
 * personally liable for the card (individual or joint liability).
 */
export function requiredDocumentKinds(account: FormContext['account']): DocumentKind[] {
  return ['individual', 'joint'].includes(account.liabilityType) ? ['identity', 'proof_of_address'] : ['identity'];
}

async function termsState(db: Db, ctx: FormContext, language: string, now: Date): Promise<FormState['terms']> {
  const current = await currentTerms(db, 'cardholder', ctx.account.cardProduct, language, now);
  const latest = await latestAcceptanceOf(db, ctx.application.id, 'cardholder');
  if (!latest) return { current, accepted: undefined };
  // Still in force = the accepted version is the current one for its own language (a newer version must be accepted).
  const inForce =
    latest.termsLanguage === null
      ? undefined
      : latest.termsLanguage === language
        ? current
        : await currentTerms(db, 'cardholder', ctx.account.cardProduct, latest.termsLanguage, now);
  return {
    current,
    accepted: { version: latest.version, sha256: latest.sha256, acceptedAt: latest.acceptedAt, isCurrent: Boolean(inForce && inForce.id === latest.termsId) },
  };
}

export async function loadFormState(db: Db, applicationId: number, opts: StateOptions): Promise<FormState | undefined> {
  const ctx = await loadFormContext(db, applicationId, opts.record);
  if (!ctx) return undefined;
  const now = opts.now;
  const today = todayIn(opts.timeZone ?? 'Europe/Paris', now);
  const cardholder = { today, ...validateCardholder(cardholderValues(ctx), ctx, today) };
  const [pinChosen, documents, approval, terms] = await readTogether(db, [
    () => hasPin(db, applicationId),
    () => (opts.documents ? Promise.resolve(opts.documents) : listDocuments(db, applicationId)),
    () => approvalState(db, applicationId, now),
    () => termsState(db, ctx, opts.language ?? ctx.application.language, now),
  ]);
  const requiredKinds = requiredDocumentKinds(ctx.account);

  const issuesOf = (id: SectionId): Issue[] => {
    switch (id) {
      case 'company':
        return [];
      case 'priority':
        if (!canChoosePriority(ctx)) return [];
        return validatePriority(ctx.form.priority).concat(
          ctx.form.priority?.priority && ctx.form.priority.priority !== ctx.application.priority
            ? [{ field: 'priority', key: 'application-form:priority.fields.priority.errors.required' }]
            : [],
        );
      case 'cardholder':
        return cardholder.issues;
      case 'payment':
        return validatePayment(ctx.form.payment, ctx).issues;
      case 'pin':
        return pinChosen ? [] : [{ field: 'pin', key: 'application-form:pin.errors.notChosen' }];
      case 'documents':
        return missingKinds(documents, requiredKinds).map((k) => ({ field: 'file', key: MISSING_KIND_KEYS[k] }));
      case 'approval': {
        const approver = validateApprover(approverValues(ctx), [ctx.application.email, cardholderValues(ctx).businessEmail ?? '']);
        if (approver.issues.length) return approver.issues;
        const requested = (approval.kind === 'pending' || approval.kind === 'approved') && approval.request.approverEmail === approver.values.approverEmail;
        if (requested) return [];
        const key = approval.kind === 'declined' ? 'declined' : approval.kind === 'expired' ? 'expired' : 'notSent';
        return [{ field: 'send', key: `application-form:approval.errors.${key}` }];
      }
      case 'terms':
        if (!terms.current) return [{ field: 'accept', key: 'application-form:terms.errors.unavailable' }];
        return terms.accepted?.isCurrent ? [] : [{ field: 'accept', key: 'application-form:terms.fields.accept.errors.required' }];
    }
  };

  const sections: SectionState[] = applicableSections(ctx).map((id) => {
    const issues = issuesOf(id);
    return { id, status: issues.length ? 'incomplete' : 'completed', issues };
  });
  return {
    ctx,
    editable: isEditable(ctx),
    sections,
    pinChosen,
    documents,
    requiredDocumentKinds: requiredKinds,
    approval,
    cardholder,
    terms,
    isComplete: sections.every((s) => s.status === 'completed'),
  };
}
