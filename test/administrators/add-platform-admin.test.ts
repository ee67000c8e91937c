import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { migrateLatest, openDb, type Db } from '../../src/platform/db';
import { addPlatformAdministrator } from '../../src/features/administrators/service';
import { ROOT_DIR } from '../../src/platform/root';
import { givenAdministrator } from '../support/builders';

const run = promisify(execFile);
const now = new Date('2026-11-24T09:00:00Z');

describe('adding a platform administrator (first installation)', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-admin-'));
    db = openDb({ dataDir: dir });
    await migrateLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds an active platform administrator with a lower-case e-mail and no BC', async () => {
    const result = await addPlatformAdministrator(db, { email: ' First.Admin@Company.example ', name: ' Première Admin ', language: 'en' }, now);
    expect(result).toEqual({ ok: true, id: expect.any(Number), email: 'first.admin@company.example' });
    const row = await db('administrator').where({ email: 'first.admin@company.example' }).first();
    expect(row).toMatchObject({ display_name: 'Première Admin', role: 'platform', language: 'en', created_at: now.toISOString() });
    expect(Boolean(row.active)).toBe(true);
    expect(await db('administrator_account').where({ administrator_id: row.id })).toEqual([]);
  });

  it('refuses an e-mail that is already an administrator, in any case and even deactivated, changing nothing', async () => {
    await givenAdministrator(db, { email: 'old.admin@company.example', role: 'admin', active: false });
    const before = await db('administrator').orderBy('id');
    expect(await addPlatformAdministrator(db, { email: 'OLD.admin@company.example', name: 'Old' }, now)).toEqual({
      ok: false,
      reason: 'exists',
      email: 'old.admin@company.example',
    });
    expect(await addPlatformAdministrator(db, { email: 'first.admin@company.example', name: 'Again' }, now)).toMatchObject({ ok: false, reason: 'exists' });
    expect(await db('administrator').orderBy('id')).toEqual(before);
  });

  it('refuses a bad e-mail, a missing name or an unknown language', async () => {
    const result = await addPlatformAdministrator(db, { email: 'nope', name: '', language: 'de' }, now);
    expect(result).toEqual({
      ok: false,
      reason: 'invalid',
      issues: [
        { option: 'name', key: 'administrators:form.displayName.errors.required' },
        { option: 'email', key: 'administrators:form.email.errors.format' },
        { option: 'language', key: 'administrators:form.language.errors.required' },
      ],
    });
  });

  it('works as a command on a new installation: migrates, adds, and refuses a second time', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-cli-'));
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const cli = path.join(ROOT_DIR, 'src', 'cli', 'add-platform-admin.ts');
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'development', DATA_DIR: fresh, LOG_LEVEL: 'silent' };
    try {
      const first = await run(tsx, [cli, '--email', 'Boss@Company.example', '--name', 'Big Boss'], { env, cwd: ROOT_DIR });
      expect(first.stdout).toContain('Platform administrator boss@company.example added');
      const check = openDb({ dataDir: fresh });
      try {
        expect(await check('administrator').select('email', 'role', 'language')).toEqual([{ email: 'boss@company.example', role: 'platform', language: 'fr' }]);
      } finally {
        await check.destroy();
      }
      const again = await run(tsx, [cli, '--email', 'boss@company.example', '--name', 'Big Boss'], { env, cwd: ROOT_DIR }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('boss@company.example is already an administrator');
      const usage = await run(tsx, [cli, '--email', 'x@company.example'], { env, cwd: ROOT_DIR }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('Usage: npm run add-platform-admin');
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });
});
