import fs from 'node:fs';
import path from 'node:path';
import { createTestContext, $, type TestContext } from '../support/app';
import { isSqlite } from '../../src/platform/db';
import { paths } from '../../src/platform/paths';
import { decryptPinForTests } from '../support/issuer';
import { DEV_SECRET_FILES } from '../../src/platform/secrets';
import { givenApplication, givenFormKey } from '../support/builders';
import { enter, submit, VALID_CARDHOLDER } from '../support/employee';

/** "7391" as a token of its own (not inside a longer number or a base64 run): how a clear PIN would appear. */
const CLEAR_PIN = /(^|[^0-9A-Za-z])7391([^0-9A-Za-z]|$)/;

function databaseBytes(dataDir: string): string {
  return ['sesame.sqlite', 'sesame.sqlite-wal']
    .map((f) => path.join(dataDir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

describe('PIN: stored only encrypted, never in the database file, the logs or a page in clear', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ LOG_LEVEL: 'debug' });
  });
  afterAll(() => ctx.close());

  it('PIN 7391 typed twice (after an error) leaves no clear trace anywhere', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key, { language: 'en' });
    const agent = await enter(ctx.app, key, app.reference, 'en');
    await submit(agent, paths.employee.form.cardholder, { action: 'continue', ...VALID_CARDHOLDER });

    // A mismatch first: the page comes back with empty fields.
    const wrong = await submit(agent, paths.employee.form.pin, { action: 'continue', pin: '7391', pinConfirmation: '7390' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).not.toMatch(CLEAR_PIN);

    const ok = await submit(agent, paths.employee.form.pin, { action: 'continue', pin: '7391', pinConfirmation: '7391' });
    expect(ok.status).toBe(303);
    const page = await agent.get(paths.employee.form.pin);
    expect($(page.text)('#pin-chosen').text()).toContain('PIN chosen');
    expect(page.text).not.toMatch(CLEAR_PIN);
    const review = await agent.get(paths.employee.review);
    expect(review.text).not.toMatch(CLEAR_PIN);

    // Stored encrypted to the issuer: only its private key (the demo key pair in DATA_DIR) opens it.
    const row = await db('application_pin').where({ application_id: app.id }).first();
    expect(row.encrypted).toMatch(/^v1\./);
    const privatePem = fs.readFileSync(path.join(ctx.dataDir, DEV_SECRET_FILES.issuerPrivateKey), 'utf8');
    expect(decryptPinForTests(row.encrypted, privatePem, app.id)).toBe('7391');

    // Nowhere in clear: not in form_data, the session, the outbox; not in the database file or its WAL; not in the logs.
    expect((await db('application').where({ id: app.id }).first()).form_data).not.toMatch(CLEAR_PIN);
    for (const s of await db('session').select('sess')) expect(s.sess).not.toMatch(CLEAR_PIN);
    if (isSqlite(db)) {
      // The database file's raw bytes (a PostgreSQL server keeps its files to itself).
      const bytes = databaseBytes(ctx.dataDir);
      expect(bytes.length).toBeGreaterThan(10000);
      expect(bytes).toContain(row.encrypted.slice(0, 40));
      expect(bytes).not.toMatch(CLEAR_PIN);
      expect(bytes).not.toContain('"7391"');
    }
    const logs = ctx.logs.join('');
    expect(logs).toContain('PIN stored, encrypted to the issuer');
    expect(logs).not.toMatch(CLEAR_PIN);
    expect(logs).not.toContain('pinConfirmation');
  });

  it('an urgent choice in self-service erases a PIN already chosen', async () => {
    const db = ctx.deps.db;
    const key = await givenFormKey(db);
    const app = await givenApplication(db, key, { origin: 'self_service', language: 'fr' });
    const agent = await enter(ctx.app, key, app.reference, 'fr');
    await submit(agent, paths.employee.form.priority, { action: 'continue', priority: 'normal' });
    await submit(agent, paths.employee.form.pin, { action: 'continue', pin: '5827', pinConfirmation: '5827' });
    expect((await db('application_pin').where({ application_id: app.id }).first()).encrypted).toBeTruthy();
    await submit(agent, paths.employee.form.priority, { action: 'continue', priority: 'urgent', urgentTermsAccepted: 'yes' });
    const row = await db('application_pin').where({ application_id: app.id }).first();
    expect(row.encrypted).toBeNull();
    expect(row.erased_at).toBeTruthy();
    expect((await agent.get(paths.employee.form.pin)).headers.location).toBe(paths.employee.application);
  });
});
