import request from 'supertest';
import type { Express } from 'express';
import { paths } from '../../src/platform/paths';
import { $, csrfFrom, type Agent, type TestContext } from './app';
import { latestCode } from './outbox';

/** The employee's side over HTTP: entry with key and reference, form sections, documents, signature steps. */

/** Key + reference entry in the given language; returns the agent bound to the application. */
export async function enter(app: Express, key: { number: string }, reference: string, lang: 'fr' | 'en' = 'en'): Promise<Agent> {
  const agent = request.agent(app);
  const page = await agent.get(`${paths.employee.entry}?lang=${lang}`);
  const res = await agent
    .post(paths.employee.entry)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), accessKey: key.number, reference });
  if (res.status !== 303) throw new Error(`entry failed: ${res.status}`);
  return agent;
}

/** An employee agent in the application's session (key + reference entry), French unless told otherwise. */
export async function employeeAgent(ctx: TestContext, a: { keyNumber: string; reference: string }, lang: 'fr' | 'en' = 'fr'): Promise<Agent> {
  return enter(ctx.app, { number: a.keyNumber }, a.reference, lang);
}

/** GETs the page (for its CSRF token) then POSTs the fields to it. */
export async function submit(agent: Agent, path: string, fields: Record<string, string>, getPath = path): Promise<request.Response> {
  const page = await agent.get(getPath);
  if (page.status !== 200) throw new Error(`GET ${getPath}: ${page.status} ${page.headers.location ?? ''}`);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

export const VALID_CARDHOLDER: Record<string, string> = {
  title: 'mrs',
  firstName: 'Élodie',
  lastName: 'Dupré',
  birthName: '',
  dobDay: '14',
  dobMonth: '7',
  dobYear: '1986',
  birthPlace: 'Lyon',
  birthCountry: 'FR',
  nationality: 'FR',
  homeAddressLine1: '12 rue des Lilas',
  homeAddressLine2: '',
  homePostalCode: '69003',
  homeCity: 'Lyon',
  homeCountry: 'FR',
  mobilePhone: '06 12 34 56 78',
  businessPhone: '',
  businessEmail: 'elodie.dupre@acme.example',
  businessAddressLine1: '1 rue du Test',
  businessAddressLine2: '',
  businessPostalCode: '75001',
  businessCity: 'Paris',
  businessCountry: 'FR',
  jobTitle: 'Responsable des achats',
  employeeNumber: 'E-1234',
  costCentre: 'CC/42',
  embossName: '',
  correspondenceLanguage: 'fr',
};

export const VALID_IBAN = 'FR76 3000 6000 0112 3456 7890 189';

/** A minimal PDF (magic bytes are what count). */
export function pdfBytes(label = 'identity'): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

/** Uploads a document through the multipart form (CSRF token read from the documents page). */
export async function uploadDocument(agent: Agent, kind: string, buffer: Buffer, filename: string, contentType = 'application/pdf'): Promise<request.Response> {
  const page = await agent.get(paths.employee.form.documents);
  const token = $(page.text)('#upload-form input[name="_csrf"]').val() as string;
  return agent.post(paths.employee.form.upload).field('_csrf', token).field('kind', kind).attach('file', buffer, { filename, contentType });
}

export function sectionIds(html: string): string[] {
  const page = $(html);
  return page('#tasks [data-section]')
    .map((_i, el) => page(el).attr('data-section'))
    .get();
}

export function sectionStatus(html: string, id: string): string {
  return $(html)(`#task-${id}-status`).text().trim();
}

/** Accepts the signature terms (step 1). */
export async function acceptSignatureTerms(agent: Agent): Promise<void> {
  const page = await agent.get(paths.employee.signature);
  if (page.status !== 200) throw new Error(`signature terms page: ${page.status} ${page.headers.location ?? ''}`);
  const termsId = /name="termsId" value="(\d+)"/.exec(page.text)?.[1];
  const res = await agent
    .post(paths.employee.signature)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), termsId, accept: 'yes' });
  if (res.status !== 303) throw new Error(`accepting signature terms failed: ${res.status}`);
}

/** Requests a code (step 2) and returns it, read from the outbox row (sealed there) with the data key. */
export async function requestCode(ctx: TestContext, agent: Agent, applicationId: number): Promise<string> {
  const page = await agent.get(paths.employee.signing.document);
  if (page.status !== 200) throw new Error(`document page: ${page.status} ${page.headers.location ?? ''}`);
  const res = await agent
    .post(paths.employee.signing.sendCode)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), from: 'document' });
  if (res.status !== 303) throw new Error(`sending the code failed: ${res.status}`);
  return latestCode(ctx, applicationId);
}

/** Posts a code on step 3; returns the response. */
export async function postCode(agent: Agent, code: string): Promise<request.Response> {
  const page = await agent.get(paths.employee.signing.code);
  return agent
    .post(paths.employee.signing.code)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), code });
}
