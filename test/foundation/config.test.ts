import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../../src/platform/config';
import { ROOT_DIR } from '../../src/platform/root';
import { TEST_SIGNING_CERT } from '../support/app';

const run = promisify(execFile);

/** A complete production configuration; each test breaks one thing. */
const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const production: Record<string, string> = {
  NODE_ENV: 'production',
  AUTH_MODE: 'header',
  AUTH_PROXY_SECRET: 'proxy-secret-0123456789',
  SESSION_SECRET: 's'.repeat(40),
  SMTP_URL: 'smtp://mail.internal:25',
  PIN_ISSUER_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  OTP_SECRET: 'o'.repeat(40),
  ...TEST_SIGNING_CERT,
  DATA_DIR: path.join(os.tmpdir(), 'sesame-config-test'),
};

/** The variables a ConfigError names, one per line "  - NAME: message". */
function namedVariables(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as Error).message.matchAll(/^ {2}- ([A-Z_]+):/gm)].map((m) => m[1] as string);
  }
  return [];
}

describe('configuration', () => {
  it('accepts a complete production configuration with header authentication', () => {
    const config = loadConfig(production);
    expect(config.isProduction).toBe(true);
    expect(config.auth).toEqual({
      mode: 'header',
      header: 'x-forwarded-email',
      proxySecretHeader: 'x-sesame-proxy-secret',
      proxySecret: 'proxy-secret-0123456789',
    });
  });

  it('refuses dev sign-in in production, naming AUTH_MODE, whether set or left to its default', () => {
    expect(() => loadConfig({ ...production, AUTH_MODE: 'dev' })).toThrow(/AUTH_MODE: dev sign-in cannot be enabled when NODE_ENV=production/);
    expect(namedVariables({ ...production, AUTH_MODE: 'dev' })).toEqual(['AUTH_MODE']);
    expect(namedVariables({ ...production, AUTH_MODE: undefined })).toEqual(['AUTH_MODE']);
  });

  it('requires SESSION_SECRET in production, of at least 32 characters', () => {
    expect(namedVariables({ ...production, SESSION_SECRET: undefined })).toEqual(['SESSION_SECRET']);
    expect(namedVariables({ ...production, SESSION_SECRET: '' })).toEqual(['SESSION_SECRET']);
    expect(namedVariables({ ...production, SESSION_SECRET: 'short' })).toEqual(['SESSION_SECRET']);
    // outside production a random one is made up
    expect(loadConfig({ NODE_ENV: 'development' }).sessionSecrets[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('requires a proxy secret of at least 16 characters in header mode', () => {
    expect(namedVariables({ ...production, AUTH_PROXY_SECRET: undefined })).toEqual(['AUTH_PROXY_SECRET']);
    expect(namedVariables({ NODE_ENV: 'development', AUTH_MODE: 'header', AUTH_PROXY_SECRET: 'too-short' })).toEqual(['AUTH_PROXY_SECRET']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['AUTH_MODE', 'sso'],
  ])('names a bad %s (%s)', (name, value) => {
    expect(namedVariables({ NODE_ENV: 'development', [name]: value })).toEqual([name]);
  });

  it('reads OUTBOX_MAX_AGE as a duration (default 5 days) and names it when it is not one', () => {
    expect(loadConfig(production).mail.maxAgeMs).toBe(5 * 86_400_000);
    expect(loadConfig({ ...production, OUTBOX_MAX_AGE: '36h' }).mail.maxAgeMs).toBe(36 * 3_600_000);
    expect(loadConfig({ ...production, OUTBOX_MAX_AGE: '90m' }).mail.maxAgeMs).toBe(90 * 60_000);
    expect(namedVariables({ ...production, OUTBOX_MAX_AGE: '5' })).toEqual(['OUTBOX_MAX_AGE']);
    expect(namedVariables({ ...production, OUTBOX_MAX_AGE: 'five days' })).toEqual(['OUTBOX_MAX_AGE']);
    expect(namedVariables({ ...production, OUTBOX_MAX_AGE: '10s' })).toEqual(['OUTBOX_MAX_AGE']);
  });

  it('requires the signing certificate in production (SIGNING_CERT_FILE, a readable file), its password optional', () => {
    expect(() => loadConfig({ ...production, SIGNING_CERT_FILE: undefined })).toThrow(
      /SIGNING_CERT_FILE: is required when NODE_ENV=production \(development generates one in DATA_DIR\)/,
    );
    expect(namedVariables({ ...production, SIGNING_CERT_FILE: undefined })).toEqual(['SIGNING_CERT_FILE']);
    expect(namedVariables({ ...production, SIGNING_CERT_FILE: '' })).toEqual(['SIGNING_CERT_FILE']);
    const missing = path.join(os.tmpdir(), `sesame-no-such-${crypto.randomUUID()}.p12`);
    expect(() => loadConfig({ ...production, SIGNING_CERT_FILE: missing })).toThrow(`SIGNING_CERT_FILE: cannot read ${missing} (ENOENT)`);
    expect(namedVariables({ ...production, SIGNING_CERT_FILE: os.tmpdir() })).toEqual(['SIGNING_CERT_FILE']);
    expect(loadConfig(production).secrets.signingCert).toEqual({ file: TEST_SIGNING_CERT.SIGNING_CERT_FILE, password: 'test-signing-password' });
    expect(loadConfig({ ...production, SIGNING_CERT_PASSWORD: undefined }).secrets.signingCert?.password).toBe('');
    // Outside production none is needed: a development certificate is generated (test/crypto/secrets.test.ts).
    expect(loadConfig({ NODE_ENV: 'development' }).secrets.signingCert).toBeUndefined();
  });

  it('reads the signing certificate’s password from SIGNING_CERT_PASSWORD_FILE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-password-'));
    try {
      fs.writeFileSync(path.join(dir, 'password'), 'from-a-file\n');
      const config = loadConfig({ ...production, SIGNING_CERT_PASSWORD: undefined, SIGNING_CERT_PASSWORD_FILE: path.join(dir, 'password') });
      expect(config.secrets.signingCert?.password).toBe('from-a-file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every bad variable at once', () => {
    expect(namedVariables({ NODE_ENV: 'development', PORT: 'abc', LOG_LEVEL: 'loud' }).sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });

  it('stops the server at start-up when dev sign-in is asked for in production, naming AUTH_MODE', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-start-'));
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    try {
      const result = await run(tsx, [path.join(ROOT_DIR, 'src', 'cli', 'start.ts')], {
        cwd: ROOT_DIR,
        env: { PATH: process.env.PATH ?? '', ...production, AUTH_MODE: 'dev', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
        timeout: 20000,
      }).then(
        (ok) => ({ code: 0, stderr: ok.stderr }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('AUTH_MODE: dev sign-in cannot be enabled when NODE_ENV=production');
      expect(fs.readdirSync(dataDir)).toEqual([]); // refused before opening any database
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops the server at start-up when the signing certificate cannot be opened with its password, naming SIGNING_CERT_FILE', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-start-'));
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    try {
      const result = await run(tsx, [path.join(ROOT_DIR, 'src', 'cli', 'start.ts')], {
        cwd: ROOT_DIR,
        env: { PATH: process.env.PATH ?? '', ...production, SIGNING_CERT_PASSWORD: 'not-the-password', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
        timeout: 20000,
      }).then(
        (ok) => ({ code: 0, stderr: ok.stderr }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Invalid configuration:\n  - SIGNING_CERT_FILE: ${TEST_SIGNING_CERT.SIGNING_CERT_FILE}: cannot open the PKCS#12 file`);
      expect(result.stderr).toContain('Invalid password?');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
