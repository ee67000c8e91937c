import type { Actor } from '../../core/administrators/repository';
import { absenceDatesError, hasAbsenceEnded } from '../../core/administrators/absence';
import { deleteAbsence, findAbsence, possibleDelegates, saveAbsence, type AbsenceRow } from '../../core/administrators/absence-repository';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import type { Db } from '../../platform/db';
import type { AbsenceInput } from './schema';

export interface AbsencePage {
  /** The absence set (current or to come); an ended one is not shown. */
  absence: AbsenceRow | null;
  delegates: Array<{ id: number; displayName: string; email: string }>;
}

export async function absencePage(db: Db, actor: Pick<Actor, 'id'>, now: Date, timeZone: string): Promise<AbsencePage> {
  const absence = await findAbsence(db, actor.id);
  return { absence: absence && !hasAbsenceEnded(absence, now, timeZone) ? absence : null, delegates: await possibleDelegates(db, actor.id) };
}

export type SetAbsenceResult = { ok: true } | { ok: false; field: 'startsOn' | 'endsOn' | 'delegateId'; message: string };

/**
 * Sets the actor's absence (replacing any earlier one: one at a time). The dates: not in the past, the end not before
 * the start, at most a year ahead; the delegate: an active administrator who shares at least one of the actor's BCs.
 */
export async function setAbsence(
  db: Db,
  actor: Pick<Actor, 'id'>,
  input: AbsenceInput,
  ctx: { now: Date; timeZone: string; audit: AuditContext },
): Promise<SetAbsenceResult> {
  const dates = absenceDatesError(input, ctx.now, ctx.timeZone);
  if (dates) return { ok: false, ...dates };
  return db.transaction(async (trx): Promise<SetAbsenceResult> => {
    const delegates = await possibleDelegates(trx, actor.id);
    if (!delegates.some((d) => d.id === input.delegateId)) return { ok: false, field: 'delegateId', message: 'absence:errors.delegateOutsideAccounts' };
    await saveAbsence(trx, { administratorId: actor.id, delegateId: input.delegateId, startsOn: input.startsOn, endsOn: input.endsOn, now: ctx.now });
    await recordAudit(trx, {
      ...ctx.audit,
      at: ctx.now,
      action: 'administrator.absence_set',
      object: { type: 'administrator', id: actor.id },
      details: { delegateId: input.delegateId, startsOn: input.startsOn, endsOn: input.endsOn },
    });
    return { ok: true };
  });
}

export async function cancelAbsence(db: Db, actor: Pick<Actor, 'id'>, ctx: { now: Date; audit: AuditContext }): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (!(await deleteAbsence(trx, actor.id))) return false;
    await recordAudit(trx, { ...ctx.audit, at: ctx.now, action: 'administrator.absence_cancel', object: { type: 'administrator', id: actor.id } });
    return true;
  });
}
