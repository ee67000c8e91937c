import { delegatesOf } from '../core/administrators/absence';
import type { Db } from '../platform/db';
import type { Deps } from '../platform/deps';
import { formatDate, isLanguage, tFor, type Language } from '../platform/i18n';
import { enqueueEmails, type EmailToQueue } from '../core/outbox/enqueue';
import {
  administratorAccountPairs,
  administratorLanguages,
  digestAdministrators,
  digestKeys,
  oldestPendingIds,
  pendingApplicationDetails,
  pendingCountsByGroup,
  type DigestKey,
  type PendingApplicationDetail,
} from '../core/application/digest-repository';
import { addBusinessDays, type HolidayCountry } from '../lib/business-days';
import { approvalDeadline } from '../core/application/approval-deadline';
import { localDate } from '../lib/time-zone';
import { deadlineView, DUE_SOON_BUSINESS_DAYS } from '../core/complaints/complaints';
import { complaintHandlers, openComplaintsDueBy } from '../core/complaints/repository';
import type { Job } from './job';
import { dailySlot } from './schedule';

/**
 * E-mail 8 – the daily digest of applications awaiting approval (SPEC §4): every day at 00:30 in the configured time
 * zone, one e-mail per recipient covering all their keys, only when at least one application is pending for them, or
 * a complaint of their BCs is due within 3 business days or overdue (issue 14: those complaints are listed too).
 * Recipients are those of e-mail 7: for each pending application, the key's creator (self-service) or the initiating
 * administrator – while active and still in charge of the key's BC – and the key's notification recipients.
 *
 * Two grouped queries whatever the volume (counts per key, first recipient and priority; the oldest few per key and
 * first recipient by a window function); the merge per recipient happens in memory over those groups, not over the
 * applications. Idempotent: `daily-digest:<recipient>:<slot date>`, so a second run of the same day (another instance,
 * a retry, a catch-up) queues nothing more.
 */

const DIGEST_AT = '00:30';
/** How many of the oldest pending applications the e-mail lists. */
export const DIGEST_OLDEST = 5;

function digestIdempotencyKey(recipient: string, slot: string): string {
  return `daily-digest:${recipient}:${slot}`;
}

interface Group {
  key: string;
  accessKeyId: number;
  adminId: number | null;
  accountId: number;
  notificationRecipients: string[];
  urgent: number;
  normal: number;
  oldest: PendingApplicationDetail[];
}

function parseRecipients(json: string | null): string[] {
  try {
    const parsed = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string' && x.includes('@')) : [];
  } catch {
    return [];
  }
}

/** E-mail 7's first recipient: the key's creator for self-service (or no initiator), else the initiating administrator. */
function firstRecipient(row: { origin: string; initiated_by: number | null }, key: DigestKey): number | null {
  return row.origin === 'self_service' || row.initiated_by === null ? Number(key.created_by) : Number(row.initiated_by);
}

async function inChunks<T, R>(items: T[], size: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}

/**
 * The pending applications grouped by key and first recipient, with counts per priority and the oldest few.
 * Both passes over the applications read only application_digest_idx; the rest reads the few rows they select.
 */
async function pendingGroups(db: Db): Promise<Map<string, Group>> {
  const counts = await pendingCountsByGroup(db);
  const groups = new Map<string, Group>();
  if (!counts.length) return groups;
  const keyIds = [...new Set(counts.map((c) => Number(c.access_key_id)))];
  const keys = new Map((await inChunks(keyIds, 500, (chunk) => digestKeys(db, chunk))).map((k) => [Number(k.id), k]));
  const groupOf = (row: { access_key_id: number; origin: string; initiated_by: number | null }): Group | undefined => {
    const key = keys.get(Number(row.access_key_id));
    if (!key) return undefined;
    const adminId = firstRecipient(row, key);
    const id = `${key.id}:${adminId ?? ''}`;
    let g = groups.get(id);
    if (!g) {
      g = {
        key: id,
        accessKeyId: Number(key.id),
        adminId,
        accountId: Number(key.account_id),
        notificationRecipients: parseRecipients(key.notification_recipients),
        urgent: 0,
        normal: 0,
        oldest: [],
      };
      groups.set(id, g);
    }
    return g;
  };
  for (const c of counts) {
    const g = groupOf(c);
    if (!g) continue;
    if (c.priority === 'urgent') g.urgent += Number(c.n);
    else g.normal += Number(c.n);
  }

  // The oldest few of each (key, origin, initiator): a superset of the oldest few of each group, merged below.
  const ids = await oldestPendingIds(db, DIGEST_OLDEST);
  const details = await inChunks(ids, 500, (chunk) => pendingApplicationDetails(db, chunk));
  details.sort((a, b) => (a.pending_since < b.pending_since ? -1 : a.pending_since > b.pending_since ? 1 : Number(a.id) - Number(b.id)));
  for (const row of details) {
    const g = groupOf(row);
    if (g && g.oldest.length < DIGEST_OLDEST) g.oldest.push(row);
  }
  return groups;
}

