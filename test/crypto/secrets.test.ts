import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';
import { createSecrets, DEV_SECRET_FILES, publicKeyId } from '../../src/platform/secrets';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  return { lines, logger };
}

const { publicKey: issuerPublic } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const issuerPem = issuerPublic.export({ type: 'spki', format: 'pem' }).toString();
const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_MODE: 'header',
  AUTH_PROXY_SECRET: 'proxy-secret-proxy-secret',
  SESSION_SECRET: 's'.repeat(40),
  SMTP_URL: 'smtp://mail.example:25',
};

describe('configuration of the keys', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-secrets-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('requires the issuer key, the data key and the code secret in production, naming each', () => {
    expect(() => loadConfig({ ...PRODUCTION, DATA_DIR: dataDir })).toThrow(ConfigError);
    try {
      loadConfig({ ...PRODUCTION, DATA_DIR: dataDir });
    } catch (err) {
      expect((err as Error).message).toMatch(/PIN_ISSUER_PUBLIC_KEY: is required/);
      expect((err as Error).message).toMatch(/DATA_ENCRYPTION_KEY: is required/);
      expect((err as Error).message).toMatch(/OTP_SECRET: is required/);
    }
    const config = loadConfig({
      ...PRODUCTION,
      DATA_DIR: dataDir,
      PIN_ISSUER_PUBLIC_KEY: issuerPem,
      DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
      OTP_SECRET: 'o'.repeat(40),
    });
    const secrets = createSecrets(config, capture().logger);
    expect(secrets.pinIssuer().keyId).toBe(publicKeyId(issuerPublic));
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it.each([
    ['a private key', crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /public key/],
    ['a short RSA key', crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), /2048/],
    ['an EC key', crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), /RSA/],
    ['garbage', 'not a key', /PEM/],
  ])('refuses %s as the issuer key', (_what, pem, message) => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PIN_ISSUER_PUBLIC_KEY: pem })).toThrow(message);
  });

  it('refuses a data key that is not 32 bytes of base64', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: crypto.randomBytes(16).toString('base64') })).toThrow(
      /DATA_ENCRYPTION_KEY/,
    );
  });

  it('reads the issuer key from PIN_ISSUER_PUBLIC_KEY_FILE, and accepts a one-line PEM with \\n', () => {
    const file = path.join(dataDir, 'issuer.pem');
    fs.writeFileSync(file, issuerPem);
    expect(createSecrets(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PIN_ISSUER_PUBLIC_KEY_FILE: file }), capture().logger).pinIssuer().keyId).toBe(
      publicKeyId(issuerPublic),
    );
    const oneLine = issuerPem.trim().replace(/\n/g, '\\n');
    expect(createSecrets(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PIN_ISSUER_PUBLIC_KEY: oneLine }), capture().logger).pinIssuer().keyId).toBe(
      publicKeyId(issuerPublic),
    );
  });

  it('outside production generates each key once into DATA_DIR (mode 600), says so once, and reuses it', () => {
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const first = capture();
    const a = createSecrets(config, first.logger);
    a.prepare();
    expect(fs.readdirSync(dataDir).sort()).toEqual(Object.values(DEV_SECRET_FILES).sort());
    for (const name of Object.values(DEV_SECRET_FILES)) {
      expect(fs.statSync(path.join(dataDir, name)).mode & 0o777).toBe(0o600);
    }
    expect(first.lines).toHaveLength(3);
    expect(first.lines.join('')).toMatch(/generated a demo issuer key pair.*PIN_ISSUER_PUBLIC_KEY/);
    // The generated values never appear in the log lines.
    const dataKey = fs.readFileSync(path.join(dataDir, DEV_SECRET_FILES.dataKey), 'utf8');
    expect(first.lines.join('')).not.toContain(dataKey.trim());

    const second = capture();
    const b = createSecrets(config, second.logger);
    b.prepare();
    expect(second.lines).toEqual([]);
    expect(b.pinIssuer().keyId).toBe(a.pinIssuer().keyId);
    expect(b.dataKeyring().currentId).toBe(a.dataKeyring().currentId);
    expect(b.otpSecret().equals(a.otpSecret())).toBe(true);
  });
});
