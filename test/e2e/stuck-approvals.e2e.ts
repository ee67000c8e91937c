import { useE2E, expectNoSeriousA11yViolations, expectNoConsoleErrors } from './support';
import { AdminPages } from './pages/admin';
import { givenPendingForClaire } from './support/pending';

/** Stuck approvals (issue 16 item 3): the queue filtered on the overdue applications, each tagged, in both languages. */
describe('stuck approvals in the browser', () => {
  const e2e = useE2E({ locale: 'en-GB' });

  it.each([
    ['en', 'Overdue', /^Pending approval \(\d+\)$/],
    ['fr', 'En retard', /^En attente d’approbation \(\d+\)$/],
  ] as const)('Claire filters her queue on the overdue applications (%s)', async (lang, tag, tab) => {
    const [stuck, fresh] = await givenPendingForClaire(e2e.deps, [
      ['Sam', `Stuck${lang}`],
      ['Fay', `Fresh${lang}`],
    ]);
    // Waiting for approval for a month (the key's deadline: 5 business days); the other one since now.
    const monthAgo = new Date(e2e.deps.clock.now().getTime() - 30 * 86400000).toISOString();
    await e2e.deps.db('application').where({ id: stuck!.id }).update({ submitted_at: monthAgo, status_changed_at: monthAgo });
    await e2e.deps.db('application').where({ id: fresh!.id }).update({ submitted_at: e2e.deps.clock.now().toISOString() });

    const admin = new AdminPages(e2e.page);
    await admin.signIn('Claire Martin', lang);
    await admin.tab(tab).click();
    const all = new Map(await admin.queueRows());
    expect(all.get(stuck!.reference)).toBe(tag);
    expect(all.get(fresh!.reference)).toBe('');
    await expectNoSeriousA11yViolations(e2e.page, { label: `approval queue with overdue tags (${lang})` });

    await admin.filterQueueOnOverdue(lang);
    await e2e.page.waitForURL(/overdue=yes/);
    const overdue = await admin.queueRows();
    expect(overdue.map(([reference]) => reference)).toContain(stuck!.reference);
    expect(overdue.map(([reference]) => reference)).not.toContain(fresh!.reference);
    expect(overdue.every(([, t]) => t === tag)).toBe(true);
    await expectNoSeriousA11yViolations(e2e.page, { label: `approval queue filtered on overdue (${lang})` });
    expectNoConsoleErrors(e2e);
  });
});
