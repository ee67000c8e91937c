/**
 * The outbox's SQL lives in its repository files (docs/architecture.md: no SQL outside repository files): enqueue,
 * the dispatcher, rendering and the template overrides' callers reach the database only through them.
 */
import fs from 'node:fs';
import path from 'node:path';

const OUTBOX = path.resolve(__dirname, '../../src/core/outbox');
const SQL = /\b(?:db|trx|knex|deps\.db)\(\s*['`]|\.raw\(/;

describe('outbox SQL only in repository files', () => {
  it('src/core/outbox has no query outside repository.ts and *-repository.ts', () => {
    const offending = fs
      .readdirSync(OUTBOX)
      .filter((f) => f.endsWith('.ts') && !/(^|-)repository\.ts$/.test(f))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(OUTBOX, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (SQL.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offending).toEqual([]);
  });
});
