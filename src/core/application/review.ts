import type { Db } from '../../platform/db';
import type { TFunction } from 'i18next';
import { formatDate, isLanguage, type Language } from '../../platform/i18n';
import { paths } from '../../platform/paths';
import { countryName } from './countries';
import { cardholderValues, approverValues, canChoosePriority, type CardholderField, type SectionId } from './form-data';
import { directDebitChosen, validateCardholder, validatePayment } from './form-schema';
import { loadFormState, type FormState, type StateOptions } from './form-state';
import { todayIn } from '../../lib/validators';
import { formatFileSize } from '../../lib/file-size';

/**
 * The review page ("check your answers") and the gate before signing. The contract with the signature (H10):
 * - `buildReview` returns every section already translated (labels and values), with "change" links back to the
 *   section pages (returning to the review); the PIN is never included (only whether one was chosen), the IBAN is
 *   masked except its last four characters, documents are listed with their name and SHA-256.
 * - `canStartSigning` is true only when every applicable section is complete (formats right, PIN chosen when
 *   applicable, documents present, terms in force accepted, additional approval requested when required) and the
 *   application is still editable.
 * Both take `{ now, timeZone }`, `now` required (the adult check on the date of birth, the approval link's and the
 * terms' validity depend on it); `timeZone` defaults to Europe/Paris.
 */
interface ReviewRow {
  label: string;
  value: string;
  changeHref?: string;
}

export interface ReviewSection {
  id: string;
  title: string;
  rows: ReviewRow[];
  /** Not in the contract's minimum: whether the section is complete, and its first problem (translated). */
  complete?: boolean;
  problems?: string[];
  href?: string;
}

export interface Review {
  sections: ReviewSection[];
  isComplete: boolean;
  canSign: boolean;
}

/** A section page's URL with the return to the review page. */
function changeLink(section: SectionId): string {
  return `${SECTION_PATHS[section]}?returnTo=${encodeURIComponent(paths.employee.review)}`;
}

export const SECTION_PATHS: Record<SectionId, string> = {
  company: paths.employee.form.company,
  priority: paths.employee.form.priority,
  cardholder: paths.employee.form.cardholder,
  payment: paths.employee.form.payment,
  pin: paths.employee.form.pin,
  documents: paths.employee.form.documents,
  approval: paths.employee.form.approval,
  terms: paths.employee.form.terms,
};

const CARDHOLDER_ROWS: Array<CardholderField | 'dateOfBirth'> = [
  'title',
  'firstName',
  'lastName',
  'birthName',
  'dateOfBirth',
  'birthPlace',
  'birthCountry',
  'nationality',
  'homeAddressLine1',
  'homeAddressLine2',
  'homePostalCode',
  'homeCity',
  'homeCountry',
  'mobilePhone',
  'businessPhone',
  'businessEmail',
  'businessAddressLine1',
  'businessAddressLine2',
  'businessPostalCode',
  'businessCity',
  'businessCountry',
  'jobTitle',
  'employeeNumber',
  'costCentre',
  'embossName',
  'correspondenceLanguage',
];

