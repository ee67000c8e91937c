import { isUniqueViolation, type Db } from '../../platform/db';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { administratorCreateSchema, type AdministratorCreateInput, type AdministratorUpdateInput } from './schema';
import { listAccountChoices } from '../../core/accounts/repository';
import {
  accountIdsOf,
  findAdministratorByEmail,
  findAdministratorById,
  holdAdministrators,
  insertAdministrator,
  listAdministrators,
  setAdministratorAccounts,
  setAdministratorActive,
  updateAdministratorFields,
  type Administrator,
  type AdministratorWithAccounts,
} from '../../core/administrators/repository';
import { existingAccountIds } from './repository';

/** A rule the input broke, as a translation key on one field. */
export interface RuleIssue {
  field: string;
  key: string;
  params?: Record<string, string | number>;
}

export type SaveResult = { ok: true; id: number } | { ok: false; issues: RuleIssue[] };

/** Every administrator with the BCs each one manages, for the list page. */
export async function listAllAdministrators(db: Db): Promise<AdministratorWithAccounts[]> {
  return listAdministrators(db);
}

/** One administrator, or undefined when there is none with this id. */
export async function getAdministrator(db: Db, id: number): Promise<Administrator | undefined> {
  return findAdministratorById(db, id);
}

/** The ids of the BCs an administrator manages, for the edit form. */
export async function managedAccountIds(db: Db, administratorId: number): Promise<number[]> {
  return accountIdsOf(db, administratorId);
}

/** Every BC the form offers to assign. */
export async function accountChoices(db: Db): Promise<Array<{ id: number; number: string; companyName: string }>> {
  return listAccountChoices(db);
}

/** What deactivation needs from the session store: ending every session of one user. */
interface SessionRevoker {
  destroyForUser(userKey: string): Promise<number>;
}

const sessionUserKey = (administratorId: number) => `admin:${administratorId}`;

/** Who acted and from where, for the audit log (from the route: auditRequestContext(req)). */

/** The command line that adds the first platform administrator acts as the system. */
const SYSTEM: AuditContext = { actor: { type: 'system' } };

const emailTaken: RuleIssue = { field: 'email', key: 'administrators:form.email.errors.taken' };

/** Only existing BCs can be assigned; an id that is not one is a form error, never silently dropped. */
async function checkAccountIds(db: Db, ids: number[]): Promise<RuleIssue[]> {
  if (!ids.length) return [];
  const found = await existingAccountIds(db, ids);
  return found.length === ids.length ? [] : [{ field: 'accountIds', key: 'administrators:form.accountIds.errors.unknown' }];
}

