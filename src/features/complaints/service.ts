import type { Knex } from 'knex';
import type { Db } from '../../platform/db';
import type { Config } from '../../platform/config';
import { formatDate, tFor, type Language } from '../../platform/i18n';
import { localDate } from '../../lib/time-zone';
import { spreadsheetFile, type SpreadsheetFile, type SpreadsheetFormat } from '../../lib/spreadsheet-export';
import type { Actor } from '../../core/administrators/repository';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { enqueueEmails, type EmailToQueue } from '../../core/outbox/enqueue';
import { helpContact, MEDIATOR_SLUG, type HelpContact } from '../../core/help/contacts';
import {
  allowedActions,
  ANSWER_MAX,
  answerDeadline,
  DESCRIPTION_MAX,
  deadlineView,
  extensionLimit,
  extensionRefusal,
  newComplaintReference,
  type Complaint,
  type ComplaintCategory,
} from '../../core/complaints/complaints';
import {
  complaintApplication,
  complaintReferenceTaken,
  countComplaints,
  findComplaint,
  holdComplaint,
  insertComplaint,
  listComplaints,
  updateComplaint,
  type ComplaintApplication,
  type ComplaintFilter,
  type ComplaintListRow,
  type ComplaintScope,
  type ComplaintSort,
} from '../../core/complaints/repository';
import type { UploadedFile } from '../../core/complaints/documents';
import { withDetails, type ComplaintDetail } from '../../core/complaints/reader';
import { openThread, postMessage, readThreadAttachment, threadOf, type ThreadAuthor, type ThreadMessage } from '../../core/threads/threads';

/**
 * Complaints (issue 14 part 2): filing (employee or administrator), the acknowledgement at once, the deadline, one
 * extension with its reason, the answer, closing, the complainant's dissatisfaction (then the mediator), the register.
 * Every change is audited and its e-mail queued in the same transaction. What the complaint says and the answer, with
 * their documents, are messages of the complaint's thread (core/threads), as a request for information's are.
 */

export type ComplaintDeps = { db: Db; config: Pick<Config, 'dataDir' | 'timeZone' | 'complaintCountry' | 'documentMaxBytes'> };

type AdminScope = Pick<Actor, 'accountIds'>;

const scopeOf = (actor: AdminScope): ComplaintScope => ({ accountIds: actor.accountIds });

function today(now: Date, timeZone: string): string {
  return localDate(now, timeZone);
}

/**
 * A message (and its documents) on the complaint's thread, opened on first use, in the caller's transaction. The files
 * were checked before the transaction (checkComplaintFiles); postMessage checks them again before writing anything.
 */
async function postToThread(
  deps: ComplaintDeps,
  trx: Db,
  c: Pick<Complaint, 'id' | 'applicationId'>,
  input: { author: ThreadAuthor; body: string; files: UploadedFile[]; kind: 'complaint' | 'answer'; maxLength: number; now: Date },
): Promise<{ messageId: number; documentNames: string[] }> {
  const threadId = await openThread(trx, { type: 'complaint', id: c.id }, c.applicationId, input.now);
  const posted = await postMessage(deps, trx, {
    threadId,
    applicationId: c.applicationId,
    author: input.author,
    body: input.body,
    files: input.files.map((f) => ({ kind: input.kind, buffer: f.buffer, ...(f.originalName ? { originalName: f.originalName } : {}) })),
    maxLength: input.maxLength,
    now: input.now,
  });
  if (!posted.ok) throw new Error(`a checked complaint file was refused by the thread: ${posted.key}`);
  return { messageId: posted.messageId, documentNames: posted.attachments.map((a) => a.originalName) };
}

// ---------------------------------------------------------------------------------------------------------------
// E-mails to the complainant, in the complaint's language

/** An e-mail to the complainant about their complaint (one per complaint and template: a repeat queues nothing). */
function complaintEmail(
  template: 'complaint-acknowledgement' | 'complaint-extension' | 'complaint-answer',
  c: Pick<Complaint, 'reference' | 'language' | 'contactEmail'> & { id: number },
  app: Pick<ComplaintApplication, 'id' | 'reference'>,
  data: Record<string, string>,
): EmailToQueue {
  return {
    idempotencyKey: `${template}:${c.id}`,
    template,
    to: c.contactEmail,
    language: c.language,
    applicationId: app.id,
    data: { complaintReference: c.reference, applicationReference: app.reference, ...data },
  };
}

