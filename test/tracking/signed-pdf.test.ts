import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenSignableApplication, type Signable } from '../support/builders';
import { acceptSignatureTerms, employeeAgent, postCode, requestCode } from '../support/employee';

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('tracking: the signed PDF on the administrator’s application page', () => {
  let ctx: TestContext;
  let signed: Signable;
  let unsigned: Signable;
  let outsider: { id: number; email: string };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    signed = await givenSignableApplication(ctx);
    const agent = await employeeAgent(ctx, signed);
    await acceptSignatureTerms(agent);
    const code = await requestCode(ctx, agent, signed.id);
    const res = await postCode(agent, code);
    if (res.status !== 303) throw new Error(`signing failed: ${res.status}`);
    unsigned = await givenSignableApplication(ctx);
    const otherAccount = await givenAccount(ctx.deps.db);
    outsider = await givenAdministrator(ctx.deps.db, {}, [otherAccount]);
  });
  afterAll(() => ctx.close());

  it('lists the signed version with its fingerprint and a download link', async () => {
    const row = await ctx.deps.db('signature').where({ application_id: signed.id }).first();
    const agent = await signInAs(ctx.app, ctx.deps, signed.adminEmail, 'en');
    const page = $((await agent.get(paths.admin.applications.show(signed.id))).text);
    const version = page('#signed-pdfs tr[data-version="1"]');
    expect(version.length).toBe(1);
    expect(version.text()).toContain(row.pdf_sha256);
    expect(version.find('a').attr('href')).toBe(paths.admin.tracking.signedPdf(signed.id, 1));
    const none = $((await (await signInAs(ctx.app, ctx.deps, unsigned.adminEmail, 'fr')).get(paths.admin.applications.show(unsigned.id))).text);
    expect(none('#signed-pdfs').text()).toContain('pas encore été signée');
  });

  it('downloads the archived PDF as a sandboxed attachment, identical to what was signed, and audits it', async () => {
    const row = await ctx.deps.db('signature').where({ application_id: signed.id }).first();
    const agent = await signInAs(ctx.app, ctx.deps, signed.adminEmail, 'en');
    const res = await agent.get(paths.admin.tracking.signedPdf(signed.id, 1)).set('User-Agent', 'PdfReader/1').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(row.pdf_sha256);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="application-${signed.reference}-signed-v1.pdf"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['cache-control']).toContain('no-store');
    const entry = await ctx.deps.db('audit_log').where({ action: 'signed_pdf.download' }).orderBy('id', 'desc').first();
    expect(entry).toMatchObject({
      actor_id: signed.adminId,
      actor_email: signed.adminEmail,
      application_id: signed.id,
      object_type: 'signature',
      object_id: String(row.id),
      user_agent: 'PdfReader/1',
    });
    expect(entry.ip).toBeTruthy();
    expect(JSON.parse(entry.details)).toEqual({ version: 1, sha256: row.pdf_sha256 });
  });

  it('answers 404 for another BC, an unknown version or an unsigned application, and audits nothing then', async () => {
    const count = async () => Number((await ctx.deps.db('audit_log').where({ action: 'signed_pdf.download' }).count({ n: '*' }))[0]!.n);
    const before = await count();
    const stranger = await signInAs(ctx.app, ctx.deps, outsider.email, 'en');
    expect((await stranger.get(paths.admin.tracking.signedPdf(signed.id, 1))).status).toBe(404);
    expect((await stranger.get(paths.admin.applications.show(signed.id))).status).toBe(404);
    // The administrator of the unsigned application's BC is not the signed one's either.
    const otherAdmin = await signInAs(ctx.app, ctx.deps, unsigned.adminEmail, 'en');
    expect((await otherAdmin.get(paths.admin.tracking.signedPdf(signed.id, 1))).status).toBe(404);
    expect((await otherAdmin.get(paths.admin.tracking.signedPdf(unsigned.id, 1))).status).toBe(404);
    const owner = await signInAs(ctx.app, ctx.deps, signed.adminEmail, 'en');
    expect((await owner.get(paths.admin.tracking.signedPdf(signed.id, 2))).status).toBe(404);
    expect((await owner.get(paths.admin.tracking.signedPdf(signed.id, 'x'))).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('never serves a tampered archive file as the signed PDF', async () => {
    const row = await ctx.deps.db('signature').where({ application_id: signed.id }).first();
    const file = path.resolve(ctx.dataDir, row.archive_path);
    const original = fs.readFileSync(file);
    fs.chmodSync(file, 0o640);
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from('%tampered')]));
    try {
      const owner = await signInAs(ctx.app, ctx.deps, signed.adminEmail, 'en');
      const res = await owner.get(paths.admin.tracking.signedPdf(signed.id, 1));
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toContain('text/html');
    } finally {
      fs.writeFileSync(file, original);
      fs.chmodSync(file, 0o440);
    }
  });
});
