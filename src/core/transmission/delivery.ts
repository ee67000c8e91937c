import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import type { Config } from '../../platform/config';
import { FILE_NAMES } from './files';

/**
 * Where transmissions go: a folder (TRANSMISSION_DIR) or the issuer's SFTP server (TRANSMISSION_SFTP_URL, key
 * authentication). Either way the files are written into a temporary folder (`.SESAME-000042.part-…`) that is renamed
 * to its final name (`SESAME-000042`) once every file is complete, so the issuer never reads half a transmission.
 * Delivering the same transmission again is harmless: when the final folder is there already with the same manifest,
 * the delivery is confirmed without writing anything.
 */
export interface DeliveryFile {
  name: string;
  content: Buffer;
}

export type DeliveryOutcome = 'written' | 'already-there';

export interface Destination {
  /** Where, for the page and the logs (never a credential). */
  readonly label: string;
  deliver(folder: string, files: DeliveryFile[]): Promise<DeliveryOutcome>;
}

export class DeliveryConflictError extends Error {
  constructor(folder: string) {
    super(`${folder} exists at the destination with a different manifest`);
  }
}

function manifestOf(files: DeliveryFile[]): Buffer {
  const manifest = files.find((f) => f.name === FILE_NAMES.manifest);
  if (!manifest) throw new Error('a transmission without its manifest');
  return manifest.content;
}

function tempName(folder: string): string {
  return `.${folder}.part-${crypto.randomBytes(4).toString('hex')}`;
}

/** A local (or mounted) folder. */
export function folderDestination(dir: string): Destination {
  const root = path.resolve(dir);
  async function alreadyThere(folder: string, files: DeliveryFile[]): Promise<boolean> {
    let existing: Buffer;
    try {
      existing = await fs.promises.readFile(path.join(root, folder, FILE_NAMES.manifest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    if (existing.equals(manifestOf(files))) return true;
    throw new DeliveryConflictError(folder);
  }
  return {
    label: root,
    async deliver(folder, files) {
      if (await alreadyThere(folder, files)) return 'already-there';
      await fs.promises.mkdir(root, { recursive: true });
      const temp = path.join(root, tempName(folder));
      await fs.promises.mkdir(temp);
      try {
        for (const f of files) {
          const handle = await fs.promises.open(path.join(temp, f.name), 'wx', 0o640);
          try {
            await handle.writeFile(f.content);
            await handle.sync();
          } finally {
            await handle.close();
          }
        }
        await fs.promises.rename(temp, path.join(root, folder));
      } catch (err) {
        await fs.promises.rm(temp, { recursive: true, force: true }).catch(() => undefined);
        // Another instance renamed the same transmission into place meanwhile: fine if it is the same.
        if (['ENOTEMPTY', 'EEXIST'].includes(String((err as NodeJS.ErrnoException).code)) && (await alreadyThere(folder, files))) return 'already-there';
        throw err;
      }
      return 'written';
    },
  };
}

export interface SftpSettings {
  url: string;
  keyFile: string;
  hostFingerprint?: string;
  /** Connection timeout (ms). */
  readyTimeout?: number;
}

/** The OpenSSH fingerprint of a host key: SHA256:<base64 without padding>. */
export function sshFingerprint(hostKey: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
}

/** The issuer's SFTP server: sftp://user@host[:port]/folder, authenticated by a private key file. */
export function sftpDestination(settings: SftpSettings): Destination {
  const url = new URL(settings.url);
  const root = decodeURIComponent(url.pathname) || '/';
  const remote = (...parts: string[]) => path.posix.join(root, ...parts);
  const label = `sftp://${url.host}${root}`;

  async function connect(): Promise<SftpClient> {
    // The library's default listeners print to the console; errors reach us through each operation's promise instead.
    const quiet = () => undefined;
    // Loaded on first use (about 6 MB of memory): most installations deliver to a folder, not by SFTP.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Client = require('ssh2-sftp-client') as typeof SftpClient;
    const client = new Client('sesame-transmission', { error: quiet, end: quiet, close: quiet });
    await client.connect({
      host: url.hostname,
      port: url.port ? Number(url.port) : 22,
      username: decodeURIComponent(url.username),
      privateKey: await fs.promises.readFile(settings.keyFile),
      readyTimeout: settings.readyTimeout ?? 20000,
      retries: 0,
      ...(settings.hostFingerprint ? { hostVerifier: (key: Buffer) => sshFingerprint(key) === settings.hostFingerprint } : {}),
    });
    return client;
  }

  async function alreadyThere(client: SftpClient, folder: string, files: DeliveryFile[]): Promise<boolean> {
    const manifestPath = remote(folder, FILE_NAMES.manifest);
    if ((await client.exists(manifestPath)) !== '-') return false;
    const existing = (await client.get(manifestPath)) as Buffer;
    if (Buffer.from(existing).equals(manifestOf(files))) return true;
    throw new DeliveryConflictError(folder);
  }

  return {
    label,
    async deliver(folder, files) {
      const client = await connect();
      try {
        if (await alreadyThere(client, folder, files)) return 'already-there';
        const temp = tempName(folder);
        await client.mkdir(remote(temp));
        for (const f of files) await client.put(f.content, remote(temp, f.name));
        await client.rename(remote(temp), remote(folder));
        return 'written';
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/** The destination the configuration names: SFTP when TRANSMISSION_SFTP_URL is set, the folder otherwise. */
export function destinationFor(config: Pick<Config, 'transmission'>): Destination {
  const { sftp, dir } = config.transmission;
  return sftp ? sftpDestination(sftp) : folderDestination(dir);
}