function acknowledgement(c: Complaint & { id: number }, app: ComplaintApplication, timeZone: string): EmailToQueue {
  return complaintEmail('complaint-acknowledgement', c, app, {
    category: tFor(c.language)(`complaints:categories.${c.category}`),
    receivedOn: formatDate(c.language, c.receivedOn, timeZone),
    dueOn: formatDate(c.language, c.dueOn, timeZone),
  });
}

function extensionNotice(c: Complaint, app: ComplaintApplication, previousDueOn: string, timeZone: string): EmailToQueue {
  return complaintEmail('complaint-extension', c, app, {
    reason: c.extensionReason ?? '',
    previousDueOn: formatDate(c.language, previousDueOn, timeZone),
    dueOn: formatDate(c.language, c.dueOn, timeZone),
  });
}

function answerEmail(c: Complaint, app: ComplaintApplication, answer: string, documentNames: string[]): EmailToQueue {
  return complaintEmail('complaint-answer', c, app, { answer, documentsList: documentNames.map((n) => `- ${n}`).join('\n') });
}

// ---------------------------------------------------------------------------------------------------------------
// Filing

export interface ComplaintInput {
  category: ComplaintCategory;
  description: string;
  contactEmail: string;
}

/** The application an administrator files a complaint about, if it is one of their BCs'. */
export async function applicationForAdminComplaint(db: Db, actor: AdminScope, applicationId: number): Promise<ComplaintApplication | undefined> {
  return complaintApplication(db, applicationId, actor.accountIds);
}

export async function applicationForEmployeeComplaint(db: Db, applicationId: number): Promise<ComplaintApplication | undefined> {
  return complaintApplication(db, applicationId);
}

/**
 * Records a complaint received `now`: its reference, its deadline (15 business days of COMPLAINT_COUNTRY), its files,
 * the acknowledgement e-mail and the audit entry, in one transaction.
 */
