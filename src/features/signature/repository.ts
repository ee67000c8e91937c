import type { Knex } from 'knex';

/** The archive paths (relative to the data directory) recorded for the application's archived files. */
export async function archivedPaths(db: Knex, applicationId: number): Promise<string[]> {
  return (await db('archive_entry').where({ application_id: applicationId }).select('path')).map((r) => r.path as string);
}
