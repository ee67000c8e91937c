import type { Db } from '../../db';

export type Role = 'admin' | 'platform';

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
}

interface AdministratorRow {
  id: number;
  email: string;
  display_name: string;
  role: Role;
  language: 'fr' | 'en';
  active: number | boolean;
}

export function toAdministrator(row: AdministratorRow): Administrator {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    language: row.language,
    active: Boolean(row.active),
  };
}

export async function findActiveAdministratorByEmail(db: Db, email: string): Promise<Administrator | undefined> {
  const row = await db<AdministratorRow>('administrator').where({ email: email.trim().toLowerCase(), active: true }).first();
  return row ? toAdministrator(row) : undefined;
}

export async function findActiveAdministratorById(db: Db, id: number): Promise<Administrator | undefined> {
  const row = await db<AdministratorRow>('administrator').where({ id, active: true }).first();
  return row ? toAdministrator(row) : undefined;
}

export async function listActiveAdministrators(db: Db): Promise<Administrator[]> {
  const rows = await db<AdministratorRow>('administrator').where({ active: true }).orderBy([{ column: 'role', order: 'desc' }, 'display_name']);
  return rows.map(toAdministrator);
}

export async function accountIdsOf(db: Db, administratorId: number): Promise<number[]> {
  const rows = await db('administrator_account').where({ administrator_id: administratorId }).select('account_id');
  return rows.map((r: { account_id: number }) => r.account_id);
}

/** Loads the actor with their BC memberships. A platform administrator manages every BC. */
export async function loadActor(db: Db, admin: Administrator): Promise<Actor> {
  const accountIds =
    admin.role === 'platform'
      ? (await db('account').select('id')).map((r: { id: number }) => r.id)
      : await accountIdsOf(db, admin.id);
  return { ...admin, accountIds, isPlatform: admin.role === 'platform' };
}
