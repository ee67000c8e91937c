import nodemailer from 'nodemailer';
import type { Config } from '../../platform/config';

/** One rendered e-mail, ready to leave. */
export interface OutgoingEmail {
  to: string;
  /** The recipient's language (fr | en), sent as Content-Language. */
  language: string;
  subject: string;
  html: string;
  text: string;
  /** `<hex@domain>`, derived from the outbox row's idempotency key: identical on every attempt. */
  messageId: string;
}

/**
 * Where the dispatcher hands e-mails. `send` resolves once the server accepted the message and rejects otherwise;
 * a rejection with `responseCode` 5xx to RCPT TO or DATA (`command`) is permanent (the dispatcher marks the row dead at
 * once); anything else is retried (classifySendError in dispatcher.ts).
 */
export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(mail: OutgoingEmail): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long the SMTP client waits: to connect, for the greeting, and for any reply once connected (socket inactivity).
 * The socket timeout also bounds how long a shutdown waits for the message in flight (dispatcher.ts STOP_GRACE_MS).
 */
export const SMTP_TIMEOUTS = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 20_000 } as const;

interface SmtpTransportOptions {
  /** Parallel SMTP connections (nodemailer pool). */
  maxConnections?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/**
 * nodemailer over SMTP_URL: pooled connections, explicit timeouts (its defaults wait up to 10 minutes), no file or URL
 * access from message fields, and no requeue inside nodemailer (maxRequeues 0): when a connection drops mid-message,
 * the failure comes back to the outbox, which owns retries and their accounting.
 */
export function createSmtpTransport(mail: Config['mail'], opts: SmtpTransportOptions = {}): MailTransport {
  if (!mail.smtpUrl) throw new Error('SMTP_URL is not set');
  const transporter = nodemailer.createTransport(
    {
      url: mail.smtpUrl,
      pool: true,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: 100,
      maxRequeues: 0,
      connectionTimeout: opts.connectionTimeoutMs ?? SMTP_TIMEOUTS.connectionMs,
      greetingTimeout: opts.greetingTimeoutMs ?? SMTP_TIMEOUTS.greetingMs,
      socketTimeout: opts.socketTimeoutMs ?? SMTP_TIMEOUTS.socketMs,
      dnsTimeout: 10_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    },
    { from: mail.from },
  );
  return {
    kind: 'smtp',
    async send(m) {
      await transporter.sendMail({
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        disableFileAccess: true,
        disableUrlAccess: true,
        // RFC 3834: no out-of-office replies to automatic messages.
        headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': m.language },
      });
    },
    async close() {
      transporter.close();
    },
  };
}

/**
 * Development mailbox (no SMTP_URL outside production): nothing leaves the machine. The dispatcher stores the rendered
 * subject and bodies in the outbox row as for any sent e-mail, and /dev/mailbox shows them.
 */
function createDevMailboxTransport(): MailTransport {
  return {
    kind: 'dev-mailbox',
    async send() {},
    async close() {},
  };
}

/** The transport the configuration asks for. */
export function createMailTransport(config: Config): MailTransport {
  if (config.mail.devMailbox) return createDevMailboxTransport();
  return createSmtpTransport(config.mail);
}
