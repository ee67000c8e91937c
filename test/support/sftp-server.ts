import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server, utils, type Attributes, type AuthContext, type SFTPWrapper } from 'ssh2';
import { sshFingerprint } from '../../src/core/transmission/delivery';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

/**
 * A real SFTP server on loopback (the ssh2 package's Server), serving a temporary folder: the issuer's side of the
 * transmission tests. Generated host key; one user authenticated by a generated key pair (the client's private key is
 * written to a file, as TRANSMISSION_SFTP_KEY_FILE wants). `failWrites` makes every file creation fail (a full disk,
 * a permission problem at the issuer) until it is turned off.
 */
export interface TestSftpServer {
  url: string;
  keyFile: string;
  hostFingerprint: string;
  /** The folder the server serves as `/` (the remote path of the URL is /inbox). */
  root: string;
  inbox: string;
  failWrites: boolean;
  /** Transmission env for createTestContext. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

function attrsOf(stat: fs.Stats): Attributes {
  return { mode: stat.mode, uid: stat.uid, gid: stat.gid, size: stat.size, atime: Math.floor(stat.atimeMs / 1000), mtime: Math.floor(stat.mtimeMs / 1000) };
}

export async function startSftpServer(): Promise<TestSftpServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-sftp-'));
  const inbox = path.join(root, 'inbox');
  fs.mkdirSync(inbox);
  const hostKey = utils.generateKeyPairSync('ed25519');
  const clientKey = utils.generateKeyPairSync('ed25519');
  const keyFile = path.join(root, 'client-key');
  fs.writeFileSync(keyFile, clientKey.private, { mode: 0o600 });
  const allowed = utils.parseKey(clientKey.public);
  if (allowed instanceof Error) throw allowed;
  const parsedHost = utils.parseKey(hostKey.private);
  if (parsedHost instanceof Error) throw parsedHost;
  const hostFingerprint = sshFingerprint(parsedHost.getPublicSSH());
  // Served paths are confined to `root`.
  const local = (p: string) => {
    const full = path.resolve(root, `.${path.posix.resolve('/', p)}`);
    if (!full.startsWith(root)) throw new Error('outside the served folder');
    return full;
  };

  const state = { failWrites: false };

  function serve(sftp: SFTPWrapper) {
    const handles = new Map<number, { fd?: number; dir?: string[] }>();
    let next = 0;
    const newHandle = (h: { fd?: number; dir?: string[] }) => {
      const id = ++next;
      handles.set(id, h);
      const b = Buffer.alloc(4);
      b.writeUInt32BE(id);
      return b;
    };
    const handleOf = (b: Buffer) => handles.get(b.readUInt32BE(0));
    const fail = (reqId: number, err: unknown) =>
      sftp.status(reqId, (err as NodeJS.ErrnoException).code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE, String((err as Error).message));
    sftp
      .on('REALPATH', (reqId, p) => {
        const resolved = path.posix.resolve('/', p);
        sftp.name(reqId, [{ filename: resolved, longname: resolved, attrs: {} as Attributes }]);
      })
      .on('OPEN', (reqId, filename, flags) => {
        try {
          if (flags & OPEN_MODE.WRITE && state.failWrites) return sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, 'writes refused (test)');
          const mode = flags & OPEN_MODE.WRITE ? (flags & OPEN_MODE.EXCL ? 'wx' : 'w') : 'r';
          sftp.handle(reqId, newHandle({ fd: fs.openSync(local(filename), mode) }));
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('WRITE', (reqId, handle, offset, data) => {
        const h = handleOf(handle);
        if (h?.fd === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE);
        fs.writeSync(h.fd, data, 0, data.length, offset);
        sftp.status(reqId, STATUS_CODE.OK);
      })
      .on('READ', (reqId, handle, offset, length) => {
        const h = handleOf(handle);
        if (h?.fd === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE);
        const buf = Buffer.alloc(length);
        const n = fs.readSync(h.fd, buf, 0, length, offset);
        if (n === 0) return sftp.status(reqId, STATUS_CODE.EOF);
        sftp.data(reqId, buf.subarray(0, n));
      })
      .on('FSTAT', (reqId, handle) => {
        const h = handleOf(handle);
        if (h?.fd === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE);
        sftp.attrs(reqId, attrsOf(fs.fstatSync(h.fd)));
      })
      .on('FSETSTAT', (reqId) => sftp.status(reqId, STATUS_CODE.OK))
      .on('CLOSE', (reqId, handle) => {
        const h = handleOf(handle);
        if (h?.fd !== undefined) fs.closeSync(h.fd);
        handles.delete(handle.readUInt32BE(0));
        sftp.status(reqId, STATUS_CODE.OK);
      })
      .on('OPENDIR', (reqId, p) => {
        try {
          sftp.handle(reqId, newHandle({ dir: fs.readdirSync(local(p)) }));
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('READDIR', (reqId, handle) => {
        const h = handleOf(handle);
        if (!h?.dir?.length) return sftp.status(reqId, STATUS_CODE.EOF);
        const names = h.dir.splice(0);
        sftp.name(
          reqId,
          names.map((filename) => ({ filename, longname: filename, attrs: {} as Attributes })),
        );
      })
      .on('STAT', (reqId, p) => {
        try {
          sftp.attrs(reqId, attrsOf(fs.statSync(local(p))));
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('LSTAT', (reqId, p) => {
        try {
          sftp.attrs(reqId, attrsOf(fs.lstatSync(local(p))));
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('MKDIR', (reqId, p) => {
        try {
          fs.mkdirSync(local(p));
          sftp.status(reqId, STATUS_CODE.OK);
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('RENAME', (reqId, from, to) => {
        try {
          // SFTP v3 rename refuses an existing target, as OpenSSH does.
          if (fs.existsSync(local(to))) return sftp.status(reqId, STATUS_CODE.FAILURE, 'target exists');
          fs.renameSync(local(from), local(to));
          sftp.status(reqId, STATUS_CODE.OK);
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('REMOVE', (reqId, p) => {
        try {
          fs.unlinkSync(local(p));
          sftp.status(reqId, STATUS_CODE.OK);
        } catch (err) {
          fail(reqId, err);
        }
      })
      .on('RMDIR', (reqId, p) => {
        try {
          fs.rmdirSync(local(p));
          sftp.status(reqId, STATUS_CODE.OK);
        } catch (err) {
          fail(reqId, err);
        }
      });
  }

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client
      .on('authentication', (ctx: AuthContext) => {
        if (ctx.method !== 'publickey' || ctx.username !== 'issuer') return ctx.reject(['publickey']);
        if (ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject(['publickey']);
        if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
        ctx.accept();
      })
      .on('ready', () => {
        client.on('session', (accept) => {
          accept().on('sftp', (acceptSftp) => serve(acceptSftp()));
        });
      })
      .on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `sftp://issuer@127.0.0.1:${port}/inbox`;
  return {
    url,
    keyFile,
    hostFingerprint,
    root,
    inbox,
    get failWrites() {
      return state.failWrites;
    },
    set failWrites(v: boolean) {
      state.failWrites = v;
    },
    env: () => ({ TRANSMISSION_SFTP_URL: url, TRANSMISSION_SFTP_KEY_FILE: keyFile, TRANSMISSION_SFTP_HOST_FINGERPRINT: hostFingerprint }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          fs.rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
