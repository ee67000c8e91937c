import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HOLIDAY_COUNTRIES } from '../lib/business-days';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A duration: a whole number and a unit (s, m, h, d), e.g. `5d`, `36h`. */
const DURATION = /^(\d{1,6})\s*([smhd])$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
function durationMs(value: string): number {
  const [, n, unit] = DURATION.exec(value) as RegExpExecArray;
  return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
}
/** A daily cron expression, "minute hour * * *" (the scheduler runs daily jobs and catches up missed days). */
const DAILY_CRON = /^([0-5]?\d) ([01]?\d|2[0-3]) \* \* \*$/;

/** A 256-bit key in base64 (openssl rand -base64 32). */
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres:// or sqlite:')
      .optional(),
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SESSION_SECRET_PREVIOUS: z.string().min(32).optional(),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    COOKIE_SECURE: bool.optional(),
    AUTH_MODE: z.enum(['dev', 'header']).default('dev'),
    AUTH_HEADER: z.string().min(1).default('x-forwarded-email'),
    AUTH_PROXY_SECRET_HEADER: z.string().min(1).default('x-sesame-proxy-secret'),
    AUTH_PROXY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    ADMIN_IDLE_MINUTES: z.coerce.number().int().min(1).default(60),
    EMPLOYEE_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).default(12),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SEED_DEMO: bool.default(true),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Sésame <no-reply@sesame.example>'),
    // How long an e-mail is retried after it was queued before it is given up (dead): a number and a unit (s, m, h, d).
    OUTBOX_MAX_AGE: z
      .string()
      .regex(DURATION, 'must be a number and a unit s, m, h or d (e.g. 5d, 36h)')
      .default('5d')
      .transform(durationMs)
      .refine((ms) => ms >= 60_000, 'must be at least one minute'),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).default(2000),
    TIME_ZONE: z.string().default('Europe/Paris'),
    HOLIDAY_COUNTRY: z.enum(HOLIDAY_COUNTRIES).default('FR'),
    // Whose public holidays the complaints' answer deadlines skip (15, at most 35, business days).
    COMPLAINT_COUNTRY: z.enum(HOLIDAY_COUNTRIES).default('FR'),
    URGENT_FEE_EUR: z.coerce.number().min(0).default(30),
    // PIN encryption to the issuer, encryption of personal data at rest, one-time codes, uploads (src/platform/secrets.ts).
    PIN_ISSUER_PUBLIC_KEY: z.string().optional(),
    DATA_ENCRYPTION_KEY: z.string().regex(BASE64_32_BYTES, 'must be 32 random bytes in base64 (openssl rand -base64 32)').optional(),
    DATA_ENCRYPTION_KEY_PREVIOUS: z.string().regex(BASE64_32_BYTES, 'must be 32 random bytes in base64').optional(),
    OTP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // The organisation's certificate that signs the final PDFs (PAdES): a PKCS#12 file (.p12/.pfx) and its password.
    SIGNING_CERT_FILE: z.string().min(1).optional(),
    SIGNING_CERT_PASSWORD: z.string().optional(),
    // Bearer token of /metrics (Prometheus); unset: /metrics answers loopback requests only, and 404 in production.
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    DOCUMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(10 * 1024)
      .max(50 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    // The issuer's status files (issue 13 part 4) and retention (part 5).
    ISSUER_INBOX_DIR: z.string().min(1).optional(),
    CARD_DELIVERY_DAYS: z.coerce.number().int().min(1).max(60).default(7),
    RETENTION_MONTHS: z.coerce.number().int().min(1).max(240).default(13),
    ARCHIVE_RETENTION_YEARS: z.coerce.number().int().min(1).max(50).default(5),
    // Transmission of approved applications to the issuer (src/core/transmission, docs/issuer-files.md).
    TRANSMISSION_DIR: z.string().min(1).optional(),
    TRANSMISSION_SFTP_URL: z
      .string()
      .regex(/^sftp:\/\/[^@/]+@[^/]+(\/.*)?$/, 'must be sftp://user@host[:port]/folder')
      .refine((v) => !/^sftp:\/\/[^@/]*:[^@/]*@/.test(v), 'must not contain a password: use TRANSMISSION_SFTP_KEY_FILE')
      .optional(),
    TRANSMISSION_SFTP_KEY_FILE: z.string().min(1).optional(),
    TRANSMISSION_SFTP_HOST_FINGERPRINT: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be the server’s host key fingerprint as ssh-keygen -lf prints it (SHA256:…)')
      .optional(),
    TRANSMISSION_CRON: z.string().trim().regex(DAILY_CRON, 'must be a daily cron expression "minute hour * * *" (e.g. 0 2 * * *)').default('0 2 * * *'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (env.AUTH_MODE === 'dev') {
        ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'dev sign-in cannot be enabled when NODE_ENV=production; use AUTH_MODE=header' });
      }
      if (!env.SESSION_SECRET) {
        ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
      }
      if (!env.SMTP_URL) {
        ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required when NODE_ENV=production (the development mailbox is not available)' });
      }
      for (const key of ['PIN_ISSUER_PUBLIC_KEY', 'DATA_ENCRYPTION_KEY', 'OTP_SECRET', 'SIGNING_CERT_FILE'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production (development generates one in DATA_DIR)' });
      }
    }
    if (env.PIN_ISSUER_PUBLIC_KEY) {
      const problem = issuerKeyProblem(env.PIN_ISSUER_PUBLIC_KEY);
      if (problem) ctx.addIssue({ code: 'custom', path: ['PIN_ISSUER_PUBLIC_KEY'], message: problem });
    }
    if (env.SIGNING_CERT_FILE) {
      const problem = unreadableFile(env.SIGNING_CERT_FILE);
      if (problem) ctx.addIssue({ code: 'custom', path: ['SIGNING_CERT_FILE'], message: problem });
    }
    if (env.TRANSMISSION_SFTP_URL && !env.TRANSMISSION_SFTP_KEY_FILE) {
      ctx.addIssue({ code: 'custom', path: ['TRANSMISSION_SFTP_KEY_FILE'], message: 'is required with TRANSMISSION_SFTP_URL (key authentication)' });
    }
    if (env.NODE_ENV === 'production' && env.TRANSMISSION_SFTP_URL && !env.TRANSMISSION_SFTP_HOST_FINGERPRINT) {
      ctx.addIssue({
        code: 'custom',
        path: ['TRANSMISSION_SFTP_HOST_FINGERPRINT'],
        message: 'is required with TRANSMISSION_SFTP_URL when NODE_ENV=production',
      });
    }
    if (env.AUTH_MODE === 'header' && !env.AUTH_PROXY_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_PROXY_SECRET'], message: 'is required when AUTH_MODE=header' });
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: env.TIME_ZONE });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['TIME_ZONE'], message: 'is not a known IANA time zone' });
    }
  });

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

