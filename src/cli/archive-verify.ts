import { runArchiveVerify } from '../core/archive/archive';
import { exitWith, withDatabase } from './command';

/** npm run archive:verify — re-hashes the write-once archive against its ledger; exit 1 on any difference, 2 on error. */
exitWith(
  withDatabase((config, db) => runArchiveVerify({ config, db }, (line) => console.log(line))),
  2,
);
