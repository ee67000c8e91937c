import { isSqlite, lockingRead, type Db } from '../../platform/db';
import { bool, int, rowMapper, text } from '../../lib/rows';

type Role = 'admin' | 'platform';

export interface Administrator {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  language: 'fr' | 'en';
  active: boolean;
}

/** An administrator as seen by a request: identity plus the BCs they manage, reloaded on every request. */
export interface Actor extends Administrator {
  accountIds: number[];
  isPlatform: boolean;
  /** The BCs among accountIds handled for an absent administrator (core/administrators/absence.ts), if any. */
  delegations?: Array<{ accountId: number; absentId: number; absentName: string }>;
}

const ADMINISTRATOR = rowMapper<Administrator>({
  id: int,
  email: text,
  displayName: text,
  role: text,
  language: text,
  active: bool,
});
const toAdministrator = ADMINISTRATOR.map;

export async function findActiveAdministratorById(db: Db, id: number): Promise<Administrator | undefined> {
  const row = await db('administrator').where({ id, active: true }).first();
  return row ? toAdministrator(row) : undefined;
}

export async function listActiveAdministrators(db: Db): Promise<Administrator[]> {
  const rows = await db('administrator')
    .where({ active: true })
    .orderBy([{ column: 'role', order: 'desc' }, 'display_name']);
  return rows.map(toAdministrator);
}

export async function accountIdsOf(db: Db, administratorId: number): Promise<number[]> {
  const rows = await db('administrator_account').where({ administrator_id: administratorId }).select('account_id');
  return rows.map((r: { account_id: number }) => r.account_id);
}

/** Loads the actor with their BC memberships. A platform administrator manages every BC. */
export async function loadActor(db: Db, admin: Administrator): Promise<Actor> {
  const accountIds = admin.role === 'platform' ? (await db('account').select('id')).map((r: { id: number }) => r.id) : await accountIdsOf(db, admin.id);
  return { ...admin, accountIds, isPlatform: admin.role === 'platform' };
}

/**
 * The actor of a request in one query: the active administrator with this e-mail (or id) and their BC memberships
 * (as one comma-separated list: one row, not one per BC), reloaded from the database on every request (SECURITY.md).
 * A platform administrator manages every BC.
 */
export async function findActiveActor(db: Db, by: { email: string } | { id: number }): Promise<Actor | undefined> {
  const list = isSqlite(db) ? 'group_concat(aa.account_id)' : "string_agg(aa.account_id::text, ',')";
  const row: (Record<string, unknown> & { account_ids: string | null }) | undefined = await db('administrator as ad')
    .where('email' in by ? { 'ad.email': by.email.trim().toLowerCase() } : { 'ad.id': by.id })
    .where('ad.active', true)
    .first(
      ...ADMINISTRATOR.columns.map((c) => `ad.${c}`),
      db.raw(`(select ${list} from administrator_account as aa where aa.administrator_id = ad.id) as account_ids`),
    );
  if (!row) return undefined;
  const admin = toAdministrator(row);
  if (admin.role === 'platform') return loadActor(db, admin);
  const accountIds = row.account_ids
    ? row.account_ids
        .split(',')
        .map(Number)
        .sort((a, b) => a - b)
    : [];
  return { ...admin, accountIds, isPlatform: false };
}

// ---- Platform administration (every administrator, active or not) ------------------------------------------------

interface ManagedAccount {
  id: number;
  number: string;
  companyName: string;
}

export interface AdministratorWithAccounts extends Administrator {
  accounts: ManagedAccount[];
}

/**
 * Holds these administrators' rows until the transaction ends and returns them as they are then. The rows are taken
 * in id order, so two platform administrators acting on each other take them in the same order (neither can wait
 * for the other forever); the second waits for the first to commit, then reads what it changed.
 */
export async function holdAdministrators(trx: Db, ids: number[]): Promise<Administrator[]> {
  const rows = await lockingRead(trx('administrator').whereIn('id', ids).orderBy('id').select('*'));
  return rows.map(toAdministrator);
}

export async function findAdministratorById(db: Db, id: number): Promise<Administrator | undefined> {
  const row = await db('administrator').where({ id }).first();
  return row ? toAdministrator(row) : undefined;
}

/** Case-insensitive: e-mails are stored lower-case, and older rows are compared lower-cased too. */
export async function findAdministratorByEmail(db: Db, email: string): Promise<Administrator | undefined> {
  const row = await db('administrator').whereRaw('lower(email) = ?', [email.trim().toLowerCase()]).first();
  return row ? toAdministrator(row) : undefined;
}

/** Every administrator with the BCs assigned to them: active first, then by name. */
export async function listAdministrators(db: Db): Promise<AdministratorWithAccounts[]> {
  const rows = await db('administrator').orderBy([{ column: 'active', order: 'desc' }, 'display_name', 'email']);
  const links = await db('administrator_account as aa')
    .join('account as a', 'a.id', 'aa.account_id')
    .orderBy('a.number')
    .select('aa.administrator_id', 'a.id', 'a.number', 'a.company_name');
  const byAdmin = new Map<number, ManagedAccount[]>();
  for (const l of links as Array<{ administrator_id: number; id: number; number: string; company_name: string }>) {
    const list = byAdmin.get(l.administrator_id) ?? [];
    list.push({ id: l.id, number: l.number, companyName: l.company_name });
    byAdmin.set(l.administrator_id, list);
  }
  return rows.map((r) => ({ ...toAdministrator(r), accounts: byAdmin.get(r.id) ?? [] }));
}

interface AdministratorFields {
  displayName: string;
  role: Role;
  language: 'fr' | 'en';
}

export async function insertAdministrator(db: Db, input: AdministratorFields & { email: string }, now: Date): Promise<number> {
  const ts = now.toISOString();
  const [row] = await db('administrator')
    .insert({
      email: input.email.trim().toLowerCase(),
      display_name: input.displayName,
      role: input.role,
      language: input.language,
      active: true,
      created_at: ts,
      updated_at: ts,
    })
    .returning('id');
  return typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number);
}

export async function updateAdministratorFields(db: Db, id: number, input: AdministratorFields, now: Date): Promise<number> {
  return db('administrator')
    .where({ id })
    .update({ display_name: input.displayName, role: input.role, language: input.language, updated_at: now.toISOString() });
}

/** Replaces the BCs an administrator manages. */
export async function setAdministratorAccounts(db: Db, administratorId: number, accountIds: number[]): Promise<void> {
  await db('administrator_account').where({ administrator_id: administratorId }).delete();
  if (accountIds.length) await db('administrator_account').insert(accountIds.map((account_id) => ({ administrator_id: administratorId, account_id })));
}

/** Conditional: changes only a row not already in that state; returns the number of rows changed. */
export async function setAdministratorActive(db: Db, id: number, active: boolean, now: Date): Promise<number> {
  return db('administrator').where({ id, active: !active }).update({ active, updated_at: now.toISOString() });
}