interface RecipientDigest {
  to: string;
  groups: Group[];
}

/** The groups each recipient is told about (a group once per recipient, even when named twice). */
async function recipientsOf(db: Db, groups: Map<string, Group>): Promise<RecipientDigest[]> {
  const adminIds = [...new Set([...groups.values()].map((g) => g.adminId).filter((x): x is number => x !== null))];
  const admins = adminIds.length ? await digestAdministrators(db, adminIds) : [];
  const memberships = adminIds.length ? await administratorAccountPairs(db, adminIds) : [];
  const adminById = new Map(admins.map((a) => [Number(a.id), a]));
  const inCharge = new Set(memberships.map((m) => `${m.administrator_id}:${m.account_id}`));

  const byRecipient = new Map<string, Map<string, Group>>();
  const add = (email: string, group: Group) => {
    const to = email.trim().toLowerCase();
    if (!to) return;
    if (!byRecipient.has(to)) byRecipient.set(to, new Map());
    byRecipient.get(to)?.set(group.key, group);
  };
  for (const g of groups.values()) {
    const admin = g.adminId === null ? undefined : adminById.get(g.adminId);
    // The first recipient only while active and still in charge of the BC (or platform): the e-mail names employees.
    if (admin && admin.active && (admin.role === 'platform' || inCharge.has(`${admin.id}:${g.accountId}`))) add(String(admin.email), g);
    for (const email of g.notificationRecipients) add(email, g);
  }
  return [...byRecipient.entries()].map(([to, gs]) => ({ to, groups: [...gs.values()] }));
}

/** Recipients who are administrators get their language; anyone else French (the default language). */
async function languagesOf(db: Db, emails: string[]): Promise<Map<string, Language>> {
  const out = new Map<string, Language>();
  for (let i = 0; i < emails.length; i += 500) {
    const rows = await administratorLanguages(db, emails.slice(i, i + 500));
    for (const r of rows) if (isLanguage(r.language)) out.set(String(r.email).toLowerCase(), r.language);
  }
  return out;
}

/** An open complaint due within DUE_SOON_BUSINESS_DAYS business days, or overdue, as the digest lists it. */
interface ComplaintAlert {
  reference: string;
  dueOn: string;
  overdue: boolean;
  businessDaysLeft: number;
}

/**
 * The complaints each administrator is told about: the open ones due within 3 business days and the overdue ones, to
 * the active administrators in charge of the complaint's BC and to the platform administrators (they handle all).
 */
async function complaintAlerts(deps: Pick<Deps, 'db' | 'config'>, now: Date): Promise<Map<string, ComplaintAlert[]>> {
  const { db, config } = deps;
  const today = localDate(now, config.timeZone);
  // Wide enough for either country's holidays; each complaint is then judged with its own country.
  const until = addBusinessDays(today, DUE_SOON_BUSINESS_DAYS + 2, config.complaintCountry);
  const alerts = (await openComplaintsDueBy(db, until)).map((c) => ({ c, d: deadlineView(c, today) })).filter(({ d }) => d.overdue || d.dueSoon);
  const out = new Map<string, ComplaintAlert[]>();
  if (!alerts.length) return out;
  const handlers = await complaintHandlers(db, [...new Set(alerts.map(({ c }) => c.accountId))]);
  for (const { c, d } of alerts) {
    const alert = { reference: c.reference, dueOn: c.dueOn, overdue: d.overdue, businessDaysLeft: d.businessDaysLeft ?? 0 };
    const recipients = new Set(handlers.filter((h) => h.accountId === null || h.accountId === c.accountId).map((h) => h.email.trim().toLowerCase()));
    for (const to of recipients) out.set(to, [...(out.get(to) ?? []), alert]);
  }
  return out;
}

function complaintLines(alerts: ComplaintAlert[], language: Language): string {
  const t = tFor(language);
  return alerts
    .map((a) =>
      t(a.overdue ? 'email-templates:digest.complaintOverdue' : 'email-templates:digest.complaintDue', {
        reference: a.reference,
        dueOn: formatDate(language, a.dueOn, 'UTC'),
        count: a.businessDaysLeft,
      }),
    )
    .join('\n');
}

