import type { Db } from '../../platform/db';
import { tFor, type Language } from '../../platform/i18n';
import { recordAudit, type AuditContext } from '../../core/audit/audit';
import { generateAccessKeyNumber } from '../../lib/access-key-number';
import { NotFoundError } from '../../lib/errors';
import { labelledColumns, paginate, type ListQuery, type PageWindow } from '../../lib/list-query';
import { spreadsheetFile, type SpreadsheetFile, type SpreadsheetFormat } from '../../lib/spreadsheet-export';
import { CARD_PRODUCTS, LIABILITY_TYPES, PLASTIC_TYPES, STATEMENT_OPTIONS } from '../../core/accounts/options';
import { holdAccount } from '../../core/accounts/repository';
import type { Actor } from '../../core/administrators/repository';
import { holdKey } from '../../core/application/repository';
import {
  accountHasActiveKey,
  ACCESS_KEY_SORTS,
  accountIdOfKey,
  countKeys,
  findAccountForActor,
  findKeyForActor,
  insertKey,
  listAccountsForActor,
  listKeys,
  openApplicationsOfKey,
  softDeleteKey,
  uniqueViolation,
  updateKey,
  type AccessKeyListRow,
  type AccessKeySort,
  type AccessKeyWithAccount,
  type AccountSummary,
  type OpenApplication,
  type SortLabels,
} from './repository';
import type { AccessKeyInput, CreateAccessKeyInput } from './schema';
import { todayIn } from '../../lib/today';

/** Rules, BC scoping and transactions for access keys. Never sees req/res. */

/** A rule refused the form; the route shows these issues like validation errors (status 400). */
export class AccessKeyRuleError extends Error {
  constructor(readonly issues: Array<{ field: string; message: string }>) {
    super(`access key rule: ${issues.map((i) => i.message).join(', ')}`);
    this.name = 'AccessKeyRuleError';
  }
}

/** Deletion refused while the key has applications that are not finished. */
export class KeyHasOpenApplicationsError extends Error {
  constructor(readonly applications: OpenApplication[]) {
    super(`access key has open applications: ${applications.length}`);
    this.name = 'KeyHasOpenApplicationsError';
  }
}

/** Who acted and from where, for the audit log (from the route: auditRequestContext(req)). */

/** Without a request (scripts, tests of the service): the actor alone. */
const actorOnly = (actor: Actor): AuditContext => ({ actor: { type: 'admin', id: actor.id, email: actor.email } });

const ALREADY_HAS_KEY = 'access-keys:form.accountId.errors.alreadyHasKey';
const MAX_NUMBER_ATTEMPTS = 8;

export { todayIn };
export { ACCESS_KEY_SORTS } from './repository';

/** The key's creation day in the configured time zone (expiry is at most 20 years after it). */
export function creationDay(createdAt: string, timeZone: string): string {
  return todayIn(timeZone, new Date(createdAt));
}

/** Labels of the BC option codes in a language, so code columns sort by what the page shows. */
function sortLabels(lang: Language): SortLabels {
  const t = tFor(lang);
  const labels = (prefix: string, codes: readonly string[]) => Object.fromEntries(codes.map((c) => [c, t(`accounts:${prefix}.${c}`)]));
  return {
    cardProduct: labels('cardProducts', CARD_PRODUCTS),
    plasticType: labels('plasticTypes', PLASTIC_TYPES),
    liabilityType: labels('liabilityTypes', LIABILITY_TYPES),
    statementOption: labels('statementOptions', STATEMENT_OPTIONS),
  };
}

export async function listAccessKeys(
  db: Db,
  actor: Actor,
  query: ListQuery<AccessKeySort>,
  lang: Language,
): Promise<{ rows: AccessKeyListRow[]; total: number; window: PageWindow }> {
  const total = await countKeys(db, actor.accountIds, query.q);
  const window = paginate(query, total);
  const rows = total === 0 ? [] : await listKeys(db, actor.accountIds, query, sortLabels(lang), { offset: window.offset, limit: window.pageSize });
  return { rows, total, window };
}

/** The export's columns, in the list's order; headers and option labels in the page language. */
export const EXPORT_COLUMNS: ReadonlyArray<{ key: AccessKeySort; labelKey: string }> = labelledColumns('access-keys:list.columns', ACCESS_KEY_SORTS);

/** Every key matching the list's search, in the list's order (no paging), as xlsx or csv. */
export async function exportAccessKeys(
  db: Db,
  actor: Actor,
  query: ListQuery<AccessKeySort>,
  lang: Language,
  format: SpreadsheetFormat,
  today: string,
): Promise<SpreadsheetFile> {
  const t = tFor(lang);
  const rows = await listKeys(db, actor.accountIds, query, sortLabels(lang));
  const cells = rows.map((r) => [
    r.name,
    r.number,
    r.companyName,
    r.accountNumber,
    t(`accounts:cardProducts.${r.cardProduct}`, { defaultValue: r.cardProduct }),
    t(`accounts:plasticTypes.${r.plasticType}`, { defaultValue: r.plasticType }),
    t(`accounts:liabilityTypes.${r.liabilityType}`, { defaultValue: r.liabilityType }),
    t(`accounts:statementOptions.${r.statementOption}`, { defaultValue: r.statementOption }),
    r.expiresOn,
  ]);
  const headers = EXPORT_COLUMNS.map((c) => t(c.labelKey));
  return spreadsheetFile(format, `${t('access-keys:export.fileName')}-${today}`, headers, cells, t('access-keys:export.sheetName'));
}

