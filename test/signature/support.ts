import zlib from 'node:zlib';
import request from 'supertest';
import type { TestContext, Agent } from '../support/app';
import { csrfFrom } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { givenApplication } from '../applications/helpers';
import { saveDocument } from '../../src/core/application/documents';
import { savePin } from '../../src/core/application/pin-storage';
import { currentTerms, recordAcceptance, seedTerms } from '../../src/core/terms/repository';
import { openEmailData } from '../../src/core/outbox/sealed';
import { newToken, tokenHash } from '../../src/core/application/approval-requests';
import { paths } from '../../src/platform/paths';

/** A valid cardholder section, with accents and a typographic apostrophe (the PDF must keep them). */
export const CARDHOLDER = {
  title: 'mrs',
  firstName: 'Élodie',
  lastName: 'Dupré',
  birthName: '',
  dobDay: '14',
  dobMonth: '3',
  dobYear: '1985',
  birthPlace: 'Besançon',
  birthCountry: 'FR',
  nationality: 'FR',
  homeAddressLine1: '12 rue de l’Église',
  homeAddressLine2: '',
  homePostalCode: '75011',
  homeCity: 'Paris',
  homeCountry: 'FR',
  mobilePhone: '06 12 34 56 78',
  businessPhone: '',
  businessEmail: 'elodie.dupre@acme.example',
  businessAddressLine1: '1 rue du Test',
  businessAddressLine2: '',
  businessPostalCode: '75001',
  businessCity: 'Paris',
  businessCountry: 'FR',
  jobTitle: 'Chargée d’études à Noël',
  employeeNumber: '',
  costCentre: '',
  embossName: 'ELODIE DUPRE',
  correspondenceLanguage: 'fr',
};

/** The PIN the employee chose: it must never appear in a PDF or a page. */
export const PIN = '7391';

export const PDF_FILE = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

export interface Signable {
  id: number;
  reference: string;
  keyNumber: string;
  keyId: number;
  accountId: number;
  adminEmail: string;
  adminId: number;
}

/**
 * An application whose every section is complete (cardholder, PIN, identity document, cardholder terms accepted),
 * in progress and ready for the signature. Options: urgent priority, additional approver required, notification
 * recipients, self-service origin.
 */
export async function givenSignableApplication(
  ctx: Pick<TestContext, 'deps' | 'config'>,
  opts: { priority?: 'normal' | 'urgent'; additionalApprover?: boolean; notificationRecipients?: string[]; origin?: 'controlled' | 'self_service'; email?: string } = {},
): Promise<Signable> {
  const { db } = ctx.deps;
  await seedTerms(db);
  const accountId = await givenAccount(db);
  const admin = await givenAdministrator(db, {}, [accountId]);
  const key = await givenAccessKey(db, accountId, admin.id, {
    additional_approver_required: Boolean(opts.additionalApprover),
    notification_recipients: JSON.stringify(opts.notificationRecipients ?? []),
  });
  const created = await givenApplication(
    db,
    { id: key.id, number: key.number, accountId },
    { priority: opts.priority ?? 'normal', status: 'in_progress', email: opts.email ?? 'elodie.dupre@acme.example', ...(opts.origin === 'self_service' ? { origin: 'self_service', initiatedBy: null } : { initiatedBy: admin.id }) } as never,
  );
  const now = ctx.deps.clock.now();
  const priority = opts.origin === 'self_service' ? { priority: { priority: opts.priority ?? 'normal', urgentTermsAccepted: 'yes' } } : {};
  await db('application').where({ id: created.id }).update({ form_data: JSON.stringify({ ...priority, cardholder: CARDHOLDER, firstSavedAt: now.toISOString() }) });
  if ((opts.priority ?? 'normal') === 'normal') {
    const saved = await db.transaction((trx) => savePin(ctx.deps, trx, { applicationId: created.id, pin: PIN, confirmation: PIN, now }));
    if (!saved.ok) throw new Error(saved.key);
  }
  await db.transaction((trx) =>
    saveDocument({ config: ctx.config, logger: ctx.deps.logger }, trx, { applicationId: created.id, kind: 'identity', file: { buffer: PDF_FILE, originalName: 'carte-identité.pdf' }, now }),
  );
  const terms = await currentTerms(db, 'cardholder', 'corporate', 'fr', now);
  if (!terms) throw new Error('no cardholder terms');
  await db.transaction((trx) => recordAcceptance(trx, { applicationId: created.id, termsId: terms.id, now }));
  return { id: created.id, reference: created.reference, keyNumber: key.number, keyId: key.id, accountId, adminEmail: admin.email, adminId: admin.id };
}

