import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, type TestContext } from '../support/app';
import { givenKey, type GivenKey } from '../support/builders';
import { countOf } from '../support/database';
import { startSftpServer, type TestSftpServer } from '../support/sftp-server';
import { deliveredFolders, givenApproved, verifiedManifest } from '../support/transmission';
import { deliverPending, retryDelayMs, transmitApproved } from '../../src/core/transmission/transmission';
import type { Faults } from '../../src/platform/deps';

const SYSTEM = { actor: { type: 'system' as const } };

/** Delivery to the issuer's SFTP server: a real ssh2 server on loopback, key authentication, host key checked. */
describe('delivery to the issuer over SFTP', () => {
  let sftp: TestSftpServer;
  let ctx: TestContext;
  let key: GivenKey;
  const faults: Faults = {};
  const t0 = new Date('2026-11-25T01:00:00Z');
  const minutes = (n: number) => new Date(t0.getTime() + n * 60000);

  beforeAll(async () => {
    sftp = await startSftpServer();
    ctx = await createTestContext(sftp.env(), { faults });
    key = await givenKey(ctx.deps.db);
  });
  afterAll(async () => {
    await ctx.close();
    await sftp.close();
  });
  afterEach(() => {
    sftp.failWrites = false;
    delete faults.afterTransmissionWritten;
    delete faults.beforeTransmissionCommit;
  });

  const pinsOnFile = (ids: number[]) => countOf(ctx.deps.db('application_pin').whereIn('application_id', ids).whereNotNull('encrypted'));
  const transmissionsOf = (id: number) => countOf(ctx.deps.db('transmission_application').where({ application_id: id }));

  it('a delivery that fails is retried with backoff, shown as pending, and succeeds later with the same transmission', async () => {
    const a = await givenApproved(ctx.deps.db, key);
    const b = await givenApproved(ctx.deps.db, key);
    sftp.failWrites = true;

    const first = await transmitApproved(ctx.deps, { audit: SYSTEM, now: t0 });
    expect(first.created).toMatchObject({ number: 1, applicationCount: 2 });
    expect(first.deliveries).toEqual([{ number: 1, delivered: false, error: expect.stringContaining('writes refused') }]);
    let row = await ctx.deps.db('transmission').where({ number: 1 }).first();
    expect(row).toMatchObject({ delivery_state: 'pending', delivery_attempts: 1, next_delivery_at: minutes(5).toISOString() });
    expect(deliveredFolders(sftp.inbox)).toEqual([]);
    // Recorded and transmitted, but the PINs stay until the issuer has them.
    expect((await ctx.deps.db('application').whereIn('id', [a.id, b.id]).select('status')).map((r) => r.status)).toEqual(['transmitted', 'transmitted']);
    expect(await pinsOnFile([a.id, b.id])).toBe(2);

    // Not due yet: nothing is attempted; a second run transmits nothing new.
    expect(await deliverPending(ctx.deps, minutes(4))).toEqual([]);
    const again = await transmitApproved(ctx.deps, { audit: SYSTEM, now: minutes(4) });
    expect(again).toEqual({ created: null, deliveries: [] });

    // Still failing at the first retry: the wait doubles.
    expect((await deliverPending(ctx.deps, minutes(5)))[0]).toMatchObject({ number: 1, delivered: false });
    row = await ctx.deps.db('transmission').where({ number: 1 }).first();
    expect(row).toMatchObject({ delivery_attempts: 2, next_delivery_at: new Date(minutes(5).getTime() + retryDelayMs(2)).toISOString() });
    expect(retryDelayMs(2)).toBe(10 * 60000);

    // The issuer's server is fixed: the same transmission is delivered, complete; the PINs are erased.
    sftp.failWrites = false;
    expect(await deliverPending(ctx.deps, minutes(16))).toEqual([{ number: 1, delivered: true, outcome: 'written' }]);
    expect(deliveredFolders(sftp.inbox)).toEqual(['SESAME-000001']);
    expect(verifiedManifest(path.join(sftp.inbox, 'SESAME-000001'))).toMatchObject({ number: 1, applicationCount: 2 });
    expect(await ctx.deps.db('transmission').where({ number: 1 }).first()).toMatchObject({
      delivery_state: 'delivered',
      delivered_at: minutes(16).toISOString(),
    });
    expect(await pinsOnFile([a.id, b.id])).toBe(0);
    expect(await transmissionsOf(a.id)).toBe(1);
    expect(await countOf(ctx.deps.db('transmission'))).toBe(1);
  });

  it('a crash between writing the files and recording the delivery: the next run confirms the same transmission, each application transmitted once', async () => {
    const c = await givenApproved(ctx.deps.db, key);
    faults.afterTransmissionWritten = async () => {
      throw new Error('process killed (test)');
    };
    const first = await transmitApproved(ctx.deps, { audit: SYSTEM, now: minutes(60) });
    expect(first.created).toMatchObject({ number: 2, applicationCount: 1 });
    expect(first.deliveries[0]).toMatchObject({ number: 2, delivered: false });
    // The files are at the issuer, complete, but Sésame has not recorded it: the PIN is still on file.
    expect(deliveredFolders(sftp.inbox)).toEqual(['SESAME-000001', 'SESAME-000002']);
    expect(await pinsOnFile([c.id])).toBe(1);
    const manifestBefore = fs.readFileSync(path.join(sftp.inbox, 'SESAME-000002', 'manifest.json'));

    delete faults.afterTransmissionWritten;
    const next = await transmitApproved(ctx.deps, { audit: SYSTEM, now: minutes(70) });
    expect(next).toEqual({ created: null, deliveries: [{ number: 2, delivered: true, outcome: 'already-there' }] });
    expect(fs.readFileSync(path.join(sftp.inbox, 'SESAME-000002', 'manifest.json')).equals(manifestBefore)).toBe(true);
    expect(deliveredFolders(sftp.inbox)).toEqual(['SESAME-000001', 'SESAME-000002']);
    expect(await transmissionsOf(c.id)).toBe(1);
    expect(await pinsOnFile([c.id])).toBe(0);
  });

  it('a crash before the transmission is recorded: nothing is written or changed, the next run transmits the applications once', async () => {
    const d = await givenApproved(ctx.deps.db, key);
    faults.beforeTransmissionCommit = async () => {
      throw new Error('process killed (test)');
    };
    await expect(transmitApproved(ctx.deps, { audit: SYSTEM, now: minutes(120) })).rejects.toThrow('process killed');
    expect((await ctx.deps.db('application').where({ id: d.id }).first()).status).toBe('approved');
    expect(await countOf(ctx.deps.db('transmission').where({ number: 3 }))).toBe(0);
    expect(deliveredFolders(sftp.inbox)).toEqual(['SESAME-000001', 'SESAME-000002']);

    delete faults.beforeTransmissionCommit;
    const next = await transmitApproved(ctx.deps, { audit: SYSTEM, now: minutes(130) });
    expect(next.created).toMatchObject({ number: 3, applicationCount: 1 });
    expect(deliveredFolders(sftp.inbox)).toEqual(['SESAME-000001', 'SESAME-000002', 'SESAME-000003']);
    expect(await transmissionsOf(d.id)).toBe(1);
  });

  it('refuses a server whose host key is not the configured one (nothing delivered, retried later)', async () => {
    const wrong = await createTestContext({ ...sftp.env(), TRANSMISSION_SFTP_HOST_FINGERPRINT: `SHA256:${'A'.repeat(43)}` });
    try {
      const k = await givenKey(wrong.deps.db);
      await givenApproved(wrong.deps.db, k);
      const result = await transmitApproved(wrong.deps, { audit: SYSTEM, now: t0 });
      expect(result.deliveries[0]).toMatchObject({ delivered: false });
      expect(deliveredFolders(sftp.inbox)).toEqual(['SESAME-000001', 'SESAME-000002', 'SESAME-000003']);
    } finally {
      await wrong.close();
    }
  });
});