function digestEmail(
  recipient: RecipientDigest,
  language: Language,
  slot: string,
  deadlines: { now: Date; timeZone: string; country: HolidayCountry },
  complaints: ComplaintAlert[] = [],
): EmailToQueue {
  const t = tFor(language);
  const { timeZone } = deadlines;
  const urgentCount = recipient.groups.reduce((n, g) => n + g.urgent, 0);
  const normalCount = recipient.groups.reduce((n, g) => n + g.normal, 0);
  const pendingCount = urgentCount + normalCount;
  // Overdue applications first (issue 16 item 3: pending longer than their key's approval deadline), then the oldest.
  const oldest = recipient.groups
    .flatMap((g) => g.oldest)
    .map((r) => ({ r, deadline: approvalDeadline(r.pending_since, Number(r.approval_deadline_days), deadlines.now, deadlines) }))
    .sort(
      (x, y) =>
        Number(y.deadline.overdue) - Number(x.deadline.overdue) ||
        (x.r.pending_since < y.r.pending_since ? -1 : x.r.pending_since > y.r.pending_since ? 1 : x.r.id - y.r.id),
    )
    .slice(0, DIGEST_OLDEST)
    .map(({ r, deadline }) => ({
      reference: r.reference,
      employeeName: [r.first_name, r.last_name].filter((x) => x && x.trim()).join(' ') || t('email-templates:digest.noName'),
      companyName: r.company_name,
      keyName: r.key_name,
      signedOn: formatDate(language, r.pending_since, timeZone),
      urgent: r.priority === 'urgent',
      overdue: deadline.overdue,
      dueOn: formatDate(language, deadline.dueOn, 'UTC'),
    }));
  const lineKey = (o: { urgent: boolean; overdue: boolean }) => `email-templates:digest.line${o.urgent ? 'Urgent' : ''}${o.overdue ? 'Overdue' : ''}`;
  const oldestList = oldest.map((o) => t(lineKey(o), { ...o })).join('\n');
  return {
    idempotencyKey: digestIdempotencyKey(recipient.to, slot),
    template: 'daily-digest',
    to: recipient.to,
    language,
    data: {
      pendingCount,
      urgentCount,
      normalCount,
      oldest,
      oldestList,
      notListedCount: pendingCount - oldest.length,
      complaintCount: complaints.length,
      complaintList: complaintLines(complaints, language),
    },
  };
}

/** Queues today's digests (slot = the local date of the last 00:30). Returns how many e-mails were new. */
export async function queueDailyDigests(deps: Pick<Deps, 'db' | 'config'>, now: Date): Promise<{ recipients: number; queued: number }> {
  const { db, config } = deps;
  const slot = dailySlot(now, config.timeZone, DIGEST_AT);
  const groups = await pendingGroups(db);
  const complaints = await complaintAlerts(deps, now);
  if (!groups.size && !complaints.size) return { recipients: 0, queued: 0 };
  const recipients = groups.size ? await recipientsOf(db, groups) : [];
  for (const to of complaints.keys()) if (!recipients.some((r) => r.to === to)) recipients.push({ to, groups: [] });
  // Out of office: what an absent administrator is told goes to their delegate too, merged with the delegate's own.
  const delegates = await delegatesOf(
    db,
    recipients.map((r) => r.to),
    now,
    config.timeZone,
  );
  for (const d of delegates) {
    const absent = recipients.find((r) => r.to === d.absentEmail);
    if (!absent) continue;
    let mine = recipients.find((r) => r.to === d.email);
    if (!mine) recipients.push((mine = { to: d.email, groups: [] }));
    for (const g of absent.groups) if (!mine.groups.some((x) => x.key === g.key)) mine.groups.push(g);
    const own = complaints.get(d.email) ?? [];
    const theirs = (complaints.get(d.absentEmail) ?? []).filter((a) => !own.some((b) => b.reference === a.reference));
    if (theirs.length) complaints.set(d.email, [...own, ...theirs]);
  }
  const languages = await languagesOf(
    db,
    recipients.map((r) => r.to),
  );
  const deadlines = { now, timeZone: config.timeZone, country: config.holidayCountry };
  const emails = recipients.map((r) => digestEmail(r, languages.get(r.to) ?? 'fr', slot, deadlines, complaints.get(r.to)));
  const queued = await db.transaction((trx) => enqueueEmails(trx, emails, now));
  return { recipients: emails.length, queued };
}

export const dailyDigestJob: Job = {
  name: 'daily-digest',
  schedule: { kind: 'daily', at: DIGEST_AT },
  run: (deps, now) => queueDailyDigests(deps, now),
};
