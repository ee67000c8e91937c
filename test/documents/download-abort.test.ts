import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestContext, type TestContext } from '../support/app';
import { documentsDir, saveDocument } from '../../src/core/application/documents';
import { paths } from '../../src/platform/paths';
import { givenAccessKey, givenAccount, givenAdministrator, givenApplication } from '../support/builders';

const SECRET = 'proxy-secret-for-tests-0123456789';
/** Big enough (4 MB) that the download is still going when the browser goes away. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(4 * 1024 * 1024), Buffer.from('\n%%EOF\n')]);

/** How many files of the documents folder this process has open (Linux: /proc/self/fd). */
function openDocumentFiles(dataDir: string): number {
  const dir = fs.realpathSync(documentsDir(dataDir));
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  }).length;
}

describe('a document download the browser abandons', () => {
  let ctx: TestContext;
  let server: http.Server;
  let url: string;
  let email: string;

  beforeAll(async () => {
    ctx = await createTestContext({ AUTH_MODE: 'header', AUTH_PROXY_SECRET: SECRET });
    const db = ctx.deps.db;
    const accountId = await givenAccount(db);
    const admin = await givenAdministrator(db, {}, [accountId]);
    email = admin.email;
    const key = { ...(await givenAccessKey(db, accountId, admin.id)), accountId };
    const app = await givenApplication(db, key, { initiatedBy: admin.id, status: 'in_progress' });
    const saved = await db.transaction((trx) =>
      saveDocument({ config: ctx.config, logger: ctx.deps.logger }, trx, {
        applicationId: app.id,
        kind: 'identity',
        file: { buffer: PDF, originalName: 'passeport.pdf' },
        now: ctx.deps.clock.now(),
      }),
    );
    if (!saved.ok) throw new Error(saved.key);
    server = ctx.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${paths.admin.tracking.document(app.id, saved.document.id)}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
  });

  (fs.existsSync('/proc/self/fd') ? it : it.skip)('closes the file at once, not whenever the garbage collector comes by', async () => {
    expect(openDocumentFiles(ctx.config.dataDir)).toBe(0);
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(url, { headers: { 'x-forwarded-email': email, 'x-sesame-proxy-secret': SECRET } }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy(); // the browser goes away after the first chunk
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      });
    }
    const deadline = Date.now() + 2000;
    while (openDocumentFiles(ctx.config.dataDir) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openDocumentFiles(ctx.config.dataDir)).toBe(0);
  });
});
