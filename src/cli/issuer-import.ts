import { counted } from '../lib/counted';
import fs from 'node:fs';
import { tFor } from '../platform/i18n';
import { StatusFileRefused } from '../core/issuer-status/file';
import { importStatusFile } from '../core/issuer-status/inbox';
import { errorLine } from '../core/issuer-status/report';
import { exitWith, withDatabase } from './command';

/**
 * npm run issuer:import -- FILE — imports the issuer's card status file (docs/issuer-status-file.md): the lines that
 * can be applied move their applications on (history, e-mails); each refused line is printed with its reason.
 * Exit 0 when every line was applied or already done, 1 when some lines were refused, 2 when the file was refused whole.
 */
const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run issuer:import -- FILE');
  process.exit(2);
}
const t = tFor('en');

exitWith(
  withDatabase(async (config, db) => {
    try {
      const { counts, rows } = await importStatusFile({ config, db }, fs.readFileSync(file), { now: new Date(), source: 'cli' });
      for (const row of rows.filter((r) => r.outcome === 'refused')) for (const e of row.errors) console.log(errorLine(t, row.line, e));
      console.log(
        `${counted(counts.rows, 'line', 'lines')}: ${counts.applied} applied, ${counts.already} already done, ${counts.refused} refused` +
          (counts.changedMeanwhile ? `, ${counts.changedMeanwhile} skipped (changed meanwhile)` : '') +
          '.',
      );
      return counts.refused ? 1 : 0;
    } catch (err) {
      if (!(err instanceof StatusFileRefused)) throw err;
      console.error(`File refused: ${t(err.key, err.params)}`);
      return 2;
    }
  }),
  2,
);
