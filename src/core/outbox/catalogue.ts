import type { Language } from '../../platform/i18n';
import type { EmailTemplate } from './enqueue';
import type { VariableKind, VariableValue } from './engine';

/**
 * The documented variables of every e-mail (SPEC §4.1): what an edited template may use, listed beside the editor,
 * filled with sample values in the preview, and checked when a template is saved. The description of a variable is
 * `email-templates:variables.<name>` (links: `email-templates:variables.links.<name>`).
 *
 * A variable a template may print must be in the e-mail's queued data (or be a link built by the renderer, or a derived
 * variable below). Adding a variable here never gives a template more than the listed value.
 */

type Sample = string | number | boolean | { fr: string; en: string };

interface TemplateVariable {
  name: string;
  kind: VariableKind;
  sample: Sample;
  /** May be empty / 0 / no in real e-mails (the default's {% if %} blocks depend on it). */
  optional?: boolean;
}

export interface CatalogueEntry {
  template: EmailTemplate;
  /** Its number in SPEC §4's table, when it has one. */
  number: number | null;
  recipient: 'employee' | 'administrator' | 'approver' | 'complainant';
  variables: TemplateVariable[];
}

/** A variable computed from others at render time (never stored): e.g. the full name from first and last names. */
interface DerivedVariable {
  name: string;
  from: string[];
  separator: string;
}

/** A documented variable: its name, kind and sample value (a text sample in both languages where it is words). */
function variable(name: string, kind: VariableKind, sample: Sample, options: { optional?: boolean } = {}): TemplateVariable {
  return { name, kind, sample, ...options };
}

export const DERIVED_VARIABLES: DerivedVariable[] = [{ name: 'fullName', from: ['firstName', 'lastName'], separator: ' ' }];

const reference = variable('reference', 'code', '4975300125');
const firstName = variable('firstName', 'text', 'Zoé');
const lastName = variable('lastName', 'text', 'Martin');
const fullName = variable('fullName', 'text', 'Zoé Martin', { optional: true });
const employee = [firstName, lastName, fullName];
const entryLink = variable('links.entry', 'link', '');
const approvalsLink = variable('links.approvals', 'link', '');
const comment = variable('comment', 'multiline', {
  fr: 'Merci de joindre une copie lisible de votre pièce d’identité.',
  en: 'Please attach a legible copy of your identity document.',
});
const companyName = variable('companyName', 'text', 'Exemple Industries SA');
/** Requests for information (issue 14 part 3). */
const requestReference = variable('requestReference', 'code', '4975300125-DI1');
const message = variable('message', 'multiline', {
  fr: 'Merci de nous transmettre un justificatif de domicile récent.',
  en: 'Please send us a recent proof of address.',
});
const documentsListVariable = variable('documentsList', 'multiline', {
  fr: '- Justificatif de domicile\n- Bulletin de salaire',
  en: '- Proof of address\n- Payslip',
});
const answerBy = variable('answerBy', 'text', { fr: '15 décembre 2026', en: '15 December 2026' });
const employeeNameVariable = variable('employeeName', 'text', 'Zoé Martin');
const informationRequestLink = variable('links.informationRequest', 'link', '');
/** Stuck approvals (issue 16 item 3): an application pending approval past its key's deadline. */
const stuckApproval: TemplateVariable[] = [
  reference,
  employeeNameVariable,
  companyName,
  { name: 'keyName', kind: 'text', sample: 'Finance' },
  { name: 'pendingSince', kind: 'text', sample: { fr: '1 décembre 2026', en: '1 December 2026' } },
  { name: 'deadlineDays', kind: 'number', sample: 5 },
  { name: 'dueOn', kind: 'text', sample: { fr: '8 décembre 2026', en: '8 December 2026' } },
  { name: 'links.approvals', kind: 'link', sample: '' },
];
const complaintReference = variable('complaintReference', 'code', 'RC-7K2M-9QXA');
const applicationReference = variable('applicationReference', 'code', '4975300125');
const dueOn = variable('dueOn', 'text', { fr: '24 mai 2027', en: '24 May 2027' });