/** The translated review of the form, from its current state. */
export function reviewFromState(state: FormState, lang: Language, t: TFunction, opts: { timeZone?: string; now: Date }): Review {
  const { ctx } = state;
  const timeZone = opts.timeZone ?? 'Europe/Paris';
  const notProvided = t('common:notProvided');
  const edit = state.editable;
  const link = (id: SectionId) => (edit ? changeLink(id) : undefined);
  const row = (label: string, value: string | undefined | null, changeHref?: string): ReviewRow => ({
    label,
    value: value ? value : notProvided,
    ...(changeHref ? { changeHref } : {}),
  });
  const L = (section: string, field: string) => t(`application-form:${section}.fields.${field}.label`);

  const build = (id: SectionId): ReviewRow[] => {
    switch (id) {
      case 'company': {
        const a = ctx.account;
        const address = [a.addressBuilding, a.addressStreet, `${a.addressPostalCode} ${a.addressCity}`, countryName(a.addressCountry, lang)]
          .filter((x) => x && x.trim())
          .join(', ');
        return [
          row(t('application-form:company.fields.companyName'), a.companyName),
          row(t('application-form:company.fields.accountNumber'), a.number),
          row(t('application-form:company.fields.address'), address),
          row(t('application-form:company.fields.cardProduct'), t(`accounts:cardProducts.${a.cardProduct}`, { defaultValue: a.cardProduct })),
          row(t('application-form:company.fields.plasticType'), t(`accounts:plasticTypes.${ctx.key.plasticType}`, { defaultValue: ctx.key.plasticType })),
          row(t('application-form:company.fields.liabilityType'), t(`accounts:liabilityTypes.${a.liabilityType}`, { defaultValue: a.liabilityType })),
          row(t('application-form:company.fields.statementOption'), t(`accounts:statementOptions.${a.statementOption}`, { defaultValue: a.statementOption })),
          row(t('application-form:company.fields.paymentType'), t(`accounts:paymentTypes.${a.paymentType}`, { defaultValue: a.paymentType })),
          row(t('application-form:company.fields.keyName'), ctx.key.name),
        ];
      }
      case 'priority': {
        const rows = [
          row(L('priority', 'priority'), t(`applications:priorities.${ctx.application.priority}`), canChoosePriority(ctx) ? link('priority') : undefined),
        ];
        if (ctx.application.priority === 'urgent') rows.push(row(t('application-form:priority.urgentFeeLabel'), t('application-form:priority.urgentSummary')));
        return rows;
      }
      case 'cardholder': {
        const typed = cardholderValues(ctx);
        // The state's check when it was made on the same day (the adult check depends on it), as it is on one request.
        const today = todayIn(timeZone, opts.now);
        const checked = state.cardholder.today === today ? state.cardholder : validateCardholder(typed, ctx, today);
        // Normalised values where the field is valid, as typed otherwise (the section then says what is wrong).
        const bad = new Set(checked.issues.map((i) => i.field));
        const v = (f: CardholderField) => (bad.has(f) ? (typed[f] ?? '') : (checked.values[f] ?? ''));
        return CARDHOLDER_ROWS.filter(
          (f) => !(f === 'birthName' || f === 'homeAddressLine2' || f === 'businessAddressLine2' || f === 'businessPhone') || v(f as CardholderField),
        ).map((f) => {
          if (f === 'dateOfBirth') {
            const iso =
              !bad.has('dateOfBirth') && typed.dobYear
                ? `${typed.dobYear}-${String(Number(typed.dobMonth)).padStart(2, '0')}-${String(Number(typed.dobDay)).padStart(2, '0')}`
                : '';
            const shown = iso ? formatDate(lang, iso, timeZone) : [typed.dobDay, typed.dobMonth, typed.dobYear].filter(Boolean).join('/');
            return row(L('cardholder', 'dateOfBirth'), shown, link('cardholder'));
          }
          let value = v(f);
          if (f === 'title' && value) value = t(`applications:titles.${value}`, { defaultValue: value });
          if (['birthCountry', 'nationality', 'homeCountry', 'businessCountry'].includes(f) && value) value = countryName(value, lang);
          if (f === 'correspondenceLanguage' && isLanguage(value)) value = t(`applications:languages.${value}`);
          return row(L('cardholder', f), value, link('cardholder'));
        });
      }
      case 'payment': {
        const p = validatePayment(ctx.form.payment, ctx).values;
        const rows: ReviewRow[] = [];
        if (ctx.key.directDebitRule === 'optional') {
          rows.push(
            row(L('payment', 'directDebit'), p.directDebit === 'yes' ? t('common:yes') : p.directDebit === 'no' ? t('common:no') : '', link('payment')),
          );
        }
        if (directDebitChosen(ctx, p)) {
          const masked =
            p.iban && p.ibanCheck === 'ok' && p.ibanLast4
              ? t('application-form:payment.ibanMasked', { last4: p.ibanLast4 })
              : p.iban
                ? t('application-form:payment.ibanToCorrect')
                : '';
          rows.push(row(L('payment', 'iban'), masked, link('payment')));
          rows.push(row(L('payment', 'bic'), p.bic, link('payment')));
          rows.push(row(L('payment', 'accountHolder'), p.accountHolder, link('payment')));
        }
        return rows;
      }
      case 'pin':
        return [row(t('application-form:pin.title'), state.pinChosen ? t('application-form:pin.chosen') : t('application-form:pin.notChosen'), link('pin'))];
      case 'documents': {
        if (!state.documents.length) return [row(t('application-form:documents.title'), '', link('documents'))];
        return state.documents.map((d) =>
          row(
            t(`documents:kinds.${d.kind}`),
            t('application-form:documents.reviewValue', { name: d.originalName, size: formatFileSize(d.size, lang), sha256: d.sha256 }),
            link('documents'),
          ),
        );
      }
      case 'approval': {
        const a = approverValues(ctx);
        const s = state.approval;
        const requestText =
          s.kind === 'none'
            ? t('application-form:approval.state.none')
            : t(`application-form:approval.state.${s.kind}`, {
                email: s.request.approverEmail,
                date: formatDate(lang, s.request.createdAt, timeZone),
                decidedOn: formatDate(lang, s.request.usedAt, timeZone),
                comment: s.request.comment ?? '',
              });
        return [
          row(L('approval', 'approverName'), a.approverName, link('approval')),
          row(L('approval', 'approverEmail'), a.approverEmail, link('approval')),
          row(t('application-form:approval.requestLabel'), requestText, link('approval')),
        ];
      }
      case 'terms': {
        const acc = state.terms.accepted;
        const value = acc?.isCurrent
          ? t('application-form:terms.acceptedValue', {
              title: state.terms.current?.title ?? '',
              version: acc.version,
              date: formatDate(lang, acc.acceptedAt, timeZone),
              sha256: acc.sha256,
            })
          : '';
        return [row(t('application-form:terms.reviewLabel'), value, link('terms'))];
      }
    }
  };

  const sections: ReviewSection[] = state.sections.map((s) => ({
    id: s.id,
    title: t(`application-form:sections.${s.id}`),
    rows: build(s.id),
    complete: s.status === 'completed',
    problems: s.issues.map((i) => t(i.key, i.params ?? {})),
    href: SECTION_PATHS[s.id],
  }));
  return { sections, isComplete: state.isComplete, canSign: state.isComplete && state.editable };
}

export async function buildReview(db: Db, applicationId: number, lang: Language, t: TFunction, opts: StateOptions): Promise<Review> {
  const state = await loadFormState(db, applicationId, { ...opts, language: lang });
  if (!state) return { sections: [], isComplete: false, canSign: false };
  return reviewFromState(state, lang, t, opts);
}

/** Every section valid, terms accepted, documents present, additional approval requested when required; still editable. */
export async function canStartSigning(db: Db, applicationId: number, opts: StateOptions): Promise<boolean> {
  const state = await loadFormState(db, applicationId, opts);
  return Boolean(state && canStartSigningFrom(state));
}

/** canStartSigning on a form state already read. */
export function canStartSigningFrom(state: FormState): boolean {
  return state.isComplete && state.editable;
}
