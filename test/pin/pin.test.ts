import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encryptPin, isTrivialPin, validatePin } from '../../src/core/application/pin';
import { erasePin, hasPin } from '../../src/core/application/pin-repository';
import { savePin } from '../../src/core/application/pin-storage';
import { publicKeyId, DEV_SECRET_FILES } from '../../src/platform/secrets';
import { createTestContext, type TestContext } from '../support/app';
import { checkpointSqlite, countOf } from '../support/database';
import { decryptPinForTests, storedPin } from '../support/issuer';
import { isSqlite } from '../../src/platform/db';
import { givenApplicationRow } from '../support/builders';

const E = 'pin:errors';

describe('validatePin', () => {
  it.each(['0000', '1111', '9999', '1234', '2345', '6789', '7890', '8901', '0123', '4321', '3210', '9876', '1098', '1212', '4747', '2580', '1004', '2000'])(
    'refuses the trivial PIN %s',
    (pin) => {
      expect(isTrivialPin(pin)).toBe(true);
      expect(validatePin(pin, pin)).toEqual({ ok: false, field: 'pin', key: `${E}.trivial` });
    },
  );

  it.each(['7391', '2468', '1357', '8052', '3141', '0429', '1123'])('accepts %s', (pin) => {
    expect(validatePin(pin, pin)).toEqual({ ok: true });
  });

  it.each([
    ['', '', 'pin', `${E}.required`],
    [undefined, undefined, 'pin', `${E}.required`],
    ['739', '739', 'pin', `${E}.format`],
    ['73911', '73911', 'pin', `${E}.format`],
    ['73a1', '73a1', 'pin', `${E}.format`],
    ['٧٣٩١', '٧٣٩١', 'pin', `${E}.format`], // Arabic-Indic digits are not the keypad's
    ['7391', '', 'pinConfirmation', `${E}.confirmationRequired`],
    ['7391', '7392', 'pinConfirmation', `${E}.mismatch`],
    [['7391'], '7391', 'pin', `${E}.required`],
  ])('refuses %j / %j on %s', (pin, confirmation, field, key) => {
    expect(validatePin(pin, confirmation)).toEqual({ ok: false, field, key });
  });

  it.each(['1985', '2703', '0327'])('refuses %s for someone born on 27 March 1985', (pin) => {
    expect(validatePin(pin, pin, { birthDate: '1985-03-27' })).toEqual({ ok: false, field: 'pin', key: `${E}.birthDate` });
    expect(validatePin(pin, pin)).toEqual({ ok: true });
  });
});

describe('PIN encryption to the issuer', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = { publicKey, keyId: publicKeyId(publicKey) };
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('produces v1.<keyId>.<wrappedKey>.<iv>.<tag>.<ct> that only the private key opens', () => {
    const value = encryptPin(issuer, '7391', 42);
    const parts = value.split('.');
    expect(parts).toHaveLength(6);
    expect(parts[0]).toBe('v1');
    expect(parts[1]).toBe(issuer.keyId);
    expect(Buffer.from(parts[2] as string, 'base64url')).toHaveLength(256); // RSA-2048 wrapped key
    expect(Buffer.from(parts[3] as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[4] as string, 'base64url')).toHaveLength(16);
    expect(value).not.toContain('7391');
    expect(decryptPinForTests(value, privatePem, 42)).toBe('7391');
  });

  it('uses a fresh data key each time', () => {
    const a = encryptPin(issuer, '7391', 42).split('.');
    const b = encryptPin(issuer, '7391', 42).split('.');
    expect(a[2]).not.toBe(b[2]);
    expect(a[5]).not.toBe(b[5]);
  });

  it('cannot be moved to another application (AAD) nor altered', () => {
    const value = encryptPin(issuer, '7391', 42);
    expect(() => decryptPinForTests(value, privatePem, 43)).toThrow();
    const parts = value.split('.');
    const ct = Buffer.from(parts[5] as string, 'base64url');
    ct[0] = (ct[0] as number) ^ 1;
    parts[5] = ct.toString('base64url');
    expect(() => decryptPinForTests(parts.join('.'), privatePem, 42)).toThrow();
  });

  it('cannot be opened with another private key', () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => decryptPinForTests(encryptPin(issuer, '7391', 42), other, 42)).toThrow();
  });
});