/** The actor's BCs (with their active key, if any) that the create form offers. */
export async function accountsForActor(db: Db, actor: Actor): Promise<Array<AccountSummary & { activeKeyId: number | null }>> {
  return listAccountsForActor(db, actor.accountIds);
}

export async function getAccessKey(db: Db, actor: Actor, id: number): Promise<AccessKeyWithAccount> {
  const key = await findKeyForActor(db, actor.accountIds, id);
  if (!key) throw new NotFoundError('access key');
  return key;
}

export async function openApplicationsOf(db: Db, actor: Actor, key: AccessKeyWithAccount): Promise<OpenApplication[]> {
  return openApplicationsOfKey(db, actor.accountIds, key.id);
}

/** Rules that depend on the BC, enforced again here whatever the form did. */
function checkAgainstAccount(account: { plasticTypes: string[]; paymentType: string }, input: AccessKeyInput): void {
  const issues: Array<{ field: string; message: string }> = [];
  if (!account.plasticTypes.includes(input.plasticType)) issues.push({ field: 'plasticType', message: 'access-keys:form.plasticType.errors.notAllowed' });
  if (account.paymentType !== 'individual' && input.directDebitRule !== 'none') {
    issues.push({ field: 'directDebitRule', message: 'access-keys:form.directDebitRule.errors.centralPayment' });
  }
  if (issues.length) throw new AccessKeyRuleError(issues);
}

/**
 * Creates the key of one of the actor's BCs with a fresh number (a new one is drawn if the number is taken).
 * At most one active key per BC: checked first, and the partial unique index settles a race (same error).
 * The BC is held while its settings are checked, so a change of those settings at the same moment comes before or after.
 */
export async function createAccessKey(
  db: Db,
  actor: Actor,
  input: CreateAccessKeyInput,
  now: Date,
  generateNumber: () => string = generateAccessKeyNumber,
  audit: AuditContext = actorOnly(actor),
): Promise<{ id: number; number: string }> {
  if (!actor.accountIds.includes(input.accountId)) throw new NotFoundError('account');
  return db.transaction(async (trx) => {
    await holdAccount(trx, input.accountId);
    const account = await findAccountForActor(trx, actor.accountIds, input.accountId);
    if (!account) throw new NotFoundError('account');
    checkAgainstAccount(account, input);
    if (await accountHasActiveKey(trx, account.id)) throw new AccessKeyRuleError([{ field: 'accountId', message: ALREADY_HAS_KEY }]);
    for (let attempt = 1; attempt <= MAX_NUMBER_ATTEMPTS; attempt++) {
      const number = generateNumber();
      try {
        // A savepoint, so a unique violation leaves the outer transaction usable (PostgreSQL aborts it otherwise).
        const id = await trx.transaction((sp) => insertKey(sp, { ...input, number, accountId: account.id, createdBy: actor.id, now: now.toISOString() }));
        await recordAudit(trx, { ...audit, at: now, action: 'access_key.create', object: { type: 'access_key', id }, details: { accountId: account.id } });
        return { id, number };
      } catch (err) {
        const which = uniqueViolation(err);
        if (which === 'account') throw new AccessKeyRuleError([{ field: 'accountId', message: ALREADY_HAS_KEY }]);
        if (which !== 'number') throw err;
      }
    }
    throw new Error('could not draw an unused access key number');
  });
}

/**
 * Changes every setting but the number and the BC; applies to applications not yet submitted. The key, then its BC,
 * are held before the BC's rules are checked (always in that order, as initiations hold the key and then touch the BC),
 * so a change of the BC's settings at the same moment comes before or after, never in between.
 */
export async function updateAccessKey(
  db: Db,
  actor: Actor,
  id: number,
  input: AccessKeyInput,
  now: Date,
  audit: AuditContext = actorOnly(actor),
): Promise<void> {
  await db.transaction(async (trx) => {
    await holdKey(trx, id);
    const ownerId = await accountIdOfKey(trx, id);
    if (ownerId !== undefined) await holdAccount(trx, ownerId);
    const key = await findKeyForActor(trx, actor.accountIds, id);
    if (!key) throw new NotFoundError('access key');
    checkAgainstAccount(key.account, input);
    const updated = await updateKey(trx, actor.accountIds, id, input, now.toISOString());
    if (updated !== 1) throw new NotFoundError('access key');
    await recordAudit(trx, { ...audit, at: now, action: 'access_key.update', object: { type: 'access_key', id }, details: { accountId: key.account.id } });
  });
}

/**
 * Logical deletion, refused while the key has applications that are not finished. The key's row is held first, as
 * every creation of an application on it does: an application initiated at the same moment is either seen here (and
 * the deletion refused) or refused itself because the key is deleted.
 */
export async function deleteAccessKey(db: Db, actor: Actor, id: number, now: Date, audit: AuditContext = actorOnly(actor)): Promise<AccessKeyWithAccount> {
  return db.transaction(async (trx) => {
    await holdKey(trx, id);
    const key = await findKeyForActor(trx, actor.accountIds, id);
    if (!key) throw new NotFoundError('access key');
    const open = await openApplicationsOfKey(trx, actor.accountIds, id);
    if (open.length) throw new KeyHasOpenApplicationsError(open);
    const deleted = await softDeleteKey(trx, actor.accountIds, id, actor.id, now.toISOString());
    if (deleted !== 1) throw new NotFoundError('access key');
    await recordAudit(trx, { ...audit, at: now, action: 'access_key.delete', object: { type: 'access_key', id }, details: { accountId: key.account.id } });
    return key;
  });
}
