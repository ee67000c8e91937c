import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestContext, type TestContext } from '../support/app';
import { freshDatabase, countOf, type FreshDatabase } from '../support/database';
import { givenKey } from '../support/builders';
import { deliveredFolders, givenApproved, verifiedManifest } from '../support/transmission';
import { transmitApproved } from '../../src/core/transmission/transmission';
import type { Faults } from '../../src/platform/deps';

/**
 * Two instances of the app (two connection pools on one database, one issuer folder) transmitting at the same moment.
 * Runs on PostgreSQL with TEST_DATABASE_URL, where the two transactions really overlap. On SQLite the two instances
 * share one connection: better-sqlite3 waits for a lock synchronously, so two pools in one process would block each
 * other (separate processes wait for each other's lock, as the transmission lock intends).
 */
describe('two instances transmitting at the same moment', () => {
  let database: FreshDatabase;
  let one: TestContext;
  let two: Pick<TestContext, 'deps' | 'close'>;
  const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-issuer-'));
  const faultsOne: Faults = {};
  const faultsTwo: Faults = {};

  beforeAll(async () => {
    database = await freshDatabase();
    one = await createTestContext({ DATABASE_URL: database.url, TRANSMISSION_DIR: inbox }, { faults: faultsOne });
    two = database.isPostgres
      ? await createTestContext({ DATABASE_URL: database.url, TRANSMISSION_DIR: inbox }, { faults: faultsTwo })
      : { deps: { ...one.deps, faults: faultsTwo }, close: async () => undefined };
  });
  afterAll(async () => {
    await one.close();
    await two.close();
    await database.drop();
    fs.rmSync(inbox, { recursive: true, force: true });
  });

  it('puts each approved application in exactly one transmission, numbered once, delivered once', async () => {
    const key = await givenKey(one.deps.db);
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push((await givenApproved(one.deps.db, key)).id);
    // Each instance holds its transaction open a moment before committing, so the other's arrives meanwhile.
    let entered = 0;
    const hold = async () => {
      entered++;
      await new Promise((r) => setTimeout(r, 300));
    };
    faultsOne.beforeTransmissionCommit = hold;
    faultsTwo.beforeTransmissionCommit = hold;
    const now = new Date('2026-11-25T01:00:00Z');
    const audit = { actor: { type: 'system' as const } };
    const results = await Promise.all([transmitApproved(one.deps, { audit, now }), transmitApproved(two.deps, { audit, now })]);

    const created = results.map((r) => r.created).filter((c) => c !== null);
    expect(created).toEqual([{ id: expect.any(Number), number: 1, applicationCount: 25 }]);
    expect(entered).toBe(1);
    expect(await countOf(one.deps.db('transmission'))).toBe(1);
    expect(await countOf(one.deps.db('transmission_application'))).toBe(25);
    for (const id of ids) expect(await countOf(one.deps.db('transmission_application').where({ application_id: id }))).toBe(1);
    expect(await countOf(one.deps.db('application').whereIn('id', ids).where({ status: 'transmitted' }))).toBe(25);
    expect(await countOf(one.deps.db('application_status_history').whereIn('application_id', ids).where({ to_status: 'transmitted' }))).toBe(25);
    // Delivered once (whichever instance delivered it), complete.
    expect(results.flatMap((r) => r.deliveries).filter((d) => d.delivered)).toHaveLength(1);
    expect(deliveredFolders(inbox)).toEqual(['SESAME-000001']);
    expect(verifiedManifest(path.join(inbox, 'SESAME-000001')).applicationCount).toBe(25);
  });
});