export const CATALOGUE: CatalogueEntry[] = [
  { template: 'invitation-link', number: 1, recipient: 'employee', variables: [reference, ...employee, entryLink] },
  {
    template: 'invitation-key',
    number: 2,
    recipient: 'employee',
    variables: [{ name: 'accessKey', kind: 'code', sample: 'K7M2Q9XA' }, ...employee, entryLink],
  },
  {
    template: 'additional-approval-request',
    number: 3,
    recipient: 'approver',
    variables: [
      { name: 'approverName', kind: 'text', sample: 'Claire Dubois' },
      employeeNameVariable,
      companyName,
      { name: 'expiresOn', kind: 'text', sample: { fr: '3 décembre 2026', en: '3 December 2026' } },
      { name: 'links.approve', kind: 'link', sample: '' },
    ],
  },
  { template: 'returned', number: 4, recipient: 'employee', variables: [reference, ...employee, comment, entryLink] },
  {
    template: 'reminder',
    number: 5,
    recipient: 'employee',
    variables: [reference, ...employee, { name: 'daysSinceInitiation', kind: 'number', sample: 15 }, entryLink],
  },
  {
    template: 'approved',
    number: 6,
    recipient: 'employee',
    variables: [
      reference,
      ...employee,
      { name: 'termsVersion', kind: 'text', sample: '2026-11', optional: true },
      { name: 'termsAcceptedOn', kind: 'text', sample: { fr: '24 novembre 2026', en: '24 November 2026' }, optional: true },
      entryLink,
    ],
  },
  {
    template: 'urgent-alert',
    number: 7,
    recipient: 'administrator',
    variables: [
      reference,
      employeeNameVariable,
      companyName,
      { name: 'accountNumber', kind: 'text', sample: '12345678901' },
      { name: 'keyName', kind: 'text', sample: 'Siège' },
      { name: 'signedOn', kind: 'text', sample: { fr: '24 novembre 2026 à 10:15', en: '24 November 2026 at 10:15' } },
      { name: 'awaitingAdditionalApproval', kind: 'flag', sample: true, optional: true },
      { name: 'approvedByAdditionalApprover', kind: 'flag', sample: false, optional: true },
      approvalsLink,
    ],
  },
  {
    template: 'daily-digest',
    number: 8,
    recipient: 'administrator',
    variables: [
      { name: 'pendingCount', kind: 'number', sample: 7 },
      { name: 'urgentCount', kind: 'number', sample: 2 },
      { name: 'normalCount', kind: 'number', sample: 5 },
      {
        name: 'oldestList',
        kind: 'multiline',
        sample: {
          fr: '- 4975300125 – Zoé Martin – Exemple Industries SA (clé Siège) – signée le 18 novembre 2026 – urgente\n- 4975300133 – Louis Bernard – Exemple Industries SA (clé Siège) – signée le 19 novembre 2026',
          en: '- 4975300125 – Zoé Martin – Exemple Industries SA (key Siège) – signed on 18 November 2026 – urgent\n- 4975300133 – Louis Bernard – Exemple Industries SA (key Siège) – signed on 19 November 2026',
        },
      },
      { name: 'notListedCount', kind: 'number', sample: 5, optional: true },
      approvalsLink,
      { name: 'complaintCount', kind: 'number', sample: 1, optional: true },
      {
        name: 'complaintList',
        kind: 'multiline',
        sample: {
          fr: '- RC-7K2M-9QXA – à répondre au plus tard le 24 mai 2027 (2 jour(s) ouvrable(s) restant(s))',
          en: '- RC-7K2M-9QXA – answer due by 24 May 2027 (2 business day(s) left)',
        },
      },
      { name: 'links.complaints', kind: 'link', sample: '' },
    ],
  },
  {
    template: 'form-changed',
    number: 9,
    recipient: 'employee',
    variables: [
      reference,
      ...employee,
      { name: 'termsChanged', kind: 'flag', sample: true, optional: true },
      { name: 'version', kind: 'text', sample: '2026-12' },
      entryLink,
    ],
  },
  { template: 'signing-code', number: null, recipient: 'employee', variables: [{ name: 'code', kind: 'code', sample: '482913' }] },
  { template: 'cancelled', number: null, recipient: 'employee', variables: [reference, ...employee, comment, entryLink] },
  { template: 'reactivated', number: null, recipient: 'employee', variables: [reference, ...employee, entryLink] },
  {
    template: 'card-issued',
    number: null,
    recipient: 'employee',
    variables: [
      reference,
      ...employee,
      { name: 'expectedDelivery', kind: 'text', sample: { fr: '11 décembre 2026', en: '11 December 2026' } },
      { name: 'cardLast4', kind: 'code', sample: '4821', optional: true },
      entryLink,
    ],
  },
  {
    template: 'complaint-acknowledgement',
    number: null,
    recipient: 'complainant',
    variables: [
      complaintReference,
      applicationReference,
      { name: 'category', kind: 'text', sample: { fr: 'Problème avec un paiement ou des frais', en: 'A payment or fees' } },
      { name: 'receivedOn', kind: 'text', sample: { fr: '30 avril 2027', en: '30 April 2027' } },
      dueOn,
      entryLink,
    ],
  },
  {
    template: 'card-declined',
    number: null,
    recipient: 'employee',
    variables: [
      reference,
      ...employee,
      {
        name: 'reason',
        kind: 'multiline',
        sample: { fr: 'Les informations d’identité ne correspondent pas au justificatif.', en: 'The identity details do not match the document.' },
      },
      companyName,
      entryLink,
    ],
  },
  {
    template: 'complaint-extension',
    number: null,
    recipient: 'complainant',
    variables: [
      complaintReference,
      applicationReference,
      {
        name: 'reason',
        kind: 'multiline',
        sample: {
          fr: 'Nous attendons les relevés de l’émetteur de la carte pour vérifier les frais contestés.',
          en: 'We are waiting for the card issuer’s statements to check the disputed fees.',
        },
      },
      { name: 'previousDueOn', kind: 'text', sample: { fr: '24 mai 2027', en: '24 May 2027' } },
      { ...dueOn, sample: { fr: '21 juin 2027', en: '21 June 2027' } },
      entryLink,
    ],
  },
  {
    template: 'information-request',
    number: null,
    recipient: 'employee',
    variables: [reference, requestReference, ...employee, message, documentsListVariable, answerBy, entryLink],
  },
  { template: 'information-request-reminder', number: null, recipient: 'employee', variables: [reference, requestReference, ...employee, answerBy, entryLink] },
  {
    template: 'information-request-answered',
    number: null,
    recipient: 'administrator',
    variables: [reference, requestReference, employeeNameVariable, { name: 'documentCount', kind: 'number', sample: 2 }, informationRequestLink],
  },
  { template: 'approval-overdue', number: null, recipient: 'administrator', variables: stuckApproval },
  { template: 'approval-escalation', number: null, recipient: 'administrator', variables: stuckApproval },
  {
    template: 'information-request-overdue',
    number: null,
    recipient: 'administrator',
    variables: [reference, requestReference, employeeNameVariable, answerBy, informationRequestLink],
  },
  {
    template: 'complaint-answer',
    number: null,
    recipient: 'complainant',
    variables: [
      complaintReference,
      applicationReference,
      {
        name: 'answer',
        kind: 'multiline',
        sample: {
          fr: 'Les frais contestés vous ont été remboursés le 12 mai 2027.',
          en: 'The disputed fees were refunded to you on 12 May 2027.',
        },
      },
      { name: 'documentsList', kind: 'multiline', sample: { fr: '- releve-mai-2027.pdf', en: '- statement-may-2027.pdf' }, optional: true },
      entryLink,
    ],
  },
];