/** Parses every variable once; fails listing every bad variable by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const fileKey = `${key}_FILE`;
    const value = env[fileKey] ? readSecretFile(env[fileKey] as string) : env[key];
    raw[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const isProduction = c.NODE_ENV === 'production';
  return {
    env: c.NODE_ENV,
    isProduction,
    isTest: c.NODE_ENV === 'test',
    port: c.PORT,
    host: c.HOST,
    dataDir: c.DATA_DIR,
    databaseUrl: c.DATABASE_URL,
    publicBaseUrl: c.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    // Outside production a random secret is acceptable: sessions simply do not survive a restart of a dev box without one.
    sessionSecrets: [c.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex'), ...(c.SESSION_SECRET_PREVIOUS ? [c.SESSION_SECRET_PREVIOUS] : [])],
    trustProxy: c.TRUST_PROXY,
    cookieSecure: c.COOKIE_SECURE ?? c.PUBLIC_BASE_URL.startsWith('https://'),
    auth: {
      mode: c.AUTH_MODE,
      header: c.AUTH_HEADER.toLowerCase(),
      proxySecretHeader: c.AUTH_PROXY_SECRET_HEADER.toLowerCase(),
      proxySecret: c.AUTH_PROXY_SECRET,
    },
    adminIdleMinutes: c.ADMIN_IDLE_MINUTES,
    employeeIdleMinutes: c.EMPLOYEE_IDLE_MINUTES,
    sessionAbsoluteHours: c.SESSION_ABSOLUTE_HOURS,
    logLevel: c.LOG_LEVEL,
    seedDemo: c.SEED_DEMO,
    mail: {
      smtpUrl: c.SMTP_URL,
      from: c.MAIL_FROM,
      devMailbox: !isProduction && !c.SMTP_URL,
      /** An e-mail not delivered this long after it was queued is given up (dead). */
      maxAgeMs: c.OUTBOX_MAX_AGE,
      pollMs: c.OUTBOX_POLL_MS,
    },
    timeZone: c.TIME_ZONE,
    /** Whose public holidays are days off in business-day deadlines (card delivery, approval deadlines). */
    holidayCountry: c.HOLIDAY_COUNTRY,
    /** The country whose public holidays are not business days for a complaint's deadline (FR or BE). */
    complaintCountry: c.COMPLAINT_COUNTRY,
    urgentFeeEur: c.URGENT_FEE_EUR,
    /** Absent outside production = generated into DATA_DIR on first use (src/platform/secrets.ts). */
    secrets: {
      // A PEM given on one line with literal \\n (as some secret stores do) is accepted.
      pinIssuerPublicKey: c.PIN_ISSUER_PUBLIC_KEY?.replace(/\\n/g, '\n'),
      dataEncryptionKey: c.DATA_ENCRYPTION_KEY,
      dataEncryptionKeyPrevious: c.DATA_ENCRYPTION_KEY_PREVIOUS,
      otpSecret: c.OTP_SECRET,
      /** The PKCS#12 file that signs the final PDFs; opened at start-up (src/platform/secrets.ts). No password: an empty one. */
      signingCert: c.SIGNING_CERT_FILE ? { file: c.SIGNING_CERT_FILE, password: c.SIGNING_CERT_PASSWORD ?? '' } : undefined,
    },
    documentMaxBytes: c.DOCUMENT_MAX_BYTES,
    issuerStatus: {
      /** Status files dropped by the issuer, read by the nightly job (processed ones go to done/). */
      inboxDir: c.ISSUER_INBOX_DIR ?? path.join(c.DATA_DIR, 'issuer-inbox'),
      /** Business days from "card issued" to the expected delivery given to the employee. */
      deliveryDays: c.CARD_DELIVERY_DAYS,
    },
    retention: { months: c.RETENTION_MONTHS, archiveYears: c.ARCHIVE_RETENTION_YEARS },
    /** /metrics: the bearer token it requires (none: loopback only outside production, not served in production). */
    metricsToken: c.METRICS_TOKEN,
    transmission: {
      /** The folder the issuer collects from, when no SFTP server is configured. */
      dir: c.TRANSMISSION_DIR ?? path.join(c.DATA_DIR, 'transmissions'),
      sftp: c.TRANSMISSION_SFTP_URL
        ? { url: c.TRANSMISSION_SFTP_URL, keyFile: c.TRANSMISSION_SFTP_KEY_FILE as string, hostFingerprint: c.TRANSMISSION_SFTP_HOST_FINGERPRINT }
        : undefined,
      cron: c.TRANSMISSION_CRON,
      /** The nightly transmission's local time (HH:MM in TIME_ZONE), from TRANSMISSION_CRON. */
      dailyAt: dailyCronTime(c.TRANSMISSION_CRON),
    },
  };
}

function dailyCronTime(expression: string): string {
  const [minute, hour] = expression.split(' ').map(Number) as [number, number];
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** The issuer's key must be an RSA public key of at least 2048 bits (RSA-OAEP-256 wraps the PIN's data key). */
function issuerKeyProblem(pem: string): string | undefined {
  if (/PRIVATE KEY/.test(pem)) return 'must be the issuer’s public key: Sésame must never hold the private key';
  try {
    const key = crypto.createPublicKey(pem.replace(/\\n/g, '\n'));
    if (key.asymmetricKeyType !== 'rsa') return 'must be an RSA public key (PEM)';
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'must be an RSA key of at least 2048 bits';
    return undefined;
  } catch {
    return 'is not a readable PEM public key';
  }
}

function unreadableFile(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile() ? undefined : `${file} is not a file`;
  } catch (err) {
    return `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function readSecretFile(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}
