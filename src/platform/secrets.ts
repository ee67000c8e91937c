import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from './config';
import { systemClock, type Clock } from './clock';
import type { Logger } from './logger';
import { createKeyring, type Keyring } from '../lib/field-crypto';
import type { SigningKey } from '../lib/cades';
import { readPkcs12, selfSignedPkcs12 } from '../lib/pkcs12';

/** The issuer's public key, to which each PIN is encrypted; its id is stored with the PIN. */
export interface PinIssuerKey {
  publicKey: KeyObject;
  keyId: string;
}

/**
 * The application's keys. In production they come from configuration (validated at start-up). Elsewhere a missing
 * one is generated once into DATA_DIR (mode 600) and a log line says so; the files are reused on the next start.
 * Resolved lazily, so tests that never need a key never pay for generating one; `prepare()` resolves all at start-up.
 */
export interface Secrets {
  pinIssuer(): PinIssuerKey;
  dataKeyring(): Keyring;
  otpSecret(): Buffer;
  /** The organisation's key and certificate that sign the final PDFs (SIGNING_CERT_FILE, read once). */
  pdfSigningKey(): SigningKey;
  prepare(): void;
}

/**
 * Development files in DATA_DIR. The issuer's private key is there only so tests and the demo can decrypt. The
 * development signing certificate is a self-signed PKCS#12 file and its password, as SIGNING_CERT_FILE and
 * SIGNING_CERT_PASSWORD_FILE would name them.
 */
export const DEV_SECRET_FILES = {
  issuerPrivateKey: 'dev-issuer-key.pem',
  dataKey: 'dev-data-key',
  otpSecret: 'dev-otp-secret',
  signingCertPassword: 'dev-signing-cert-password',
  signingCert: 'dev-signing-cert.p12',
} as const;

/** A short public identifier of an RSA public key: SHA-256 of its SubjectPublicKeyInfo, 16 hex characters. */
export function publicKeyId(publicKey: KeyObject): string {
  return crypto
    .createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function createSecrets(config: Config, logger: Logger, clock: Clock = systemClock): Secrets {
  let issuer: PinIssuerKey | undefined;
  let keyring: Keyring | undefined;
  let otp: Buffer | undefined;
  let signingKey: SigningKey | undefined;

  const devBytes = (name: string, describe: string, variable: string, generate: () => string | Buffer): Buffer => {
    if (config.isProduction) throw new Error(`${variable} is required when NODE_ENV=production`);
    const file = path.join(config.dataDir, name);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    fs.mkdirSync(config.dataDir, { recursive: true });
    // Written whole under a private name, then linked into place (atomic, and refused if the file exists): a process
    // starting at the same moment never reads a half-written key, and the first one's key is the only one.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, generate(), { flag: 'wx', mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
      logger.warn({ file }, `development: generated ${describe} in ${file}; set ${variable} in production`);
    } catch (err) {
      // Another process generated it at the same moment: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return fs.readFileSync(file);
  };
  const devFile = (name: string, describe: string, variable: string, generate: () => string): string =>
    devBytes(name, describe, variable, generate).toString('utf8');

  /** The configured PKCS#12 file, or the development one (its password first: every process then makes it with the same). */
  const openSigningCertificate = (): SigningKey => {
    const configured = config.secrets.signingCert;
    if (configured) {
      try {
        return readPkcs12(fs.readFileSync(configured.file), configured.password);
      } catch (err) {
        throw new ConfigError(`Invalid configuration:\n  - SIGNING_CERT_FILE: ${configured.file}: ${(err as Error).message}`, { cause: err });
      }
    }
    const password = devFile(DEV_SECRET_FILES.signingCertPassword, 'the password of the development signing certificate', 'SIGNING_CERT_PASSWORD', () =>
      crypto.randomBytes(24).toString('base64url'),
    ).trim();
    const p12 = devBytes(DEV_SECRET_FILES.signingCert, 'a self-signed certificate that signs the PDFs', 'SIGNING_CERT_FILE', () =>
      selfSignedPkcs12({ commonName: 'Sésame development document signing', organization: 'Sésame (development)', password, now: clock.now(), years: 10 }),
    );
    try {
      return readPkcs12(p12, password);
    } catch (err) {
      throw new Error(
        `${path.join(config.dataDir, DEV_SECRET_FILES.signingCert)}: ${(err as Error).message}; delete it and ${DEV_SECRET_FILES.signingCertPassword} to make new ones`,
        { cause: err },
      );
    }
  };

  const secrets: Secrets = {
    pinIssuer() {
      if (!issuer) {
        const pem =
          config.secrets.pinIssuerPublicKey ??
          devFile(DEV_SECRET_FILES.issuerPrivateKey, 'a demo issuer key pair for PIN encryption', 'PIN_ISSUER_PUBLIC_KEY', () =>
            crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          );
        // From the development private key, only the public half is kept in memory.
        const publicKey = crypto.createPublicKey(pem);
        issuer = { publicKey, keyId: publicKeyId(publicKey) };
      }
      return issuer;
    },
    dataKeyring() {
      if (!keyring) {
        const current =
          config.secrets.dataEncryptionKey ??
          devFile(DEV_SECRET_FILES.dataKey, 'a data encryption key', 'DATA_ENCRYPTION_KEY', () => crypto.randomBytes(32).toString('base64')).trim();
        const previous = config.secrets.dataEncryptionKeyPrevious;
        keyring = createKeyring(Buffer.from(current, 'base64'), previous ? [Buffer.from(previous, 'base64')] : []);
      }
      return keyring;
    },
    otpSecret() {
      if (!otp) {
        const value =
          config.secrets.otpSecret ??
          devFile(DEV_SECRET_FILES.otpSecret, 'a one-time-code secret', 'OTP_SECRET', () => crypto.randomBytes(32).toString('hex')).trim();
        otp = Buffer.from(value, 'utf8');
      }
      return otp;
    },
    pdfSigningKey() {
      signingKey ??= openSigningCertificate();
      return signingKey;
    },
    prepare() {
      secrets.pinIssuer();
      secrets.dataKeyring();
      secrets.otpSecret();
      secrets.pdfSigningKey();
    },
  };
  return secrets;
}
