import request from 'supertest';
import { createTestContext, signInAs, $, TestClock, type TestContext } from '../support/app';
import { saveDocument } from '../../src/core/application/documents';
import { paths } from '../../src/platform/paths';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';

type Key = { id: number; number: string; accountId: number };

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

/** Binary bodies as a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('tracking on the administrator’s application page: history and e-mails, key, the form read-only, documents, audit', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: Key;
  let keyB: Key;
  let app: { id: number; reference: string };
  let other: { id: number; reference: string };
  let appB: { id: number; reference: string };
  let identityId: number;
  let removedId: number;
  let otherDocId: number;

  async function store(applicationId: number, kind: string, buffer: Buffer, name: string): Promise<number> {
    const saved = await ctx.deps.db.transaction((trx) =>
      saveDocument({ config: ctx.config, logger: ctx.deps.logger }, trx, {
        applicationId,
        kind,
        file: { buffer, originalName: name },
        now: ctx.deps.clock.now(),
      }),
    );
    if (!saved.ok) throw new Error(saved.key);
    return saved.document.id;
  }

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db, { company_name: 'ACME Page SA', number: '00820400012' });
    const accountB = await givenAccount(db, { company_name: 'Other Corp' });
    adminA = await givenAdministrator(db, { display_name: 'Claire Gestion' }, [accountA]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Finance', plastic_type: 'gold', cost_centre_rule: 'required' })), accountId: accountA };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id)), accountId: accountB };
    app = await givenApplication(db, keyA, { initiatedBy: adminA.id, email: 'elodie.dupre@acme.example', status: 'in_progress' });
    await db('application')
      .where({ id: app.id })
      .update({
        form_data: JSON.stringify({
          cardholder: {
            title: 'mrs',
            firstName: 'Élodie',
            lastName: 'Dupré',
            birthPlace: 'Besançon',
            dobDay: '14',
            dobMonth: '3',
            dobYear: '1985',
            jobTitle: 'Chargée d’études',
          },
          firstSavedAt: '2026-11-24T09:00:00.000Z',
        }),
      });
    await db('application_status_history').insert({
      application_id: app.id,
      at: '2026-11-24T10:00:00.000Z',
      actor_type: 'admin',
      actor_id: adminA.id,
      from_status: 'invited',
      to_status: 'in_progress',
      comment: 'Relancée par téléphone',
      comment_for_employee: false,
    });
    await db('outbox')
      .where({ application_id: app.id, template: 'invitation-link' })
      .update({ status: 'sent', sent_at: '2026-11-24T09:01:00.000Z', attempts: 1 });
    identityId = await store(app.id, 'identity', PDF, 'carte-identité.pdf');
    removedId = await store(app.id, 'other', PNG, 'ancien.png');
    await db('application_document').where({ id: removedId }).update({ removed_at: '2026-11-24T09:30:00.000Z' });
    other = await givenApplication(db, keyA, { email: 'autre@acme.example', status: 'in_progress' });
    otherDocId = await store(other.id, 'identity', PNG, 'autre.png');
    appB = await givenApplication(db, keyB, { email: 'b@other.example' });
  });
  afterAll(() => ctx.close());

  it('shows the status history with actor names and comments, and the e-mails with masked recipients', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const page = $((await agent.get(paths.admin.applications.show(app.id))).text);
    const history = page('#history tbody tr');
    expect(history.last().text()).toContain('Claire Gestion');
    expect(history.last().text()).toContain('Relancée par téléphone');
    const emails = page('#emails tbody tr');
    expect(emails.length).toBe(2);
    const link = page('#emails tr[data-template="invitation-link"]');
    expect(link.text()).toContain('1 – Link and reference number');
    expect(link.text()).toContain('e***@acme.example');
    expect(link.text()).toContain('Sent');
    expect(link.text()).not.toContain('elodie.dupre@');
    const key = page('#emails tr[data-template="invitation-key"]');
    expect(key.text()).toContain('2 – Access key');
    expect(key.text()).toContain('Queued');
    expect(page('#emails').text()).not.toContain('elodie.dupre@acme.example');
  });

  it('shows the key information, the application read-only (no change links, no PIN) and the current documents', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const res = await agent.get(paths.admin.applications.show(app.id));
    expect(res.status).toBe(200);
    const page = $(res.text);
    const key = page('#key-info').text();
    expect(key).toContain('Finance');
    expect(key).toContain(keyA.number);
    expect(key).toContain('00820400012');
    expect(key).toContain('ACME Page SA');
    expect(key).toContain('Required'); // cost-centre code
    const form = page('#application-form');
    expect(form.find('[data-section="company"]').text()).toContain('ACME Page SA');
    const cardholder = form.find('[data-section="cardholder"]').text();
    expect(cardholder).toContain('Élodie');
    expect(cardholder).toContain('Dupré');
    expect(cardholder).toContain('Besançon');
    expect(cardholder).toContain('Chargée d’études');
    expect(form.find('a').length).toBe(0);
    expect(form.find('[data-section="pin"]').text()).toContain('Not chosen');
    const docs = page('#documents tbody tr');
    expect(docs.length).toBe(1);
    expect(docs.first().attr('data-document')).toBe(String(identityId));
    expect(docs.first().text()).toContain('carte-identité.pdf');
    expect(docs.first().text()).toContain('PDF');
    const row = await ctx.deps.db('application_document').where({ id: identityId }).first();
    expect(docs.first().text()).toContain(row.sha256);
    expect(docs.first().find('a').attr('href')).toBe(paths.admin.tracking.document(app.id, identityId));
    expect(page('#documents').text()).not.toContain('ancien.png');
  });

  it('records each view of the page in the audit log: who, which application, when, from where', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'fr');
    const before = await ctx.deps.db('audit_log').where({ action: 'application.view', application_id: app.id }).count({ n: '*' });
    await agent.get(paths.admin.applications.show(app.id)).set('User-Agent', 'Viewer/2.0');
    const entries = await ctx.deps.db('audit_log').where({ action: 'application.view', application_id: app.id }).orderBy('id');
    expect(entries.length).toBe(Number(before[0]!.n) + 1);
    const last = entries[entries.length - 1];
    expect(last).toMatchObject({
      actor_type: 'admin',
      actor_id: adminA.id,
      actor_email: adminA.email,
      object_type: 'application',
      object_id: String(app.id),
      user_agent: 'Viewer/2.0',
      at: ctx.deps.clock.now().toISOString(),
    });
    expect(last.ip).toBeTruthy();
    expect(last.details).not.toMatch(/elodie|Dupré/i);
  });

  it('downloads a document as a sandboxed, uncached attachment, and audits it', async () => {
    const agent = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    const res = await agent.get(paths.admin.tracking.document(app.id, identityId)).set('User-Agent', 'Downloader/3.1').buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body as Buffer, PDF)).toBe(0);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="carte-identit/);
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''carte-identit%C3%A9.pdf");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['cache-control']).toContain('no-store');
    const entry = await ctx.deps.db('audit_log').where({ action: 'document.download' }).orderBy('id', 'desc').first();
    expect(entry).toMatchObject({
      actor_id: adminA.id,
      actor_email: adminA.email,
      application_id: app.id,
      object_type: 'document',
      object_id: String(identityId),
      user_agent: 'Downloader/3.1',
    });
    expect(entry.ip).toBeTruthy();
    expect(JSON.parse(entry.details)).toMatchObject({ kind: 'identity' });
  });

  it('answers 404 for another BC’s application or document, a removed document, or a document of another application — and audits nothing then', async () => {
    const count = async () => Number((await ctx.deps.db('audit_log').whereIn('action', ['application.view', 'document.download']).count({ n: '*' }))[0]!.n);
    const before = await count();
    const agentB = await signInAs(ctx.app, ctx.deps, adminB.email, 'en');
    expect((await agentB.get(paths.admin.applications.show(app.id))).status).toBe(404);
    expect((await agentB.get(paths.admin.tracking.document(app.id, identityId))).status).toBe(404);
    const agentA = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
    expect((await agentA.get(paths.admin.applications.show(appB.id))).status).toBe(404);
    expect((await agentA.get(paths.admin.tracking.document(app.id, removedId))).status).toBe(404);
    expect((await agentA.get(paths.admin.tracking.document(app.id, otherDocId))).status).toBe(404);
    expect((await agentA.get(paths.admin.tracking.document(app.id, 999999))).status).toBe(404);
    expect((await agentA.get(paths.admin.tracking.document(app.id, 'abc'))).status).toBe(404);
    expect(await count()).toBe(before);
    expect((await agentA.get(paths.admin.tracking.document(other.id, otherDocId))).status).toBe(200);
    expect(await count()).toBe(before + 1);
    const anonymous = await request(ctx.app).get(paths.admin.tracking.document(app.id, identityId));
    expect([302, 303, 401, 403]).toContain(anonymous.status);
  });

  it('renders in French and in English', async () => {
    const fr = $((await (await signInAs(ctx.app, ctx.deps, adminA.email, 'fr')).get(paths.admin.applications.show(app.id))).text);
    expect(
      fr('h2')
        .map((_i, el) => fr(el).text())
        .get(),
    ).toEqual(
      expect.arrayContaining(['Historique du statut et des flux', 'Informations sur la clé d’accès', 'La demande (lecture seule)', 'Pièces justificatives']),
    );
    expect(fr('#emails-title').text()).toBe('E-mails de la demande');
    expect(fr('#emails tr[data-template="invitation-link"]').text()).toContain('Envoyé');
    const en = $((await (await signInAs(ctx.app, ctx.deps, adminA.email, 'en')).get(paths.admin.applications.show(app.id))).text);
    expect(
      en('h2')
        .map((_i, el) => en(el).text())
        .get(),
    ).toEqual(expect.arrayContaining(['Access key information', 'The application (read-only)', 'Supporting documents']));
    // The document's size in each language's units (the PDF is a few dozen bytes).
    expect(fr(`#documents tr[data-document="${identityId}"] td.num`).text()).toBe(`${PDF.length}\u00a0o`);
    expect(en(`#documents tr[data-document="${identityId}"] td.num`).text()).toBe(`${PDF.length}\u00a0B`);
  });
});
