import type { Db } from '../../platform/db';
import { findActiveAdministratorById, listActiveAdministrators, type Administrator } from '../../core/administrators/repository';

/** The active administrators the dev sign-in page offers. */
export async function signInChoices(db: Db): Promise<Administrator[]> {
  return listActiveAdministrators(db);
}

/** The active administrator with this id, or undefined (unknown or deactivated). */
export async function activeAdministrator(db: Db, id: number): Promise<Administrator | undefined> {
  return findActiveAdministratorById(db, id);
}