const BY_TEMPLATE = new Map<string, CatalogueEntry>(CATALOGUE.map((e) => [e.template, e]));

export function catalogueEntry(template: string): CatalogueEntry | undefined {
  return BY_TEMPLATE.get(template);
}

/** name → kind, for the checker and the renderer. */
export function variableKinds(entry: CatalogueEntry): Map<string, VariableKind> {
  return new Map(entry.variables.map((v) => [v.name, v.kind]));
}

export function sampleValue(variable: TemplateVariable, language: Language): string | number | boolean {
  const s = variable.sample;
  return typeof s === 'object' ? s[language] : s;
}

/** The sample data of an e-mail (what its queued row would hold), without links (the renderer builds those). */
export function sampleData(entry: CatalogueEntry, language: Language): Record<string, string | number | boolean> {
  const data: Record<string, string | number | boolean> = {};
  for (const v of entry.variables) {
    if (v.name.includes('.') || DERIVED_VARIABLES.some((d) => d.name === v.name)) continue;
    data[v.name] = sampleValue(v, language);
  }
  return data;
}

function own(data: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
}

function scalar(value: unknown): VariableValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/**
 * The values an edited template sees: exactly the entry's documented variables, taken from the row's data (own
 * properties, scalars only), the renderer's links and the derived variables. Nothing else is reachable.
 */
export function templateValues(entry: CatalogueEntry, data: Record<string, unknown>, links: Record<string, string>): Map<string, VariableValue> {
  const values = new Map<string, VariableValue>();
  for (const v of entry.variables) {
    if (v.name.startsWith('links.')) {
      values.set(v.name, scalar(own(links, v.name.slice('links.'.length))));
      continue;
    }
    const derived = DERIVED_VARIABLES.find((d) => d.name === v.name);
    if (derived) {
      values.set(
        v.name,
        derived.from
          .map((f) => scalar(own(data, f)))
          .filter((x): x is string | number => (typeof x === 'string' || typeof x === 'number') && String(x).trim() !== '')
          .map((x) => String(x).trim())
          .join(derived.separator),
      );
      continue;
    }
    values.set(v.name, scalar(own(data, v.name)));
  }
  return values;
}
