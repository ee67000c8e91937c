import type { Db } from '../../platform/db';
import type { Actor } from '../../core/administrators/repository';
import type { ApplicationListRow } from '../../core/application/repository';
import type { SearchQuery } from './schema';
import { applicationRows, searchApplicationIds } from './repository';

/** The results page lists at most this many (it says when there are more: the words should then be more precise). */
export const RESULTS_SHOWN = 50;

/** Any application of the actor's BCs, in any status, matching the search; `more` when there were more than shown. */
export async function searchApplications(db: Db, actor: Pick<Actor, 'accountIds'>, query: SearchQuery): Promise<{ rows: ApplicationListRow[]; more: boolean }> {
  const ids = await searchApplicationIds(db, actor.accountIds, query.terms, RESULTS_SHOWN + 1);
  return { rows: await applicationRows(db, ids.slice(0, RESULTS_SHOWN)), more: ids.length > RESULTS_SHOWN };
}