export async function fileComplaint(
  deps: ComplaintDeps,
  input: ComplaintInput & {
    application: ComplaintApplication;
    language: Language;
    filedBy: 'employee' | 'admin';
    adminId: number | null;
    files: UploadedFile[];
  },
  now: Date,
  audit: AuditContext,
): Promise<{ id: number; reference: string }> {
  const { config } = deps;
  return deps.db.transaction(async (trx) => {
    let reference = newComplaintReference();
    while (await complaintReferenceTaken(trx, reference)) reference = newComplaintReference();
    const receivedOn = today(now, config.timeZone);
    const complaint: Omit<Complaint, 'id'> = {
      reference,
      applicationId: input.application.id,
      accountId: input.application.accountId,
      category: input.category,
      contactEmail: input.contactEmail,
      language: input.language,
      filedBy: input.filedBy,
      filedByAdminId: input.adminId,
      country: config.complaintCountry,
      receivedAt: now.toISOString(),
      receivedOn,
      dueOn: answerDeadline(receivedOn, config.complaintCountry),
      status: 'received',
      extendedAt: null,
      extensionReason: null,
      answerMessageId: null,
      answeredAt: null,
      answeredOn: null,
      dissatisfiedAt: null,
      closedAt: null,
    };
    const id = await insertComplaint(trx, complaint);
    const author: ThreadAuthor = input.filedBy === 'admin' && input.adminId !== null ? { type: 'administrator', id: input.adminId } : { type: 'employee' };
    await postToThread(
      deps,
      trx,
      { id, applicationId: input.application.id },
      { author, body: input.description, files: input.files, kind: 'complaint', maxLength: DESCRIPTION_MAX, now },
    );
    await enqueueEmails(trx, [acknowledgement({ ...complaint, id }, input.application, config.timeZone)], now);
    await recordAudit(trx, {
      ...audit,
      at: now,
      action: 'complaint.file',
      applicationId: input.application.id,
      object: { type: 'complaint', id },
      details: { reference, category: input.category, filedBy: input.filedBy, dueOn: complaint.dueOn, country: complaint.country, files: input.files.length },
    });
    return { id, reference };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Handling (administrators of the complaint's BC)

export type ActionResult = { ok: true; complaint: Complaint } | { ok: false; key: string } | { ok: false; gone: true };

async function act(db: Db, scope: ComplaintScope, id: number, work: (trx: Knex.Transaction, c: Complaint) => Promise<string | null>): Promise<ActionResult> {
  return db.transaction(async (trx) => {
    const c = await holdComplaint(trx, id, scope);
    if (!c) return { ok: false as const, gone: true as const };
    const refusal = await work(trx, c);
    if (refusal) return { ok: false as const, key: refusal };
    return { ok: true as const, complaint: (await findComplaint(trx, id, scope)) as Complaint };
  });
}

const auditOf = (audit: AuditContext, now: Date, action: string, c: Complaint, details: Record<string, unknown> = {}) => ({
  ...audit,
  at: now,
  action,
  applicationId: c.applicationId,
  object: { type: 'complaint', id: c.id },
  details: { reference: c.reference, ...details },
});

/** received → in progress. */
export async function startComplaint(db: Db, actor: AdminScope, id: number, now: Date, audit: AuditContext): Promise<ActionResult> {
  return act(db, scopeOf(actor), id, async (trx, c) => {
    if (!allowedActions(c).start) return 'complaints:errors.notReceived';
    await updateComplaint(trx, c.id, { status: 'in_progress' }, now);
    await recordAudit(trx, auditOf(audit, now, 'complaint.start', c));
    return null;
  });
}

/** The latest deadline an extension may set (35 business days after receipt). */
export function latestExtension(c: Pick<Complaint, 'receivedOn' | 'country'>): string {
  return extensionLimit(c.receivedOn, c.country);
}

/** Once, with a written reason e-mailed to the complainant with the new date. */
export async function extendComplaint(
  deps: ComplaintDeps,
  actor: AdminScope,
  id: number,
  input: { dueOn: string; reason: string },
  now: Date,
  audit: AuditContext,
): Promise<ActionResult> {
  return act(deps.db, scopeOf(actor), id, async (trx, c) => {
    const refusal = extensionRefusal(c, input.dueOn);
    if (refusal) return refusal;
    await updateComplaint(trx, c.id, { status: 'extended', dueOn: input.dueOn, extendedAt: now.toISOString(), extensionReason: input.reason }, now);
    const app = (await complaintApplication(trx, c.applicationId)) as ComplaintApplication;
    await enqueueEmails(trx, [extensionNotice({ ...c, dueOn: input.dueOn, extensionReason: input.reason }, app, c.dueOn, deps.config.timeZone)], now);
    await recordAudit(trx, auditOf(audit, now, 'complaint.extend', c, { from: c.dueOn, to: input.dueOn }));
    return null;
  });
}

/** The written answer (and its documents), e-mailed and shown on the employee's status page. */
export async function answerComplaint(
  deps: ComplaintDeps,
  actor: Pick<Actor, 'id' | 'accountIds'>,
  id: number,
  input: { answer: string; files: UploadedFile[] },
  now: Date,
  audit: AuditContext,
): Promise<ActionResult> {
  return deps.db.transaction(async (trx) => {
    const c = await holdComplaint(trx, id, scopeOf(actor));
    if (!c) return { ok: false as const, gone: true as const };
    if (!allowedActions(c).answer) return { ok: false as const, key: 'complaints:errors.notOpen' };
    const answeredOn = today(now, deps.config.timeZone);
    const posted = await postToThread(deps, trx, c, {
      author: { type: 'administrator', id: actor.id },
      body: input.answer,
      files: input.files,
      kind: 'answer',
      maxLength: ANSWER_MAX,
      now,
    });
    await updateComplaint(trx, c.id, { status: 'answered', answerMessageId: posted.messageId, answeredAt: now.toISOString(), answeredOn }, now);
    const app = (await complaintApplication(trx, c.applicationId)) as ComplaintApplication;
    const answered = (await findComplaint(trx, c.id, scopeOf(actor))) as Complaint;
    await enqueueEmails(trx, [answerEmail(answered, app, input.answer.trim(), posted.documentNames)], now);
    await recordAudit(
      trx,
      auditOf(audit, now, 'complaint.answer', c, { answeredOn, dueOn: c.dueOn, onTime: answeredOn <= c.dueOn, files: input.files.length }),
    );
    return { ok: true as const, complaint: answered };
  });
}

/** answered → closed. */
export async function closeComplaint(db: Db, actor: AdminScope, id: number, now: Date, audit: AuditContext): Promise<ActionResult> {
  return act(db, scopeOf(actor), id, async (trx, c) => {
    if (!allowedActions(c).close) return 'complaints:errors.notAnswered';
    await updateComplaint(trx, c.id, { status: 'closed', closedAt: now.toISOString() }, now);
    await recordAudit(trx, auditOf(audit, now, 'complaint.close', c));
    return null;
  });
}

/** The complainant says the answer does not satisfy them: flagged, once; the page then gives the mediator's contact. */
export async function markDissatisfied(db: Db, applicationId: number, id: number, now: Date, audit: AuditContext): Promise<ActionResult> {
  return act(db, { applicationId }, id, async (trx, c) => {
    if (!allowedActions(c).dissatisfied) return c.dissatisfiedAt ? 'complaints:errors.alreadyDissatisfied' : 'complaints:errors.notAnswered';
    await updateComplaint(trx, c.id, { dissatisfiedAt: now.toISOString() }, now);
    await recordAudit(trx, auditOf(audit, now, 'complaint.dissatisfied', c));
    return null;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export interface ComplaintPage extends ComplaintDetail {
  application: ComplaintApplication;
  latestExtension: string;
  mediator: HelpContact | undefined;
  /** The mediator is shown: the complainant said the answer does not satisfy, or the deadline has passed. */
  showMediator: boolean;
}

async function page(db: Db, c: Complaint, now: Date, timeZone: string, lang: Language): Promise<ComplaintPage> {
  const [detail] = await withDetails(db, [c], today(now, timeZone));
  const d = detail as ComplaintDetail;
  const showMediator = c.dissatisfiedAt !== null || d.deadline.overdue;
  return {
    ...d,
    application: (await complaintApplication(db, c.applicationId)) as ComplaintApplication,
    latestExtension: latestExtension(c),
    mediator: showMediator ? await helpContact(db, MEDIATOR_SLUG, lang) : undefined,
    showMediator,
  };
}

/** A complaint of the administrator's BCs (undefined otherwise: another BC's complaint is not found). */
export async function complaintForAdmin(
  db: Db,
  actor: AdminScope,
  id: number,
  now: Date,
  timeZone: string,
  lang: Language,
): Promise<ComplaintPage | undefined> {
  const c = await findComplaint(db, id, scopeOf(actor));
  return c && page(db, c, now, timeZone, lang);
}

/** A complaint about the session's application (undefined otherwise). */
export async function complaintForEmployee(
  db: Db,
  applicationId: number,
  id: number,
  now: Date,
  timeZone: string,
  lang: Language,
): Promise<ComplaintPage | undefined> {
  const c = await findComplaint(db, id, { applicationId });
  if (!c) return undefined;
  const shown = await page(db, c, now, timeZone, lang);
  // The employee's pages never name the administrator who wrote a message.
  const anonymous = (m: ThreadMessage): ThreadMessage => ({ ...m, administratorName: null });
  return {
    ...shown,
    messages: shown.messages.map(anonymous),
    statement: shown.statement && anonymous(shown.statement),
    answer: shown.answer && anonymous(shown.answer),
  };
}

export async function recordComplaintView(db: Db, c: Complaint, now: Date, audit: AuditContext): Promise<void> {
  await recordAudit(db, auditOf(audit, now, 'complaint.view', c));
}

/**
 * A document of the complaint's thread (the complaint's or the answer's), re-hashed against the SHA-256 recorded when it
 * was received; undefined when the complaint is not the reader's or has no such document. Audited.
 */
export async function complaintDocument(
  deps: ComplaintDeps,
  scope: ComplaintScope,
  complaintId: number,
  documentId: number,
  now: Date,
  audit: AuditContext,
): Promise<Awaited<ReturnType<typeof readThreadAttachment>> | undefined> {
  const c = await findComplaint(deps.db, complaintId, scope);
  if (!c) return undefined;
  const thread = await threadOf(deps.db, { type: 'complaint', id: c.id });
  if (!thread) return undefined;
  const file = await readThreadAttachment(deps, deps.db, { threadId: thread.id, attachmentId: documentId });
  await recordAudit(deps.db, auditOf(audit, now, 'complaint.document.download', c, { documentId, kind: file.attachment.kind, sha256: file.attachment.sha256 }));
  return file;
}

export interface RegisterQuery {
  status?: Complaint['status'];
  category?: ComplaintCategory;
  overdue: boolean;
  q: string;
}

function filterOf(actor: AdminScope, query: RegisterQuery, now: Date, timeZone: string): ComplaintFilter {
  return {
    accountIds: actor.accountIds,
    today: today(now, timeZone),
    overdue: query.overdue,
    ...(query.status ? { status: query.status } : {}),
    ...(query.category ? { category: query.category } : {}),
    ...(query.q ? { q: query.q } : {}),
  };
}

export async function complaintList(
  db: Db,
  actor: AdminScope,
  query: RegisterQuery,
  order: { sort: ComplaintSort; dir: 'asc' | 'desc'; offset: number; limit: number },
  now: Date,
  timeZone: string,
): Promise<{ total: number; rows: Array<ComplaintListRow & { deadline: ReturnType<typeof deadlineView> }> }> {
  const filter = filterOf(actor, query, now, timeZone);
  const total = await countComplaints(db, filter);
  const rows = await listComplaints(db, filter, order);
  return { total, rows: rows.map((r) => ({ ...r, deadline: deadlineView(r, filter.today) })) };
}

/** At most this many rows in one export of the register. */
export const REGISTER_EXPORT_MAX = 20_000;

/**
 * The register a compliance officer files (csv or xlsx): reference, dates, category, deadline, extended or not,
 * answered on time or not. Audited.
 */
export async function registerExport(
  db: Db,
  actor: AdminScope,
  query: RegisterQuery,
  format: SpreadsheetFormat,
  lang: Language,
  now: Date,
  timeZone: string,
  audit: AuditContext,
): Promise<SpreadsheetFile> {
  const t = tFor(lang);
  const filter = filterOf(actor, query, now, timeZone);
  const rows = await listComplaints(db, filter, { sort: 'received', dir: 'asc', offset: 0, limit: REGISTER_EXPORT_MAX });
  const yesNo = (v: boolean | null) => (v === null ? '' : t(v ? 'complaints:register.yes' : 'complaints:register.no'));
  const headers = [
    'reference',
    'application',
    'company',
    'receivedOn',
    'category',
    'status',
    'dueOn',
    'extended',
    'extendedAt',
    'answeredOn',
    'answeredOnTime',
    'dissatisfied',
    'closedOn',
  ].map((h) => t(`complaints:register.columns.${h}`));
  const data = rows.map((r) => {
    const d = deadlineView(r, filter.today);
    return [
      r.reference,
      r.applicationReference,
      r.companyName,
      r.receivedOn,
      t(`complaints:categories.${r.category}`),
      t(`complaints:statuses.${r.status}`),
      r.dueOn,
      yesNo(r.extendedAt !== null),
      r.extendedAt ? localDate(new Date(r.extendedAt), timeZone) : '',
      r.answeredOn ?? '',
      d.overdue ? t('complaints:register.no') : yesNo(d.answeredOnTime),
      yesNo(r.dissatisfiedAt !== null),
      r.closedAt ? localDate(new Date(r.closedAt), timeZone) : '',
    ];
  });
  await recordAudit(db, {
    ...audit,
    at: now,
    action: 'complaint.export',
    details: { format, rows: data.length, status: query.status ?? null, category: query.category ?? null, overdue: query.overdue },
  });
  return spreadsheetFile(format, `${t('complaints:register.fileName')}-${filter.today}`, headers, data, t('complaints:register.sheet'));
}
