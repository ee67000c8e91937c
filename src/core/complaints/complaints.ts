import crypto from 'node:crypto';
import { addBusinessDays, businessDaysBetween, type HolidayCountry } from '../../lib/business-days';

/**
 * Complaints (issue 14 part 2, SPEC §5, seed 001; the payment-services rule, PSD2 art. 101): a written answer within 15
 * business days of receipt; once, with a written reason sent to the complainant, at most 35 business days; past that,
 * or when the answer does not satisfy, the complainant is pointed to the mediator. Business days skip weekends and the
 * public holidays of the complaint's country (COMPLAINT_COUNTRY, kept on the row). Days are `YYYY-MM-DD` in TIME_ZONE.
 */

/** Seed 001's reasons for a complaint, in its order. */
export const COMPLAINT_CATEGORIES = [
  'contract',
  'change_not_taken_into_account',
  'cancellation_without_reason',
  'payment_or_fees',
  'guarantee_not_applied',
  'adviser_hard_to_reach',
  'online_account',
  'personal_data',
  'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_STATUSES = ['received', 'in_progress', 'extended', 'answered', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Waiting for an answer: the deadline runs. */
export const OPEN_STATUSES: readonly ComplaintStatus[] = ['received', 'in_progress', 'extended'];

export const ANSWER_BUSINESS_DAYS = 15;
export const EXTENDED_BUSINESS_DAYS = 35;
/** The daily digest lists the open complaints due within this many business days, and the overdue ones. */
export const DUE_SOON_BUSINESS_DAYS = 3;

export const DESCRIPTION_MAX = 5000;
export const REASON_MAX = 2000;
export const ANSWER_MAX = 10000;
/** Documents attached to a complaint, or to its answer, at most. */
export const MAX_COMPLAINT_FILES = 5;

/**
 * A complaint as stored (table `complaint`): its facts and deadlines. What it says and what was answered, with their
 * documents, are messages of its thread (core/threads, subject 'complaint').
 */
export interface Complaint {
  id: number;
  reference: string;
  applicationId: number;
  accountId: number;
  category: ComplaintCategory;
  contactEmail: string;
  language: 'fr' | 'en';
  filedBy: 'employee' | 'admin';
  filedByAdminId: number | null;
  country: HolidayCountry;
  receivedAt: string;
  receivedOn: string;
  dueOn: string;
  status: ComplaintStatus;
  extendedAt: string | null;
  extensionReason: string | null;
  /** The thread message that answers the complaint (core/threads), once answered. */
  answerMessageId: number | null;
  answeredAt: string | null;
  answeredOn: string | null;
  dissatisfiedAt: string | null;
  closedAt: string | null;
}

/** The answer deadline of a complaint received on `receivedOn`: 15 business days later. */
export function answerDeadline(receivedOn: string, country: HolidayCountry): string {
  return addBusinessDays(receivedOn, ANSWER_BUSINESS_DAYS, country);
}

/** The latest deadline an extension may give: 35 business days after receipt. */
export function extensionLimit(receivedOn: string, country: HolidayCountry): string {
  return addBusinessDays(receivedOn, EXTENDED_BUSINESS_DAYS, country);
}

export function isOpen(status: ComplaintStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/** Where a complaint stands against its deadline on `today`. */
export interface DeadlineView {
  dueOn: string;
  /** Business days from today to the deadline (0 on the day itself); null once answered or closed. */
  businessDaysLeft: number | null;
  /** Open and past its deadline. */
  overdue: boolean;
  /** Business days past the deadline (0 unless overdue). */
  businessDaysLate: number;
  /** Open and due within DUE_SOON_BUSINESS_DAYS business days (not overdue). */
  dueSoon: boolean;
  /** Answered on or before its deadline; null while not answered. */
  answeredOnTime: boolean | null;
}

export function deadlineView(c: Pick<Complaint, 'dueOn' | 'status' | 'answeredOn' | 'country'>, today: string): DeadlineView {
  const open = isOpen(c.status);
  const overdue = open && today > c.dueOn;
  const left = open && !overdue ? businessDaysBetween(today, c.dueOn, c.country) : null;
  return {
    dueOn: c.dueOn,
    businessDaysLeft: open ? (left ?? 0) : null,
    overdue,
    businessDaysLate: overdue ? businessDaysBetween(c.dueOn, today, c.country) : 0,
    dueSoon: left !== null && left <= DUE_SOON_BUSINESS_DAYS,
    answeredOnTime: c.answeredOn ? c.answeredOn <= c.dueOn : null,
  };
}

/** What may be done to a complaint in its state. */
export function allowedActions(c: Pick<Complaint, 'status' | 'extendedAt' | 'dissatisfiedAt'>): {
  start: boolean;
  extend: boolean;
  answer: boolean;
  close: boolean;
  dissatisfied: boolean;
} {
  return {
    start: c.status === 'received',
    extend: isOpen(c.status) && c.extendedAt === null,
    answer: isOpen(c.status),
    close: c.status === 'answered',
    dissatisfied: (c.status === 'answered' || c.status === 'closed') && c.dissatisfiedAt === null,
  };
}

/**
 * Why an extension to `newDueOn` is refused (a translation key), or null: once only, while open, later than the
 * current deadline and not past 35 business days after receipt.
 */
export function extensionRefusal(c: Pick<Complaint, 'status' | 'extendedAt' | 'dueOn' | 'receivedOn' | 'country'>, newDueOn: string): string | null {
  if (c.extendedAt !== null) return 'complaints:extend.errors.already';
  if (!isOpen(c.status)) return 'complaints:extend.errors.notOpen';
  if (newDueOn <= c.dueOn) return 'complaints:extend.errors.notLater';
  if (newDueOn > extensionLimit(c.receivedOn, c.country)) return 'complaints:extend.errors.tooLate';
  return null;
}

const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A new complaint reference, `RC-XXXX-XXXX` (no 0/O, 1/I/L to misread); unique by the table's constraint. */
export function newComplaintReference(): string {
  const bytes = crypto.randomBytes(8);
  const chars = [...bytes].map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]).join('');
  return `RC-${chars.slice(0, 4)}-${chars.slice(4)}`;
}
