import fs from 'node:fs';
import path from 'node:path';
import { seedDemo } from '../../src/seed/demo';
import { STATUSES } from '../../src/core/application/status';
import { transmitApproved } from '../../src/core/transmission/transmission';
import { demoDoneSlots } from '../../src/jobs/transmission';
import { createScheduler } from '../../src/jobs/scheduler';
import { transmissionJob } from '../../src/jobs/transmission';
import { createTestContext, TestClock, type TestContext } from '../support/app';
import { countOf } from '../support/database';
import { decryptPinForTests } from '../support/issuer';
import { verifiedManifest } from '../support/transmission';
import { DEV_SECRET_FILES } from '../../src/platform/secrets';

describe('the demo seed (issue 13 part 6)', () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-11-25T10:00:00Z'));
  beforeAll(async () => {
    ctx = await createTestContext({}, { clock });
    const now = clock.now();
    await seedDemo(ctx.deps.db, now, { pinIssuer: () => ctx.deps.secrets.pinIssuer(), doneJobSlots: demoDoneSlots(ctx.config, now) });
  });
  afterAll(() => ctx.close());

  it('has applications in every status, three approved with a PIN on file', async () => {
    const statuses = (await ctx.deps.db('application').distinct('status')).map((r: { status: string }) => r.status).sort();
    expect(statuses).toEqual([...STATUSES].sort());
    const approved = await ctx.deps.db('application').where({ status: 'approved' }).select('id');
    expect(approved).toHaveLength(3);
    expect(
      await countOf(
        ctx.deps
          .db('application_pin')
          .whereIn(
            'application_id',
            approved.map((a: { id: number }) => a.id),
          )
          .whereNotNull('encrypted'),
      ),
    ).toBe(2);
  });

  it('keeps the approved applications waiting on the first start (the night is marked done), for "Transmit now"', async () => {
    const scheduler = createScheduler(ctx.deps, [transmissionJob], { cron: false });
    scheduler.start();
    await scheduler.idle();
    await scheduler.stop();
    expect(await countOf(ctx.deps.db('transmission'))).toBe(0);
    expect(await countOf(ctx.deps.db('application').where({ status: 'approved' }))).toBe(3);
  });

  it('transmits them: the manifest matches the files, the PINs go as stored and decrypt only with the issuer’s key', async () => {
    const pinsBefore = await ctx.deps.db('application_pin').whereNotNull('encrypted').select('application_id', 'encrypted');
    const { created } = await transmitApproved(ctx.deps, { audit: { actor: { type: 'system' } }, now: clock.now() });
    expect(created).toMatchObject({ number: 1, applicationCount: 3 });
    const folder = path.join(ctx.config.transmission.dir, 'SESAME-000001');
    const manifest = verifiedManifest(folder);
    expect(manifest.files.map((f) => [f.name, f.rows])).toEqual([
      ['applications.csv', 3],
      ['applications.jsonl', 3],
      ['pins.jsonl', 2],
    ]);
    const pins = fs
      .readFileSync(path.join(folder, 'pins.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const privateKey = fs.readFileSync(path.join(ctx.dataDir, DEV_SECRET_FILES.issuerPrivateKey), 'utf8');
    for (const p of pins) {
      const app = await ctx.deps.db('application').where({ reference: p.reference }).first();
      const stored = pinsBefore.find((r: { application_id: number }) => r.application_id === app.id);
      expect(p.encryptedPin).toBe(stored.encrypted);
      expect(decryptPinForTests(p.encryptedPin, privateKey, app.id)).toMatch(/^\d{4}$/);
    }
    const csv = fs.readFileSync(path.join(folder, 'applications.csv'), 'utf8');
    for (const line of csv.split('\r\n').slice(1, 4)) {
      for (const name of line.split(';').slice(12, 15)) expect(name).toMatch(/^[A-Z0-9 '-]*$/);
    }
  });
});
