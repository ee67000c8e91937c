/**
 * SQL lives in repositories (docs/architecture.md): a page feature's routes and service, the scheduled jobs and the
 * application core reach the database only through a repository (a file named repository.ts or <name>-repository.ts).
 * No `db('table')`, `trx('table')`, `.raw(` or `insertRow(` anywhere else in those folders.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');

/** Files that are repositories although not named so, or that need the connection itself. */
const EXCEPTIONS = new Set([
  'jobs/coordinator.ts', // the job_run table's repository (the jobs' lease and runs)
  'features/health/routes.ts', // the readiness probe's `select 1`
]);

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const SQL = /\b(?:db|trx|knex|deps\.db)\(\s*['`]|\.raw\(|\binsertRow\(/;

const CHECKED = ['features', 'jobs', 'core'];

describe('SQL only in repositories', () => {
  it('features, jobs and the core query tables only through repositories', () => {
    const offending = CHECKED.flatMap((dir) => files(path.join(SRC, dir)))
      .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
      .filter((f) => !/(^|\/|-)repository\.ts$/.test(f) && !EXCEPTIONS.has(f))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(SRC, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (SQL.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offending).toEqual([]);
  });
});
