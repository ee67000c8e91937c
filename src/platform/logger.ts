import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys that may carry personal data or secrets, wherever they are (at the top of a line or one level down). */
const SENSITIVE_KEYS = ['email', 'to', 'pin', 'iban', 'code', 'token', 'reference', 'firstName', 'lastName', 'password'];

/** Paths that may carry personal data or secrets; pino replaces them with [redacted]. Bodies are never logged. */
const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-forwarded-email"]',
  'req.headers["x-sesame-proxy-secret"]',
  'res.headers["set-cookie"]',
  // `*.email` matches one level down only: the top-level key is named too.
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`]),
];

/**
 * Standard output, written in blocks of at least 4 KB or once a second, whichever comes first, instead of one write
 * per line: the access log's line per request cost a system call each (~40 µs of CPU under load). pino writes what
 * remains synchronously when the process exits, crashes included; a process killed outright (SIGKILL) loses at most
 * the last second of lines. The audit log, in the database, is not concerned.
 */
function bufferedStdout(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 });
}

/** Each logger made by createLogger, with the same logger without redaction (see accessLogger). */
const withoutRedaction = new WeakMap<Logger, Logger>();

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const dest = destination ?? bufferedStdout();
  const logger = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'sesame' } }, dest);
  withoutRedaction.set(logger, pino({ level, base: { app: 'sesame' } }, dest));
  return logger;
}

/**
 * The logger for lines whose every field is chosen by the code, none of them personal (the access log's request id,
 * method, path without its query, status and duration): `logger` without redaction, on the same output and level.
 * Redaction walks every line for the paths above (wildcards included), ~10 µs a line, for nothing on such a line.
 * Anything else goes through `logger`.
 */
export function accessLogger(logger: Logger): Logger {
  return withoutRedaction.get(logger) ?? logger;
}
