import request from 'supertest';
import type { Express } from 'express';
import { paths } from '../../src/platform/paths';
import { $, csrfFrom, type Agent } from './app';

/** Driving the approval queue over HTTP: select, confirm, read the results. */

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
