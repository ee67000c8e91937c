import request from 'supertest';
import type { Express } from 'express';
import type { Db } from '../../src/platform/db';
import { paths } from '../../src/platform/paths';
import { seedTerms } from '../../src/core/terms/repository';
import { openEmailData } from '../../src/core/outbox/sealed';
import type { Deps } from '../../src/platform/deps';
import { $, csrfFrom, type Agent } from '../support/app';
import { givenAccessKey, givenAccount, givenAdministrator } from '../support/builders';
import { givenApplication } from '../applications/helpers';
import type { NewApplication } from '../../src/core/application/create';
import type { Status } from '../../src/core/application/status';

export interface KeyOptions {
  paymentType?: 'central' | 'individual';
  liabilityType?: 'company' | 'joint' | 'individual';
  directDebitRule?: 'required' | 'optional' | 'none';
  approver?: boolean;
  employeeNumberRule?: 'required' | 'optional';
  costCentreRule?: 'required' | 'optional';
  cardProduct?: string;
}

export interface TestKey {
  id: number;
  number: string;
  accountId: number;
  adminId: number;
}

/** A BC and its key with the rules a scenario needs; the sample terms are published once. */
export async function givenFormKey(db: Db, opts: KeyOptions = {}): Promise<TestKey> {
  await seedTerms(db);
  const accountId = await givenAccount(db, {
    company_name: 'ACME Formulaire SA',
    payment_type: opts.paymentType ?? 'central',
    liability_type: opts.liabilityType ?? 'company',
    card_product: opts.cardProduct ?? 'corporate',
  });
  const admin = await givenAdministrator(db, {}, [accountId]);
  const key = await givenAccessKey(db, accountId, admin.id, {
    direct_debit_rule: opts.directDebitRule ?? 'none',
    additional_approver_required: opts.approver ?? false,
    employee_number_rule: opts.employeeNumberRule ?? 'optional',
    cost_centre_rule: opts.costCentreRule ?? 'optional',
  });
  return { ...key, accountId, adminId: admin.id };
}

let emailSeq = 0;

export async function givenFormApplication(
  db: Db,
  key: TestKey,
  overrides: Partial<NewApplication> & { status?: Status } = {},
  now?: Date,
): Promise<{ id: number; reference: string }> {
  emailSeq++;
  return givenApplication(db, key, { email: `employee${emailSeq}@acme.example`, ...overrides }, now);
}

/** Key + reference entry in the given language; returns the agent bound to the application. */
export async function enter(app: Express, key: { number: string }, reference: string, lang: 'fr' | 'en' = 'en'): Promise<Agent> {
  const agent = request.agent(app);
  const page = await agent.get(`${paths.employee.entry}?lang=${lang}`);
  const res = await agent.post(paths.employee.entry).type('form').send({ _csrf: csrfFrom(page.text), accessKey: key.number, reference });
  if (res.status !== 303) throw new Error(`entry failed: ${res.status}`);
  return agent;
}

/** GETs the page (for its CSRF token) then POSTs the fields to it. */
export async function submit(agent: Agent, path: string, fields: Record<string, string>, getPath = path): Promise<request.Response> {
  const page = await agent.get(getPath);
  if (page.status !== 200) throw new Error(`GET ${getPath}: ${page.status} ${page.headers.location ?? ''}`);
  return agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), ...fields });
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

/** The clear approval link token of the latest e-mail 3 queued for an application (the outbox row holds it sealed). */
export async function approvalTokenFromOutbox(deps: Deps, applicationId: number): Promise<string> {
  const row = await deps.db('outbox').where({ application_id: applicationId, template: 'additional-approval-request' }).orderBy('id', 'desc').first();
  if (!row) throw new Error('no approval e-mail queued');
  const data = openEmailData(deps.secrets.dataKeyring(), row.idempotency_key, JSON.parse(row.data) as Record<string, unknown>);
  return String(data.token);
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
