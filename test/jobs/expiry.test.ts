import { expireApplications } from '../../src/jobs/expiry';
import { transition } from '../../src/core/application/status';
import { contextPerTest, type TestContext } from '../support/app';
import { givenInvitedApplication } from '../support/builders';

const DAY = 86400000;
const T0 = new Date('2026-11-24T10:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * DAY);

describe('the expiry job', () => {
  let ctx: TestContext;
  const currentContext = contextPerTest();
  beforeEach(() => {
    ctx = currentContext();
  });

  const statusOf = async (id: number) => (await ctx.deps.db('application').where({ id }).first('status')).status as string;
  const historyTo = (id: number, status: string) => ctx.deps.db('application_status_history').where({ application_id: id, to_status: status });

  it('expires an application not submitted 90 days after its initiation, once, as the system', async () => {
    const app = await givenInvitedApplication(ctx.deps.db, T0);
    expect(await expireApplications(ctx.deps, day(89))).toEqual({ expired: 0 });
    expect(await statusOf(app.id)).toBe('invited');
    expect(await expireApplications(ctx.deps, new Date(day(90).getTime() - 1000))).toEqual({ expired: 0 });

    expect(await expireApplications(ctx.deps, day(90))).toEqual({ expired: 1 });
    expect(await statusOf(app.id)).toBe('expired');
    expect(await expireApplications(ctx.deps, day(90))).toEqual({ expired: 0 });
    expect(await expireApplications(ctx.deps, day(91))).toEqual({ expired: 0 });
    const history = await historyTo(app.id, 'expired');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ actor_type: 'system', actor_id: null, from_status: 'invited', at: day(90).toISOString() });
  });

  it('expires in_progress and returned applications too, but never a submitted one', async () => {
    const inProgress = await givenInvitedApplication(ctx.deps.db, T0);
    const returned = await givenInvitedApplication(ctx.deps.db, T0);
    const submitted = await givenInvitedApplication(ctx.deps.db, T0);
    await ctx.deps.db.transaction(async (trx) => {
      await transition(trx, { applicationId: inProgress.id, from: ['invited'], to: 'in_progress', actor: { type: 'employee' }, now: day(1) });
      await transition(trx, { applicationId: returned.id, from: ['invited'], to: 'in_progress', actor: { type: 'employee' }, now: day(1) });
      await transition(trx, { applicationId: returned.id, from: ['in_progress'], to: 'pending_approval', actor: { type: 'employee' }, now: day(2) });
      await transition(trx, { applicationId: returned.id, from: ['pending_approval'], to: 'returned', actor: { type: 'admin' }, now: day(3) });
      await transition(trx, { applicationId: submitted.id, from: ['invited'], to: 'pending_approval', actor: { type: 'employee' }, now: day(5) });
    });
    expect(await expireApplications(ctx.deps, day(95))).toEqual({ expired: 2 });
    expect(await statusOf(inProgress.id)).toBe('expired');
    expect(await statusOf(returned.id)).toBe('expired');
    expect(await statusOf(submitted.id)).toBe('pending_approval');
  });

  it('works through more applications than one batch', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await givenInvitedApplication(ctx.deps.db, T0)).id);
    // same key for many more: insert copies directly to go past the batch size quickly
    const template = await ctx.deps.db('application').where({ id: ids[0] }).first();
    const rows = Array.from({ length: 250 }, (_, i) => ({ ...template, id: undefined, reference: String(5000000000 + i) }));
    for (let i = 0; i < rows.length; i += 100) await ctx.deps.db('application').insert(rows.slice(i, i + 100));
    expect(await expireApplications(ctx.deps, day(90))).toEqual({ expired: 255 });
    expect(Number((await ctx.deps.db('application').whereNot({ status: 'expired' }).count({ n: '*' }))[0]?.n)).toBe(0);
  });
});
