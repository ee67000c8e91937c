import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenKey, type GivenKey } from '../support/builders';
import { givenTransmitted, statusFile } from '../support/issuer-status';
import { outboxRows } from '../support/outbox';
import { createEmailRenderer } from '../../src/core/outbox/render';
import { issuerStatusJob } from '../../src/jobs/issuer-status';
import { JOBS } from '../../src/jobs/registry';
import { ROOT_DIR } from '../../src/platform/root';

const NOW = new Date('2026-11-24T09:00:00Z');

describe('issuer status file: the nightly inbox job, the command line and the e-mails', () => {
  let ctx: TestContext;
  let key: GivenKey;
  beforeEach(async () => {
    ctx = await createTestContext({}, { clock: new TestClock(NOW) });
    key = await givenKey(ctx.deps.db);
  });
  afterEach(() => ctx.close());

  const statusOf = async (id: number) => (await ctx.deps.db('application').where({ id }).first('status')).status as string;

  it('imports every file of the inbox nightly, moves it to done/, and a file dropped again changes and sends nothing', async () => {
    expect(JOBS).toContain(issuerStatusJob);
    expect(issuerStatusJob.schedule).toEqual({ kind: 'daily', at: '03:00' });
    const a = await givenTransmitted(ctx.deps.db, key, { language: 'en', firstName: 'Zoé', lastName: 'Martin' });
    const b = await givenTransmitted(ctx.deps.db, key, { language: 'fr' });
    const inbox = ctx.config.issuerStatus.inboxDir;
    expect(inbox).toBe(path.join(ctx.dataDir, 'issuer-inbox'));
    fs.mkdirSync(inbox, { recursive: true });
    const file = statusFile([`${a.reference};issued;2026-11-20;;4821`, `${b.reference};declined;2026-11-21;Pièce d’identité illisible;`]);
    fs.writeFileSync(path.join(inbox, 'status-20261124.csv'), file);
    fs.writeFileSync(path.join(inbox, 'broken.csv'), Buffer.from('reference,status,date,reason,card_last4\n'));

    const result = await issuerStatusJob.run(ctx.deps, NOW);
    expect(result).toMatchObject({ files: [{ name: 'broken.csv', refused: 'issuer-status:file.separator' }, { name: 'status-20261124.csv' }] });
    expect(await statusOf(a.id)).toBe('card_issued');
    expect(await statusOf(b.id)).toBe('declined_by_issuer');
    expect(fs.readdirSync(inbox).filter((n) => n.endsWith('.csv'))).toEqual([]);
    expect(fs.readdirSync(path.join(inbox, 'done'))).toEqual([expect.stringMatching(/status-20261124\.csv$/)]);
    expect(fs.readdirSync(path.join(inbox, 'rejected'))).toEqual([expect.stringMatching(/broken\.csv$/)]);

    // The issuer's e-mails, rendered in the employee's language: expected delivery = 20 Nov + 7 business days.
    const renderer = createEmailRenderer({ baseUrl: ctx.config.publicBaseUrl });
    const [issued] = (await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'card-issued');
    const en = renderer.render('card-issued', 'en', JSON.parse(issued!.data));
    expect(en.subject).toBe('Your corporate card has been issued');
    expect(en.text).toContain('expected delivery by 1 December 2026');
    expect(en.text).toContain('the card ending in 4821');
    const [declined] = (await outboxRows(ctx.deps.db, b.id)).filter((m) => m.template === 'card-declined');
    const fr = renderer.render('card-declined', 'fr', JSON.parse(declined!.data));
    expect(fr.subject).toBe('L’émetteur a refusé votre demande de carte Corporate');
    expect(fr.text).toContain('Pièce d’identité illisible');
    expect(fr.text).toContain('contactez le gestionnaire du programme de cartes de');

    // The same file again (the issuer resends it): nothing changes, nothing is sent twice.
    fs.writeFileSync(path.join(inbox, 'status-20261124.csv'), file);
    const history = await ctx.deps.db('application_status_history').count({ n: '*' });
    const outbox = await ctx.deps.db('outbox').count({ n: '*' });
    const again = (await issuerStatusJob.run(ctx.deps, new Date(NOW.getTime() + 86_400_000))) as {
      files: Array<{ counts: { already: number; applied: number } }>;
    };
    expect(again.files[0]?.counts).toMatchObject({ applied: 0, already: 2 });
    expect(await ctx.deps.db('application_status_history').count({ n: '*' })).toEqual(history);
    expect(await ctx.deps.db('outbox').count({ n: '*' })).toEqual(outbox);
  });

  it('renders the card issued e-mail in French too, without the card digits when the issuer gave none', async () => {
    const a = await givenTransmitted(ctx.deps.db, key, { language: 'fr' });
    fs.mkdirSync(ctx.config.issuerStatus.inboxDir, { recursive: true });
    fs.writeFileSync(path.join(ctx.config.issuerStatus.inboxDir, 's.csv'), statusFile([`${a.reference};issued;2026-11-20;;`]));
    await issuerStatusJob.run(ctx.deps, NOW);
    const [issued] = (await outboxRows(ctx.deps.db, a.id)).filter((m) => m.template === 'card-issued');
    const fr = createEmailRenderer({ baseUrl: ctx.config.publicBaseUrl }).render('card-issued', 'fr', JSON.parse(issued!.data));
    expect(fr.text).toContain('livraison prévue au plus tard le 1 décembre 2026');
    expect(fr.text).not.toContain('se terminant par');
  });
});

describe('npm run issuer:import -- FILE', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('applies the file, prints each refused line with its reason, and exits 1 when some were refused', async () => {
    if (process.env.TEST_DATABASE_URL) return; // the command opens DATA_DIR's SQLite database
    const key = await givenKey(ctx.deps.db);
    const a = await givenTransmitted(ctx.deps.db, key);
    const file = path.join(ctx.dataDir, 'status.csv');
    fs.writeFileSync(file, statusFile([`${a.reference};issued;2026-11-20;;`, `${a.reference};declined;2026-11-20;;`]));
    const run = promisify(execFile);
    const tsx = path.join(ROOT_DIR, 'node_modules/.bin/tsx');
    const env = { ...process.env, NODE_ENV: 'test', DATA_DIR: ctx.dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' };
    const out = await run(tsx, ['src/cli/issuer-import.ts', file], { cwd: ROOT_DIR, env }).catch((e: { code: number; stdout: string }) => e);
    expect((out as { code?: number }).code).toBe(1);
    expect(out.stdout).toContain('line 3 (reason): A declined application needs the issuer’s reason.');
    expect(out.stdout).toContain('2 lines: 1 applied, 0 already done, 1 refused.');
    expect((await ctx.deps.db('application').where({ id: a.id }).first('status')).status).toBe('card_issued');
    const bad = path.join(ctx.dataDir, 'bad.csv');
    fs.writeFileSync(bad, Buffer.from('reference;status;date;reason;card_last4\n4975300125;declined;2026-11-20;Refus é;\n', 'latin1'));
    const refused = await run(tsx, ['src/cli/issuer-import.ts', bad], { cwd: ROOT_DIR, env }).catch((e: { code: number; stderr: string }) => e);
    expect((refused as { code?: number }).code).toBe(2);
    expect((refused as { stderr: string }).stderr).toContain('File refused: The file is not encoded in UTF-8');
  });
});
