import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';
import { createSecrets, DEV_SECRET_FILES, publicKeyId } from '../../src/platform/secrets';
import { readPkcs12 } from '../../src/lib/pkcs12';
import { TEST_SIGNING_CERT } from '../support/app';

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

  it('requires the issuer key, the data key, the code secret and the signing certificate in production, naming each', () => {
    expect(() => loadConfig({ ...PRODUCTION, DATA_DIR: dataDir })).toThrow(ConfigError);
    try {
      loadConfig({ ...PRODUCTION, DATA_DIR: dataDir });
    } catch (err) {
      expect((err as Error).message).toMatch(/PIN_ISSUER_PUBLIC_KEY: is required/);
      expect((err as Error).message).toMatch(/DATA_ENCRYPTION_KEY: is required/);
      expect((err as Error).message).toMatch(/OTP_SECRET: is required/);
      expect((err as Error).message).toMatch(/SIGNING_CERT_FILE: is required/);
    }
    const config = loadConfig({
      ...PRODUCTION,
      DATA_DIR: dataDir,
      PIN_ISSUER_PUBLIC_KEY: issuerPem,
      DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
      OTP_SECRET: 'o'.repeat(40),
      ...TEST_SIGNING_CERT,
    });
    const secrets = createSecrets(config, capture().logger);
    secrets.prepare();
    expect(secrets.pinIssuer().keyId).toBe(publicKeyId(issuerPublic));
    expect(secrets.pdfSigningKey().certificate.subject).toBe('CN=Sésame test signing certificate (not a secret)\nO=Sésame tests');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('opens the signing certificate once and keeps its key in memory', () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...TEST_SIGNING_CERT });
    const secrets = createSecrets(config, capture().logger);
    const read = jest.spyOn(fs, 'readFileSync');
    try {
      const key = secrets.pdfSigningKey();
      expect(secrets.pdfSigningKey()).toBe(key);
      expect(read.mock.calls.filter(([file]) => file === TEST_SIGNING_CERT.SIGNING_CERT_FILE)).toHaveLength(1);
    } finally {
      read.mockRestore();
    }
  });

  it.each([
    ['a wrong password', { SIGNING_CERT_PASSWORD: 'wrong' }, /SIGNING_CERT_FILE: .*signing-cert\.p12: cannot open the PKCS#12 file .*Invalid password\?/],
    ['no password', { SIGNING_CERT_PASSWORD: undefined }, /SIGNING_CERT_FILE: .*cannot open the PKCS#12 file/],
  ])('says which file cannot be opened, with %s', (_what, change, message) => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...TEST_SIGNING_CERT, ...change });
    expect(() => createSecrets(config, capture().logger).pdfSigningKey()).toThrow(ConfigError);
    expect(() => createSecrets(config, capture().logger).pdfSigningKey()).toThrow(message);
  });

  it('refuses a file that is not a PKCS#12 file, naming SIGNING_CERT_FILE', () => {
    const file = path.join(dataDir, 'cert.pem');
    fs.writeFileSync(file, issuerPem);
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, SIGNING_CERT_FILE: file, SIGNING_CERT_PASSWORD: 'x' });
    expect(() => createSecrets(config, capture().logger).pdfSigningKey()).toThrow(/SIGNING_CERT_FILE: .*cert\.pem: cannot open the PKCS#12 file/);
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
    expect(first.lines).toHaveLength(5);
    expect(first.lines.join('')).toMatch(/generated a demo issuer key pair.*PIN_ISSUER_PUBLIC_KEY/);
    expect(first.lines.join('')).toMatch(/generated a self-signed certificate that signs the PDFs.*SIGNING_CERT_FILE/);
    // The development certificate is a PKCS#12 file that opens with the password beside it, as SIGNING_CERT_FILE and
    // SIGNING_CERT_PASSWORD_FILE would name them.
    const password = fs.readFileSync(path.join(dataDir, DEV_SECRET_FILES.signingCertPassword), 'utf8');
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const devCert = readPkcs12(fs.readFileSync(path.join(dataDir, DEV_SECRET_FILES.signingCert)), password);
    expect(devCert.certificate.subject).toBe('CN=Sésame development document signing\nO=Sésame (development)');
    expect(devCert.certificate.fingerprint256).toBe(a.pdfSigningKey().certificate.fingerprint256);
    expect(first.lines.join('')).not.toContain(password);
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
    // The same certificate and key: generated once, reused.
    expect(b.pdfSigningKey().certificate.fingerprint256).toBe(a.pdfSigningKey().certificate.fingerprint256);
    expect(b.pdfSigningKey().privateKey.equals(a.pdfSigningKey().privateKey)).toBe(true);
  });
});
