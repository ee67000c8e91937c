import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestContext, TestClock, TEST_SIGNING_CERT, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { verifySignedCopy } from '../../src/core/archive/archive';
import { givenSignableApplication } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

const run = promisify(execFile);

/**
 * What poppler's pdfsig (Debian package poppler-utils; .ci/run installs it) says of a PDF. Its absence fails the test:
 * a reader's check of the signature is what this file is about.
 */
async function pdfsig(pdf: Buffer): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-pdfsig-'));
  try {
    const file = path.join(dir, 'signed.pdf');
    fs.writeFileSync(file, pdf);
    // -nocert: the certificate's trust (a self-signed one in tests) is not the question; its signature is.
    const { stdout } = await run('pdfsig', ['-nocert', file], { timeout: 30_000, env: { ...process.env, TZ: 'UTC' } }).catch(
      (err: NodeJS.ErrnoException & { stdout?: string }) => {
        if (err.code === 'ENOENT') throw new Error('pdfsig is not installed: apt-get install poppler-utils (the CI installs it)');
        return { stdout: err.stdout ?? '' };
      },
    );
    return stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The byte ranges pdfsig says are signed: [[0, a], [b, end]]. */
function signedRanges(report: string): number[][] {
  const line = /Signed Ranges: (.*)/.exec(report)?.[1] ?? '';
  return [...line.matchAll(/\[(\d+) - (\d+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** A copy with one byte changed (its lowest bit flipped). */
function flipped(pdf: Buffer, at: number): Buffer {
  const copy = Buffer.from(pdf);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Issue 17 part 2: the final PDF carries a PAdES signature (ETSI.CAdES.detached) that a PDF reader checks. */
describe('the signed PDF’s PAdES signature, as pdfsig reads it', () => {
  /** Signs an application through the real flow; the archived bytes, the employee's download and the draft shown before. */
  async function signedThroughTheApp(ctx: TestContext) {
    const a = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, a);
    await acceptSignatureTerms(agent);
    const draft = (await agent.get(paths.employee.signing.documentPdf).buffer(true)).body as Buffer;
    const code = await requestCode(ctx, agent, a.id);
    expect((await postCode(agent, code)).status).toBe(303);
    const row = await ctx.deps.db('signature').where({ application_id: a.id }).first();
    const archived = fs.readFileSync(path.resolve(ctx.config.dataDir, row.archive_path as string));
    const downloaded = (await agent.get(paths.employee.signedPdf(1)).buffer(true)).body as Buffer;
    return { a, row, archived, downloaded, draft };
  }

  describe('with the development certificate (generated once in DATA_DIR)', () => {
    let ctx: TestContext;
    let signed: Awaited<ReturnType<typeof signedThroughTheApp>>;
    let report: string;

    beforeAll(async () => {
      ctx = await createTestContext({}, { clock: new TestClock(new Date('2026-11-24T09:00:00Z')) });
      signed = await signedThroughTheApp(ctx);
      report = await pdfsig(signed.archived);
    });
    afterAll(() => ctx.close());

    it('is one valid ETSI.CAdES.detached signature (SHA-256) covering the whole document, by the development certificate', () => {
      expect(report.match(/^Signature #\d+:/gm)).toEqual(['Signature #1:']);
      expect(report).toContain('- Signature Type: ETSI.CAdES.detached');
      expect(report).toContain('- Signing Hash Algorithm: SHA-256');
      expect(report).toContain('- Signer Certificate Common Name: Sésame development document signing');
      expect(report).toContain('- Signing Time: Nov 24 2026 09:00:00');
      expect(report).toContain('- Total document signed');
      expect(report).toContain('- Signature Validation: Signature is Valid.');
      // Two ranges around the signature itself, the second one up to the file's last byte.
      const ranges = signedRanges(report);
      expect(ranges).toHaveLength(2);
      expect(ranges[0]?.[0]).toBe(0);
      expect(ranges[1]?.[1]).toBe(signed.archived.length);
      // ISO 32000-1, on which PAdES is defined.
      expect(signed.archived.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    });

    it.each([
      ['the first signed range (the binary comment after the header)', () => 10],
      ['the second signed range (a page’s content)', (pdf: Buffer, ranges: number[][]) => pdf.indexOf('stream\n', ranges[1]?.[0]) + 20],
      ['the last byte of the file', (pdf: Buffer) => pdf.length - 2],
    ])('says a copy changed by one byte in %s is not valid', async (_where, position) => {
      const at = position(signed.archived, signedRanges(report));
      expect(at).toBeGreaterThan(0);
      const changed = await pdfsig(flipped(signed.archived, at));
      expect(changed).toContain('- Signature Validation: Digest Mismatch.');
      expect(changed).not.toContain('Signature is Valid.');
    });

    it('the archive, its recorded SHA-256, the download and /verify all hold the signed bytes', async () => {
      expect(sha256(signed.archived)).toBe(signed.row.pdf_sha256);
      expect(Number(signed.row.pdf_size)).toBe(signed.archived.length);
      expect(signed.downloaded.equals(signed.archived)).toBe(true);
      expect(await verifySignedCopy(ctx.deps.db, signed.downloaded)).toEqual(expect.objectContaining({ laterVersion: false }));
    });

    it('does not sign the document shown before the code (its hash binds the code): pdfsig finds no signature in it', async () => {
      expect(signed.draft.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(sha256(signed.draft)).toBe(signed.row.shown_pdf_sha256);
      expect(await pdfsig(signed.draft)).toContain('does not contain any signatures');
    });
  });

  it('signs with the organisation’s certificate from SIGNING_CERT_FILE and its password', async () => {
    const ctx = await createTestContext({ ...TEST_SIGNING_CERT }, { clock: new TestClock(new Date('2026-11-24T09:00:00Z')) });
    try {
      const { archived } = await signedThroughTheApp(ctx);
      const report = await pdfsig(archived);
      expect(report).toContain('- Signer Certificate Common Name: Sésame test signing certificate (not a secret)');
      expect(report).toContain('- Total document signed');
      expect(report).toContain('- Signature Validation: Signature is Valid.');
      // Nothing generated: the configured certificate is the one used.
      expect(fs.readdirSync(ctx.config.dataDir).filter((f) => f.startsWith('dev-signing'))).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
