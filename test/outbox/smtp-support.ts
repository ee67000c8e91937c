import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  to: string;
  messageId: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server in this process (plain SMTP on 127.0.0.1, no TLS, no auth), recording what it accepts.
 * `rejectRcpt(address)` may return an SMTP code (e.g. 550, 451) to refuse a recipient; `rejectConnect()` a code to
 * refuse the whole session at the greeting (e.g. 554); `rejectMailFrom()` a code to refuse MAIL FROM. `stop()` and
 * `start()` take it down and bring it back on the same port.
 */
export class TestSmtpServer {
  received: ReceivedMail[] = [];
  port = 0;
  rejectRcpt: (address: string) => number | undefined = () => undefined;
  rejectConnect: () => number | undefined = () => undefined;
  rejectMailFrom: () => number | undefined = () => undefined;
  private server: SMTPServer | undefined;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      size: 10 * 1024 * 1024,
      closeTimeout: 200,
      onConnect: (_session: SMTPServerSession, cb: (err?: Error | null) => void) => cb(refusal(this.rejectConnect(), 'Service unavailable')),
      onMailFrom: (_address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) =>
        cb(refusal(this.rejectMailFrom(), 'Sender refused')),
      onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) => {
        const code = this.rejectRcpt(address.address);
        if (!code) return cb();
        const err = new Error(code >= 500 ? `Mailbox ${address.address} unavailable` : 'Try again later') as Error & { responseCode: number };
        err.responseCode = code;
        cb(err);
      },
      onData: (stream, session, cb) => {
        simpleParser(stream)
          .then((parsed) => {
            this.received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), messageId: parsed.messageId ?? '', parsed });
            cb();
          })
          .catch((err: Error) => cb(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.server.address();
        this.port = typeof address === 'object' && address ? address.port : this.port;
        resolve();
      });
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Received messages for one recipient. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to === address);
  }
}

/** An error smtp-server answers with that code, or null (accept). */
function refusal(code: number | undefined, text: string): Error | null {
  if (!code) return null;
  const err = new Error(text) as Error & { responseCode: number };
  err.responseCode = code;
  return err;
}
