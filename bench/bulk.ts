/**
 * Bulk send benchmark (npm run bench:bulk): a 3,000 × 19 workbook (and the same rows as CSV), timed
 *  - parsing alone (zip inspection + SheetJS in its worker; csv-parse),
 *  - the preview's row checks (formats, duplicates in the file and against open applications),
 *  - the validating transaction (batch + 3,000 applications + history + 6,000 outbox rows) on a temp SQLite file,
 *  - and the three HTTP requests an administrator makes: upload, preview page, validate.
 * Prints median and min over a few runs. Not a test: figures depend on the machine.
 */
import { summary as formatSummary, time } from './timing';
import { createTestContext, signInAs, getCsrf, csrfFrom } from '../test/support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../test/support/builders';
import { HEADERS_FR, csvOf, rows, xlsxOf } from '../test/support/spreadsheets';
import { parseUpload } from '../src/features/bulk/parse';
import { checkUpload, validateUpload, receiveUpload, keyForBulk, uploadFor } from '../src/features/bulk/service';
import { paths } from '../src/platform/paths';

const ROWS = 3000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const summary = (label: string, ms: number[]) => formatSummary(label, ms, { labelWidth: 58, decimals: 0 });

async function main(): Promise<void> {
  const data = rows(ROWS);
  const xlsx = xlsxOf([HEADERS_FR, ...data]);
  const csv = csvOf([HEADERS_FR, ...data]);
  console.log(
    `Bulk send, ${ROWS} rows × ${HEADERS_FR.length} columns: xlsx ${(xlsx.length / 1024).toFixed(0)} KB, csv ${(csv.length / 1024).toFixed(0)} KB; Node ${process.version}\n`,
  );

  const ctx = await createTestContext({ LOG_LEVEL: 'silent' });
  const { deps } = ctx;
  const results: Record<string, number[]> = {};
  const add = (label: string, ms: number) => (results[label] ??= []).push(ms);

  try {
    for (let run = 0; run < RUNS; run++) {
      // A fresh BC and key each run: every row is new (no duplicates against earlier runs).
      const account = await givenAccount(deps.db);
      const admin = await givenAdministrator(deps.db, {}, [account]);
      const keyRow = await givenAccessKey(deps.db, account, admin.id);
      const actor = { id: admin.id, accountIds: [account] };
      const key = await keyForBulk(deps, actor, keyRow.id);

      add('parse xlsx (zip checks + SheetJS worker)', (await time(() => parseUpload(xlsx)))[0]);
      add('parse csv (csv-parse)', (await time(() => parseUpload(csv)))[0]);

      const [uploadMs, uploadId] = await time(() => receiveUpload(deps, actor, key, { buffer: xlsx, name: 'bench.xlsx' }, new Date()));
      add('upload xlsx: parse + store for the preview', uploadMs);
      const { upload } = await uploadFor(deps, actor, uploadId);
      const [checkMs, checked] = await time(() => checkUpload(deps.db, upload, new Date(), deps.config.timeZone));
      if (checked.some((r) => !r.application)) throw new Error('the bench rows should all be valid');
      add('preview checks: 3,000 rows + duplicates query', checkMs);
      const [validateMs, result] = await time(() => validateUpload(deps, actor, uploadId, { rows: {}, urgentTermsAccepted: false }, new Date()));
      if (result.created !== ROWS) throw new Error(`created ${result.created}`);
      add('validate transaction: batch + 3,000 apps + 6,000 e-mails', validateMs);

      // Through HTTP, as the administrator does it.
      const account2 = await givenAccount(deps.db);
      const admin2 = await givenAdministrator(deps.db, {}, [account2]);
      const key2 = await givenAccessKey(deps.db, account2, admin2.id);
      const agent = await signInAs(ctx.app, deps, admin2.email, 'fr');
      const token = await getCsrf(agent, paths.admin.bulk.start(key2.id));
      const [postMs, up] = await time(async () => agent.post(paths.admin.bulk.start(key2.id)).field('_csrf', token).attach('file', xlsx, 'bench.xlsx'));
      if (up.status !== 303) throw new Error(`upload answered ${up.status}`);
      add('HTTP POST upload (xlsx) → 303', postMs);
      const [getMs, preview] = await time(async () => agent.get(up.headers.location as string));
      add('HTTP GET preview page (first 100 rows)', getMs);
      const [validateHttpMs, done] = await time(async () =>
        agent
          .post(up.headers.location as string)
          .type('form')
          .send({ _csrf: csrfFrom(preview.text), action: 'validate' }),
      );
      if (done.status !== 303) throw new Error(`validate answered ${done.status}`);
      add('HTTP POST validate → 303', validateHttpMs);
      add('HTTP total: upload + preview + validate', postMs + getMs + validateHttpMs);
    }
    for (const [label, ms] of Object.entries(results)) console.log(summary(label, ms));
    const apps = Number((await deps.db('application').count({ n: '*' }).first())?.n);
    const mails = Number((await deps.db('outbox').count({ n: '*' }).first())?.n);
    console.log(`\nCreated ${apps} applications and ${mails} queued e-mails in total (${RUNS} runs × 2 × ${ROWS}).`);
  } finally {
    await ctx.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
