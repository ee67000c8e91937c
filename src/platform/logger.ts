import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths that may carry personal data or secrets; pino replaces them with [redacted]. Bodies are never logged. */
const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-forwarded-email"]',
  'req.headers["x-sesame-proxy-secret"]',
  'res.headers["set-cookie"]',
  '*.email',
  '*.to',
  '*.pin',
  '*.iban',
  '*.code',
  '*.token',
  '*.reference',
  '*.firstName',
  '*.lastName',
  '*.password',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'sesame' } }, destination);
}