describe('savePin (stored encrypted, never in clear)', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(() => ctx.close());

  const PIN = '7391';

  it('stores the PIN so that neither the database file nor the logs contain it in clear, and the issuer can decrypt it', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const now = ctx.deps.clock.now();
    const result = await ctx.deps.db.transaction((trx) =>
      savePin(ctx.deps, trx, { applicationId: id, pin: PIN, confirmation: PIN, birthDate: '1985-03-27', now }),
    );
    expect(result).toEqual({ ok: true });
    expect(await hasPin(ctx.deps.db, id)).toBe(true);

    if (isSqlite(ctx.deps.db)) {
      // Force everything to the database file (WAL checkpoint), then read the raw bytes of every database file.
      await checkpointSqlite(ctx.deps.db);
      const dbFiles = fs.readdirSync(ctx.dataDir).filter((f) => f.startsWith('sesame.sqlite'));
      expect(dbFiles).toContain('sesame.sqlite');
      for (const f of dbFiles) {
        const bytes = fs.readFileSync(path.join(ctx.dataDir, f));
        expect(bytes.includes(Buffer.from(PIN))).toBe(false);
        expect(bytes.includes(Buffer.from(PIN, 'utf16le'))).toBe(false);
      }
    }
    const logs = ctx.logs.join('');
    expect(logs).toMatch(/PIN stored, encrypted to the issuer/);
    expect(logs).not.toContain(PIN);

    // The dev issuer key (DATA_DIR) decrypts what was stored: the issuer's side of the exchange.
    const stored = await storedPin(ctx.deps.db, id);
    const privatePem = fs.readFileSync(path.join(ctx.dataDir, DEV_SECRET_FILES.issuerPrivateKey), 'utf8');
    expect(stored?.keyId).toBe(ctx.deps.secrets.pinIssuer().keyId);
    expect(decryptPinForTests(stored?.encrypted as string, privatePem, id)).toBe(PIN);
  });

  it('refuses an invalid PIN without storing anything or logging it', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const result = await ctx.deps.db.transaction((trx) =>
      savePin(ctx.deps, trx, { applicationId: id, pin: '1985', confirmation: '1985', birthDate: '1985-03-27', now: ctx.deps.clock.now() }),
    );
    expect(result).toEqual({ ok: false, field: 'pin', key: `${E}.birthDate` });
    expect(await hasPin(ctx.deps.db, id)).toBe(false);
    expect(ctx.logs.join('')).not.toContain('1985');
  });

  it('replaces a changed PIN and erases it once transmitted', async () => {
    const { id } = await givenApplicationRow(ctx.deps.db);
    const now = ctx.deps.clock.now();
    await ctx.deps.db.transaction((trx) => savePin(ctx.deps, trx, { applicationId: id, pin: PIN, confirmation: PIN, now }));
    await ctx.deps.db.transaction((trx) => savePin(ctx.deps, trx, { applicationId: id, pin: '2468', confirmation: '2468', now }));
    const privatePem = fs.readFileSync(path.join(ctx.dataDir, DEV_SECRET_FILES.issuerPrivateKey), 'utf8');
    expect(decryptPinForTests((await storedPin(ctx.deps.db, id))?.encrypted as string, privatePem, id)).toBe('2468');
    expect(await countOf(ctx.deps.db('application_pin').where({ application_id: id }))).toBe(1);

    expect(await erasePin(ctx.deps.db, id, now)).toBe(true);
    expect(await hasPin(ctx.deps.db, id)).toBe(false);
    expect(await storedPin(ctx.deps.db, id)).toBeUndefined();
    expect(await ctx.deps.db('application_pin').where({ application_id: id }).first()).toMatchObject({ encrypted: null, erased_at: now.toISOString() });
    expect(await erasePin(ctx.deps.db, id, now)).toBe(false);
  });
});