/** An employee agent in the application's session (key + reference entry). */
export async function employeeAgent(ctx: TestContext, a: Pick<Signable, 'keyNumber' | 'reference'>, lang: 'fr' | 'en' = 'fr'): Promise<Agent> {
  const agent = request.agent(ctx.app);
  const page = await agent.get(`${paths.employee.entry}?lang=${lang}`);
  const res = await agent.post(paths.employee.entry).type('form').send({ _csrf: csrfFrom(page.text), accessKey: a.keyNumber, reference: a.reference });
  if (res.status !== 303) throw new Error(`entry failed: ${res.status}`);
  return agent;
}

/** Accepts the signature terms (step 1). */
export async function acceptSignatureTerms(agent: Agent): Promise<void> {
  const page = await agent.get(paths.employee.signature);
  if (page.status !== 200) throw new Error(`signature terms page: ${page.status} ${page.headers.location ?? ''}`);
  const termsId = /name="termsId" value="(\d+)"/.exec(page.text)?.[1];
  const res = await agent.post(paths.employee.signature).type('form').send({ _csrf: csrfFrom(page.text), termsId, accept: 'yes' });
  if (res.status !== 303) throw new Error(`accepting signature terms failed: ${res.status}`);
}

/** Requests a code (step 2) and returns it, read from the outbox row (sealed there) with the data key. */
export async function requestCode(ctx: TestContext, agent: Agent, applicationId: number): Promise<string> {
  const page = await agent.get(paths.employee.signing.document);
  if (page.status !== 200) throw new Error(`document page: ${page.status} ${page.headers.location ?? ''}`);
  const res = await agent.post(paths.employee.signing.sendCode).type('form').send({ _csrf: csrfFrom(page.text), from: 'document' });
  if (res.status !== 303) throw new Error(`sending the code failed: ${res.status}`);
  return latestCode(ctx, applicationId);
}

export async function latestCode(ctx: TestContext, applicationId: number): Promise<string> {
  const row = await ctx.deps.db('outbox').where({ application_id: applicationId, template: 'signing-code' }).orderBy('id', 'desc').first();
  const data = openEmailData(ctx.deps.secrets.dataKeyring(), row.idempotency_key, JSON.parse(row.data));
  return String(data.code);
}

/** Posts a code on step 3; returns the response. */
export async function postCode(agent: Agent, code: string): Promise<request.Response> {
  const page = await agent.get(paths.employee.signing.code);
  return agent.post(paths.employee.signing.code).type('form').send({ _csrf: csrfFrom(page.text), code });
}

/** Windows-1252 0x80–0x9F (Node's TextDecoder may treat windows-1252 as Latin-1 without full ICU). */
const CP1252_HIGH = [...'€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'];

/**
 * The text a PDF shows, without any system tool: content streams inflated with zlib when compressed, then the
 * strings of the text operators (hex or literal) decoded as WinAnsi (Windows-1252). Lines joined with newlines.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const body = Buffer.from(m[1] as string, 'latin1');
    try {
      streams.push(zlib.inflateSync(body).toString('latin1'));
    } catch {
      streams.push(body.toString('latin1'));
    }
  }
  const lines: string[] = [];
  for (const s of streams) {
    const ops = s.match(/\[(?:[^\]]*)\]\s*TJ|<[0-9a-fA-F]*>\s*Tj|\((?:\\.|[^\\)])*\)\s*Tj/g) ?? [];
    for (const op of ops) {
      const parts = op.match(/<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\)/g) ?? [];
      const bytes: number[] = [];
      for (const p of parts) {
        if (p.startsWith('<')) {
          const hex = p.slice(1, -1);
          for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
        } else {
          for (const ch of p.slice(1, -1).replace(/\\(.)/g, '$1')) bytes.push(ch.charCodeAt(0));
        }
      }
      lines.push(bytes.map((b) => (b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? '?') : String.fromCharCode(b))).join(''));
    }
  }
  return lines.join('\n');
}

/**
 * The approver named in the form and a request sent to them (e-mail 3's link, valid 7 days from `now`), already
 * approved when `decided`. Returns the link's token.
 */
export async function givenApprovalRequest(ctx: TestContext, applicationId: number, opts: { now: Date; decided?: boolean }): Promise<string> {
  const db = ctx.deps.db;
  const row = await db('application').where({ id: applicationId }).first('form_data');
  const form = JSON.parse(row.form_data);
  form.approver = { approverName: 'Marc Lefèvre', approverEmail: 'marc.lefevre@acme.example', approverLanguage: 'fr' };
  await db('application').where({ id: applicationId }).update({ form_data: JSON.stringify(form) });
  const token = newToken();
  await db('approval_request').insert({
    application_id: applicationId,
    approver_name: 'Marc Lefèvre',
    approver_email: 'marc.lefevre@acme.example',
    language: 'fr',
    token_hash: tokenHash(token),
    expires_at: new Date(opts.now.getTime() + 7 * 86_400_000).toISOString(),
    created_at: opts.now.toISOString(),
    ...(opts.decided ? { used_at: opts.now.toISOString(), decision: 'approved' } : {}),
  });
  return token;
}
