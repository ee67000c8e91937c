import type { Knex } from 'knex';
import * as m001 from './20261124_001_foundation';

/**
 * The migrations, listed explicitly so the same list runs from TypeScript (tests, tsx) and from the compiled build.
 * Add a new migration file and one line here; never edit a migration that has shipped.
 */
const MIGRATIONS: Record<string, Knex.Migration> = {
  '20261124_001_foundation': m001,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name] as Knex.Migration,
};
