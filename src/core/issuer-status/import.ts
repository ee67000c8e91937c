import type { Knex } from 'knex';
import type { Db } from '../../platform/db';
import { formatDate } from '../../platform/i18n';
import { addBusinessDays, type HolidayCountry } from '../../lib/business-days';
import { ISSUER_MOVES, StaleStateError, transition, type Actor, type IssuerTarget, type Status } from '../application/status';
import { enqueueEmails, type EmailToQueue } from '../outbox/enqueue';
import { recordAudit, type AuditContext } from '../audit/audit';
import { applicationsByReference, type IssuerApplication } from './repository';
import type { IssuerStatus, RowError, StatusRow } from './file';

/**
 * The issuer's status file applied to the applications (issue 13 part 4), shared by the upload page, the command line
 * and the nightly inbox job: check (every line against the applications as they are now), then apply (the moves
 * through the one `transition`, with history, and the employee's e-mails queued in the same transaction).
 *
 * Idempotent: a line whose move is already made (the application is in that status, or past it) is "already done",
 * changes nothing and queues nothing; the e-mails' idempotency keys (`card-issued:<id>`, `card-declined:<id>`) make a
 * second e-mail impossible even if two imports run at once.
 */

export const TARGET_OF: Record<IssuerStatus, IssuerTarget> = { issued: 'card_issued', delivered: 'card_delivered', declined: 'declined_by_issuer' };

export type RowOutcome = 'apply' | 'already' | 'refused';

export interface CheckedStatusRow extends StatusRow {
  outcome: RowOutcome;
  applicationId?: number;
  from?: Status;
  to?: IssuerTarget;
}

/** A move already made: the application is in the target status, or delivered when the line says issued. */
function alreadyMade(target: IssuerTarget, current: Status): boolean {
  return current === target || (target === 'card_issued' && current === 'card_delivered');
}

/**
 * Every line checked against the applications (unknown references, impossible moves), in file order: a file may
 * carry "issued" then "delivered" for the same card. Lines with format errors stay refused.
 */
export async function checkStatusRows(db: Db, rows: StatusRow[]): Promise<CheckedStatusRow[]> {
  const apps = await applicationsByReference(
    db,
    rows.filter((r) => !r.errors.length).map((r) => r.reference),
  );
  const state = new Map<string, Status>();
  return [...rows]
    .sort((a, b) => a.line - b.line)
    .map((row): CheckedStatusRow => {
      if (row.errors.length) return { ...row, outcome: 'refused' };
      const app = apps.get(row.reference);
      const errors: RowError[] = [];
      if (!app) {
        errors.push({ column: 'reference', key: 'issuer-status:rowErrors.unknownReference' });
        return { ...row, errors, outcome: 'refused' };
      }
      const to = TARGET_OF[row.status as IssuerStatus];
      const current = state.get(row.reference) ?? app.status;
      if (alreadyMade(to, current)) return { ...row, outcome: 'already', applicationId: app.id, from: current, to };
      if (!(ISSUER_MOVES[to] as readonly Status[]).includes(current)) {
        errors.push({ column: 'status', key: 'issuer-status:rowErrors.impossibleMove', params: { from: current, to } });
        return { ...row, errors, outcome: 'refused', applicationId: app.id, from: current, to };
      }
      state.set(row.reference, to);
      return { ...row, outcome: 'apply', applicationId: app.id, from: current, to };
    });
}

export interface ImportCounts {
  rows: number;
  applied: number;
  already: number;
  refused: number;
  /** Lines whose application changed between the check and the apply (another import, an administrator): skipped. */
  changedMeanwhile: number;
}

export function countOutcomes(rows: CheckedStatusRow[]): ImportCounts {
  return {
    rows: rows.length,
    applied: rows.filter((r) => r.outcome === 'apply').length,
    already: rows.filter((r) => r.outcome === 'already').length,
    refused: rows.filter((r) => r.outcome === 'refused').length,
    changedMeanwhile: 0,
  };
}

interface ApplyOptions {
  now: Date;
  timeZone: string;
  deliveryDays: number;
  holidayCountry: HolidayCountry;
  actor: Actor;
  audit: AuditContext;
  /** Where the file came from, for the audit log: upload, cli, inbox. */
  source: 'upload' | 'cli' | 'inbox';
}

function employeeEmail(app: IssuerApplication, row: CheckedStatusRow, opts: ApplyOptions): EmailToQueue | undefined {
  const person = { reference: app.reference, firstName: app.firstName ?? '', lastName: app.lastName ?? '' };
  if (row.to === 'card_issued') {
    return {
      idempotencyKey: `card-issued:${app.id}`,
      template: 'card-issued',
      to: app.email,
      language: app.language,
      data: {
        ...person,
        expectedDelivery: formatDate(app.language, addBusinessDays(row.date, opts.deliveryDays, opts.holidayCountry), opts.timeZone),
        cardLast4: row.cardLast4,
      },
      applicationId: app.id,
    };
  }
  if (row.to === 'declined_by_issuer') {
    return {
      idempotencyKey: `card-declined:${app.id}`,
      template: 'card-declined',
      to: app.email,
      language: app.language,
      data: { ...person, reason: row.reason, companyName: app.companyName },
      applicationId: app.id,
    };
  }
  return undefined;
}

const CHUNK = 500;

/**
 * Applies the "apply" lines, in transactions of 500 lines; each application is moved by `transition` from the statuses
 * the move allows (a line whose application changed meanwhile is skipped, nothing written for it). One audit entry
 * with the counts (never the file's content).
 */
export async function applyStatusRows(db: Db, checked: CheckedStatusRow[], opts: ApplyOptions): Promise<ImportCounts> {
  const counts = countOutcomes(checked);
  const toApply = checked.filter((r) => r.outcome === 'apply');
  const apps = await applicationsByReference(
    db,
    toApply.map((r) => r.reference),
  );
  let applied = 0;
  for (let i = 0; i < toApply.length; i += CHUNK) {
    applied += await db.transaction(async (trx: Knex.Transaction) => {
      let n = 0;
      const emails: EmailToQueue[] = [];
      for (const row of toApply.slice(i, i + CHUNK)) {
        const app = apps.get(row.reference);
        const to = row.to as IssuerTarget;
        if (!app) continue;
        try {
          await transition(trx, {
            applicationId: app.id,
            from: [...ISSUER_MOVES[to]],
            to,
            actor: opts.actor,
            now: opts.now,
            ...(to === 'declined_by_issuer' ? { comment: row.reason, commentForEmployee: true } : {}),
            ...(row.cardLast4 ? { extra: { card_last4: row.cardLast4 } } : {}),
          });
        } catch (err) {
          if (!(err instanceof StaleStateError)) throw err;
          counts.changedMeanwhile++;
          continue;
        }
        const email = employeeEmail(app, row, opts);
        if (email) emails.push(email);
        n++;
      }
      await enqueueEmails(trx, emails, opts.now);
      return n;
    });
  }
  counts.applied = applied;
  await recordAudit(db, {
    ...opts.audit,
    at: opts.now,
    action: 'issuer_status.import',
    details: { source: opts.source, ...counts },
  });
  return counts;
}