export async function createAdministrator(db: Db, input: AdministratorCreateInput, now: Date, audit: AuditContext): Promise<SaveResult> {
  try {
    return await db.transaction(async (trx) => {
      const issues: RuleIssue[] = [];
      if (await findAdministratorByEmail(trx, input.email)) issues.push(emailTaken);
      issues.push(...(await checkAccountIds(trx, input.accountIds)));
      if (issues.length) return { ok: false, issues } as const;
      const id = await insertAdministrator(trx, input, now);
      await setAdministratorAccounts(trx, id, input.accountIds);
      await recordAudit(trx, {
        ...audit,
        at: now,
        action: 'administrator.create',
        object: { type: 'administrator', id },
        details: { role: input.role, accountIds: input.accountIds },
      });
      return { ok: true, id } as const;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { ok: false, issues: [emailTaken] };
    throw err;
  }
}

/**
 * The actor and the administrator they act on, held for the rest of the transaction; refused (403) when the actor is
 * no longer an active platform administrator. Their rights were read when the request began: another platform
 * administrator may have taken them away since, e.g. by deactivating them at the same moment as they deactivate that
 * one, which would leave no platform administrator at all.
 */
async function holdActorAndTarget(trx: Db, actorId: number, id: number): Promise<Administrator | undefined> {
  const held = await holdAdministrators(trx, [actorId, id]);
  const actor = held.find((a) => a.id === actorId);
  if (!actor?.active || actor.role !== 'platform') throw new ForbiddenError();
  return held.find((a) => a.id === id);
}

/** Name, role, language and BCs. A platform administrator cannot take their own platform role away. */
export async function updateAdministrator(
  db: Db,
  actorId: number,
  id: number,
  input: AdministratorUpdateInput,
  now: Date,
  audit: AuditContext,
): Promise<SaveResult> {
  return db.transaction(async (trx) => {
    const existing = await holdActorAndTarget(trx, actorId, id);
    if (!existing) throw new NotFoundError('administrator');
    const issues: RuleIssue[] = [];
    if (id === actorId && existing.role === 'platform' && input.role !== 'platform')
      issues.push({ field: 'role', key: 'administrators:form.role.errors.self' });
    issues.push(...(await checkAccountIds(trx, input.accountIds)));
    if (issues.length) return { ok: false, issues } as const;
    await updateAdministratorFields(trx, id, input, now);
    await setAdministratorAccounts(trx, id, input.accountIds);
    await recordAudit(trx, {
      ...audit,
      at: now,
      action: 'administrator.update',
      object: { type: 'administrator', id },
      details: { role: input.role, accountIds: input.accountIds },
    });
    return { ok: true, id } as const;
  });
}

/**
 * Deactivates an administrator and ends their sessions at once (their identity is also refused on every later
 * request, since the actor is reloaded each time). Nobody can deactivate themselves, so one platform administrator
 * always remains. Returns false when they were already inactive.
 */
export async function deactivateAdministrator(
  db: Db,
  sessions: SessionRevoker,
  actorId: number,
  id: number,
  now: Date,
  audit: AuditContext,
): Promise<{ administrator: Administrator; changed: boolean }> {
  if (id === actorId) throw new ConflictError('administrators:deactivate.errors.self');
  const administrator = await findAdministratorById(db, id);
  if (!administrator) throw new NotFoundError('administrator');
  const changed = await db.transaction(async (trx) => {
    await holdActorAndTarget(trx, actorId, id);
    const done = (await setAdministratorActive(trx, id, false, now)) > 0;
    if (done) await recordAudit(trx, { ...audit, at: now, action: 'administrator.deactivate', object: { type: 'administrator', id } });
    return done;
  });
  await sessions.destroyForUser(sessionUserKey(id));
  return { administrator, changed };
}

export async function reactivateAdministrator(db: Db, id: number, now: Date, audit: AuditContext): Promise<{ administrator: Administrator; changed: boolean }> {
  const administrator = await findAdministratorById(db, id);
  if (!administrator) throw new NotFoundError('administrator');
  const changed = await db.transaction(async (trx) => {
    const done = (await setAdministratorActive(trx, id, true, now)) > 0;
    if (done) await recordAudit(trx, { ...audit, at: now, action: 'administrator.reactivate', object: { type: 'administrator', id } });
    return done;
  });
  return { administrator, changed };
}

type AddPlatformAdministratorResult =
  | { ok: true; id: number; email: string }
  | { ok: false; reason: 'exists'; email: string }
  | { ok: false; reason: 'invalid'; issues: Array<{ option: string; key: string }> };

/**
 * The first platform administrator of a new installation (command `npm run add-platform-admin`). Refuses an e-mail
 * that already belongs to an administrator, active or not, rather than changing their role behind anyone's back.
 */
export async function addPlatformAdministrator(
  db: Db,
  raw: { email?: string; name?: string; language?: string },
  now: Date,
): Promise<AddPlatformAdministratorResult> {
  const parsed = administratorCreateSchema.safeParse({
    email: (raw.email ?? '').trim(),
    displayName: (raw.name ?? '').normalize('NFC').trim(),
    role: 'platform',
    language: raw.language ?? 'fr',
    accountIds: [],
  });
  if (!parsed.success) {
    const option = (field: string) => (field === 'displayName' ? 'name' : field);
    return { ok: false, reason: 'invalid', issues: parsed.error.issues.map((i) => ({ option: option(String(i.path[0])), key: i.message })) };
  }
  const result = await createAdministrator(db, parsed.data, now, SYSTEM);
  if (!result.ok) return { ok: false, reason: 'exists', email: parsed.data.email };
  return { ok: true, id: result.id, email: parsed.data.email };
}
