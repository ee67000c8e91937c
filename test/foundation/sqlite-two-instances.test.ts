import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { csrfFrom, type Agent } from '../support/app';
import { countOf } from '../support/database';
import { startInstance, type Instance } from '../support/instances';
import { openDb, type Db } from '../../src/platform/db';
import { paths } from '../../src/platform/paths';

/**
 * Two instances on one SQLite data folder (README: they take turns for writes, each waiting for the other's, never
 * "database is locked"). Real processes started together on an empty folder, then 80 initiations through both at once.
 */
describe('two instances on one SQLite data folder', () => {
  jest.setTimeout(300000);
  let dataDir: string;
  let instances: Instance[] = [];
  let db: Db | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-two-'));
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await db?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(instance: Instance, administratorId: number): Promise<Agent> {
    const agent = request.agent(instance.url);
    const token = csrfFrom((await agent.get('/sign-in?lang=en')).text);
    const res = await agent.post('/sign-in').type('form').send({ _csrf: token, administratorId, returnTo: '/admin' });
    expect(res.status).toBe(303);
    return agent;
  }

  /** 0 → "a", 27 → "bb": a name made of letters only. */
  const letters = (n: number) => String.fromCharCode(97 + (n % 26)).repeat(1 + Math.floor(n / 26));

  async function initiate(agent: Agent, keyId: number, n: number): Promise<number> {
    const token = csrfFrom((await agent.get(paths.admin.applications.initiate(keyId))).text);
    const res = await agent
      .post(paths.admin.applications.initiate(keyId))
      .type('form')
      .send({
        _csrf: token,
        priority: 'normal',
        title: 'mrs',
        firstName: 'Anne',
        lastName: `Two ${letters(n)}`,
        email: `anne.two${n}@acme.example`,
        language: 'en',
      });
    return res.status;
  }

  it('both start together on an empty folder, and 80 initiations through both at once all succeed', async () => {
    const env = { DATA_DIR: dataDir, SEED_DEMO: 'true' };
    const started = await Promise.allSettled([startInstance(env), startInstance(env)]);
    instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(started.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message)] : []))).toEqual([]);

    db = openDb({ dataDir });
    const claire = await db('administrator').where({ email: 'claire.martin@acme.example' }).first('id');
    const key = await db('access_key').where({ created_by: claire.id, name: 'Direction financière' }).first('id');
    const agents = await Promise.all(instances.map((i) => signIn(i, claire.id)));

    const PER_INSTANCE = 40;
    const CONCURRENCY = 8;
    const statuses: number[] = [];
    await Promise.all(
      agents.flatMap((agent, a) =>
        Array.from({ length: CONCURRENCY }, async (_, lane) => {
          for (let i = lane; i < PER_INSTANCE; i += CONCURRENCY) statuses.push(await initiate(agent, key.id, a * PER_INSTANCE + i));
        }),
      ),
    );

    expect(statuses.filter((s) => s !== 303)).toEqual([]);
    expect(await countOf(db('application').where('email', 'like', 'anne.two%'))).toBe(2 * PER_INSTANCE);
    for (const instance of instances) expect(instance.output()).not.toMatch(/database is locked|SQLITE_BUSY/);
  });
});
