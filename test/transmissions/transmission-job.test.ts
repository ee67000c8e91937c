import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../src/platform/config';
import { ROOT_DIR } from '../../src/platform/root';
import { JOBS } from '../../src/jobs/registry';
import { scheduleOf } from '../../src/jobs/job';
import { cronExpression } from '../../src/jobs/schedule';
import { createScheduler } from '../../src/jobs/scheduler';
import { transmissionDeliveryJob, transmissionJob } from '../../src/jobs/transmission';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { givenKey } from '../support/builders';
import { countOf, freshDatabase } from '../support/database';
import { deliveredFolders, givenApproved, verifiedManifest } from '../support/transmission';

describe('the nightly transmission job', () => {
  it('is registered, with the delivery retries', () => {
    expect(JOBS).toEqual(expect.arrayContaining([transmissionJob, transmissionDeliveryJob]));
    expect(transmissionDeliveryJob.schedule).toEqual({ kind: 'interval', minutes: 15 });
  });

  it('runs at 02:00 in TIME_ZONE by default, or at the time TRANSMISSION_CRON says', () => {
    const byDefault = loadConfig({ NODE_ENV: 'test' });
    expect(byDefault.transmission.cron).toBe('0 2 * * *');
    expect(scheduleOf(transmissionJob, byDefault)).toEqual({ kind: 'daily', at: '02:00' });
    const configured = loadConfig({ NODE_ENV: 'test', TRANSMISSION_CRON: '30 3 * * *' });
    expect(scheduleOf(transmissionJob, configured)).toEqual({ kind: 'daily', at: '03:30' });
    expect(cronExpression(scheduleOf(transmissionJob, configured))).toBe('30 3 * * *');
  });

  it.each(['*/5 * * * *', '0 2 * * 1', '0 25 * * *', 'every night'])('refuses TRANSMISSION_CRON=%s, naming the variable', (cron) => {
    expect(() => loadConfig({ NODE_ENV: 'test', TRANSMISSION_CRON: cron })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', TRANSMISSION_CRON: cron })).toThrow(/TRANSMISSION_CRON/);
  });

  it('requires a key file with an SFTP URL, refuses a password in it, and a host fingerprint in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', TRANSMISSION_SFTP_URL: 'sftp://issuer@sftp.example/inbox' })).toThrow(/TRANSMISSION_SFTP_KEY_FILE/);
    expect(() => loadConfig({ NODE_ENV: 'test', TRANSMISSION_SFTP_URL: 'sftp://issuer:secret@sftp.example/inbox', TRANSMISSION_SFTP_KEY_FILE: '/k' })).toThrow(
      /must not contain a password/,
    );
    const ok = loadConfig({ NODE_ENV: 'test', TRANSMISSION_SFTP_URL: 'sftp://issuer@sftp.example:2222/inbox', TRANSMISSION_SFTP_KEY_FILE: '/k' });
    expect(ok.transmission.sftp).toEqual({ url: 'sftp://issuer@sftp.example:2222/inbox', keyFile: '/k', hostFingerprint: undefined });
  });

  describe('catching up after downtime, once', () => {
    let ctx: TestContext;
    // 06:00 in Paris on 25 November: the 02:00 run was missed while the service was down.
    const clock = new TestClock(new Date('2026-11-25T05:00:00Z'));
    beforeAll(async () => {
      ctx = await createTestContext({}, { clock });
    });
    afterAll(() => ctx.close());

    it('transmits the approved applications at start, and not again at a second start the same night', async () => {
      const key = await givenKey(ctx.deps.db);
      await givenApproved(ctx.deps.db, key);
      await givenApproved(ctx.deps.db, key);
      const first = createScheduler(ctx.deps, [transmissionJob], { cron: false });
      first.start();
      await first.idle();
      await first.stop();
      expect(await ctx.deps.db('job_run').where({ job: 'issuer-transmission' }).select('slot')).toEqual([{ slot: '2026-11-25' }]);
      const row = await ctx.deps.db('transmission').first();
      expect(row).toMatchObject({ number: 1, application_count: 2, created_by_type: 'system', delivery_state: 'delivered' });
      expect(deliveredFolders(ctx.config.transmission.dir)).toEqual(['SESAME-000001']);

      // Approved after the night's run: it waits for the next night (the slot is done).
      await givenApproved(ctx.deps.db, key);
      clock.current = new Date('2026-11-25T09:00:00Z');
      const second = createScheduler(ctx.deps, [transmissionJob], { cron: false });
      second.start();
      await second.idle();
      await second.stop();
      expect(await countOf(ctx.deps.db('transmission'))).toBe(1);

      clock.current = new Date('2026-11-26T01:05:00Z'); // 02:05 in Paris
      const third = createScheduler(ctx.deps, [transmissionJob], { cron: false });
      third.start();
      await third.idle();
      await third.stop();
      expect(await ctx.deps.db('transmission').orderBy('number').select('number', 'application_count')).toEqual([
        { number: 1, application_count: 2 },
        { number: 2, application_count: 1 },
      ]);
      expect(await countOf(ctx.deps.db('audit_log').where({ action: 'transmission.create', actor_type: 'system' }))).toBe(2);
    });
  });
});

describe('npm run issuer:transmit', () => {
  it('transmits the approved applications into TRANSMISSION_DIR, says what it did, and finds nothing the second time', async () => {
    const database = await freshDatabase();
    const db = database.open();
    try {
      const key = await givenKey(db);
      await givenApproved(db, key);
      const inbox = path.join(database.dataDir, 'issuer');
      const run = () =>
        spawnSync(process.execPath, [path.join(ROOT_DIR, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT_DIR, 'src/cli/issuer-transmit.ts')], {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'test',
            DATA_DIR: database.dataDir,
            DATABASE_URL: database.url,
            TRANSMISSION_DIR: inbox,
            LOG_LEVEL: 'silent',
          },
          encoding: 'utf8',
        });
      const first = run();
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('Transmission 1 (SESAME-000001): 1 application.');
      expect(first.stdout).toContain('Delivered SESAME-000001 (written).');
      expect(verifiedManifest(path.join(inbox, 'SESAME-000001')).applicationCount).toBe(1);
      const second = run();
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('No approved application to transmit.');
      expect(deliveredFolders(inbox)).toEqual(['SESAME-000001']);
    } finally {
      await db.destroy();
      await database.drop();
    }
  }, 60000);
});
