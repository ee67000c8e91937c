import request from 'supertest';
import type { Express } from 'express';
import type { Db } from '../../src/platform/db';
import type { NewApplication } from '../../src/core/application/create';
import type { Status } from '../../src/core/application/status';
import { paths } from '../../src/platform/paths';
import { $, csrfFrom, type Agent } from '../support/app';
import { givenApplication } from '../applications/helpers';

export type Key = { id: number; number: string; accountId: number };

let seq = 0;

/**
 * A signed application waiting in the queue: status pending_approval (or the one given), and for normal priority a
 * PIN on file (an opaque value: what matters is that one is stored), as the employee's signature leaves it.
 */
export async function givenPending(
  db: Db,
  key: Key,
  overrides: Partial<NewApplication> & { status?: Status; createdAt?: string; withPin?: boolean } = {},
): Promise<{ id: number; reference: string }> {
  const { status = 'pending_approval', createdAt, withPin, ...rest } = overrides;
  seq++;
  const created = await givenApplication(db, key, { email: `employee${seq}@acme.example`, ...rest, status });
  if (createdAt) await db('application').where({ id: created.id }).update({ created_at: createdAt });
  if (withPin ?? (rest.priority ?? 'normal') === 'normal') {
    await db('application_pin').insert({ application_id: created.id, encrypted: 'v1.test.opaque', key_id: 'test', stored_at: '2026-11-24T09:00:00.000Z' });
  }
  return created;
}

export interface ActOptions {
  /** Ids ticked, or 'all' for "select all matching the filter". */
  ids: number[] | 'all';
  action: 'approve' | 'return' | 'cancel' | 'urgent' | 'normal';
  /** Filter and list fields carried by the selection form (as the list page puts them). */
  filters?: Record<string, string>;
  form?: Record<string, string>;
}

/** Selects on the queue and lands on the confirmation page; returns its URL and HTML. */
export async function select(agent: Agent, opts: Omit<ActOptions, 'form'>): Promise<{ confirmUrl: string; html: string; csrf: string }> {
  const list = await agent.get(paths.admin.approvals.list);
  const csrf = csrfFrom(list.text);
  const body: Record<string, unknown> = { _csrf: csrf, action: opts.action, ...(opts.filters ?? {}) };
  if (opts.ids === 'all') body.selectAll = 'yes';
  else body.ids = opts.ids.map(String);
  const res = await agent.post(paths.admin.approvals.select).type('form').send(body);
  if (res.status !== 303) throw new Error(`selection answered ${res.status}: ${$(res.text)('.error-summary').text()}`);
  const confirmUrl = res.headers.location as string;
  const page = await agent.get(confirmUrl);
  return { confirmUrl, html: page.text, csrf };
}

/** Selection, confirmation, then the results page. */
export async function act(agent: Agent, opts: ActOptions): Promise<{ confirmUrl: string; confirmBody: Record<string, string>; results: request.Response }> {
  const { confirmUrl, csrf } = await select(agent, opts);
  const confirmBody = { _csrf: csrf, ...(opts.form ?? {}) };
  const res = await agent.post(confirmUrl).type('form').send(confirmBody);
  if (res.status !== 303) throw new Error(`confirmation answered ${res.status}: ${$(res.text)('.error-summary').text()}`);
  const results = await agent.get(res.headers.location as string);
  return { confirmUrl, confirmBody, results };
}

export function resultRows(html: string, table: 'succeeded' | 'refused'): Array<{ id: number; text: string }> {
  const page = $(html);
  return page(`#${table} tbody tr`)
    .toArray()
    .map((tr) => ({ id: Number(page(tr).attr('data-id')), text: page(tr).text().replace(/\s+/g, ' ').trim() }));
}

export function anonymousAgent(app: Express): Agent {
  return request.agent(app);
}
