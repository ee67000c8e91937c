import request from 'supertest';
import * as XLSX from 'xlsx';
import { createTestContext, signInAs, $, TestClock, type TestContext, type Agent } from '../support/app';
import { paths } from '../../src/platform/paths';
import { listPage, matchingIdsInOrder } from '../../src/features/tracking/repository';
import { exportRows } from '../../src/features/tracking/service';
import type { TrackingFilters } from '../../src/features/tracking/schema';
import { givenAccount, givenAdministrator, givenAccessKey, givenApplication } from '../support/builders';

type Key = { id: number; number: string; accountId: number };

/** Binary bodies (xlsx) as a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('tracking: the applications list, its filters, sort, pages and export', () => {
  let ctx: TestContext;
  let adminA: { id: number; email: string };
  let adminB: { id: number; email: string };
  let keyA: Key;
  let keyA2: Key;
  let keyB: Key;
  let dupre: { id: number; reference: string };
  let formula: { id: number; reference: string };
  let bulkOne: { id: number; reference: string };
  let otherBc: { id: number; reference: string };
  let newest: { id: number; reference: string };

  const refsOf = (html: string) => {
    const p = $(html);
    return p('#applications tbody tr')
      .map((_i, el) => p(el).attr('data-reference'))
      .get();
  };

  beforeAll(async () => {
    ctx = await createTestContext({}, { clock: new TestClock() });
    const db = ctx.deps.db;
    const accountA = await givenAccount(db, { company_name: 'ACME List SA' });
    const accountA2 = await givenAccount(db, { company_name: 'ACME Two' });
    const accountB = await givenAccount(db, { company_name: 'Other Corp' });
    adminA = await givenAdministrator(db, {}, [accountA, accountA2]);
    adminB = await givenAdministrator(db, {}, [accountB]);
    keyA = { ...(await givenAccessKey(db, accountA, adminA.id, { name: 'Finance' })), accountId: accountA };
    keyA2 = { ...(await givenAccessKey(db, accountA2, adminA.id, { name: 'Achats' })), accountId: accountA2 };
    keyB = { ...(await givenAccessKey(db, accountB, adminB.id, { name: 'Autre' })), accountId: accountB };
    // 30 plain applications on key A over three days (for paging and date filters), in Paris time.
    for (let i = 0; i < 30; i++) {
      const day = i < 10 ? '2026-11-01' : i < 20 ? '2026-11-15' : '2026-11-28';
      newest = await givenApplication(
        db,
        keyA,
        { email: `person${String(i).padStart(2, '0')}@acme.example`, firstName: 'Jean', lastName: `Martin${String(i).padStart(2, '0')}` },
        new Date(`${day}T10:00:00Z`),
      );
    }
    dupre = await givenApplication(
      db,
      keyA2,
      { firstName: 'Élodie', lastName: 'Dupré', email: 'elodie.dupre@acme.example', priority: 'urgent', status: 'pending_approval' },
      new Date('2026-11-20T10:00:00Z'),
    );
    formula = await givenApplication(
      db,
      keyA2,
      { firstName: '=HYPERLINK("http://evil.example","x")', lastName: '+Cmd', email: '@risky@acme.example', status: 'approved' },
      new Date('2026-11-21T10:00:00Z'),
    );
    bulkOne = await givenApplication(
      db,
      keyA2,
      { origin: 'bulk', firstName: 'Bruno', lastName: 'Lot', email: 'bruno.lot@acme.example', status: 'in_progress' },
      new Date('2026-11-22T10:00:00Z'),
    );
    otherBc = await givenApplication(db, keyB, { firstName: 'Zoé', lastName: 'Ailleurs', email: 'zoe@other.example' }, new Date('2026-11-22T10:00:00Z'));
    // A status change later than the initiation, to sort by.
    await db('application').where({ id: dupre.id }).update({ status_changed_at: '2026-11-29T10:00:00.000Z' });
  });
  afterAll(() => ctx.close());

  let agentA: Agent;
  beforeAll(async () => {
    agentA = await signInAs(ctx.app, ctx.deps, adminA.email, 'en');
  });

  it('lists the administrator’s applications, newest first, 25 a page, with the total', async () => {
    const res = await agentA.get(paths.admin.tracking.list);
    expect(res.status).toBe(200);
    const page = $(res.text);
    expect(page('h1').text()).toBe('Card applications');
    expect(page('.list-count').text()).toContain('33');
    const refs = refsOf(res.text);
    expect(refs).toHaveLength(25);
    expect(refs[0]).toBe(newest.reference); // the last of the ten initiated on 28 November (ties: newest id first)
    expect(refs).not.toContain(otherBc.reference);
    const row = page(`tr[data-reference="${dupre.reference}"]`);
    expect(row.find('a').attr('href')).toBe(paths.admin.applications.show(dupre.id));
    expect(row.text()).toContain('Dupré Élodie');
    expect(row.text()).toContain('elodie.dupre@acme.example');
    expect(row.text()).toContain('Achats');
    expect(row.text()).toContain('Pending approval');
    expect(row.text()).toContain('Urgent');
    const next = page('a[rel="next"]').attr('href') as string;
    const second = await agentA.get(next);
    const more = refsOf(second.text);
    expect(more).toHaveLength(8);
    expect(new Set([...refs, ...more]).size).toBe(33);
  });

  it('filters by key, by several statuses, by priority and by origin', async () => {
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?key=${keyA2.id}`)).text).sort()).toEqual(
      [dupre, formula, bulkOne].map((a) => a.reference).sort(),
    );
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?status=pending_approval&status=approved`)).text).sort()).toEqual(
      [dupre, formula].map((a) => a.reference).sort(),
    );
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?status=pending_approval,in_progress`)).text).sort()).toEqual(
      [dupre, bulkOne].map((a) => a.reference).sort(),
    );
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?priority=urgent`)).text)).toEqual([dupre.reference]);
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?origin=bulk`)).text)).toEqual([bulkOne.reference]);
    const page = $((await agentA.get(`${paths.admin.tracking.list}?status=pending_approval&status=approved&key=${keyA2.id}`)).text);
    expect(page('#status-pending_approval').is(':checked')).toBe(true);
    expect(page('#status-approved').is(':checked')).toBe(true);
    expect(page('#status-invited').is(':checked')).toBe(false);
    expect(page('#filter-key option:selected').val()).toBe(String(keyA2.id));
    // Links keep the filters.
    const sortHref = page('th[aria-sort] a').first().attr('href') as string;
    expect(sortHref).toContain(`key=${keyA2.id}`);
    expect(decodeURIComponent(sortHref)).toContain('status=pending_approval,approved');
  });

  it('filters by initiation dates (inclusive, in the service’s time zone) and says when a date is wrong', async () => {
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?from=15/11/2026&to=2026-11-15&pageSize=50`)).text)).toHaveLength(10);
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?from=20/11/2026&to=22/11/2026`)).text).sort()).toEqual(
      [dupre, formula, bulkOne].map((a) => a.reference).sort(),
    );
    const bad = await agentA.get(`${paths.admin.tracking.list}?from=31/02/2026`);
    expect(bad.status).toBe(400);
    const page = $(bad.text);
    expect(page('title').text()).toMatch(/^Error:/);
    expect(page('.error-summary a').attr('href')).toBe('#from');
    expect(page('#from-error').text()).toContain('dd/mm/yyyy');
    expect(page('#from').val()).toBe('31/02/2026');
    const reversed = await agentA.get(`${paths.admin.tracking.list}?from=22/11/2026&to=20/11/2026`);
    expect(reversed.status).toBe(400);
    expect($(reversed.text)('#to-error').text()).toContain('same as or after');
  });

  it('searches the reference, the name and the e-mail', async () => {
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?q=${dupre.reference}`)).text)).toEqual([dupre.reference]);
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?q=${dupre.reference.slice(0, 6)}`)).text)).toContain(dupre.reference);
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?q=${encodeURIComponent('Dupré')}`)).text)).toEqual([dupre.reference]);
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?q=bruno.lot@`)).text)).toEqual([bulkOne.reference]);
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?q=Ailleurs`)).text)).toEqual([]);
    expect($((await agentA.get(`${paths.admin.tracking.list}?q=nobody`)).text)('#no-applications').text()).toContain('No application matches');
    // LIKE wildcards are literal.
    expect(refsOf((await agentA.get(`${paths.admin.tracking.list}?q=%25`)).text)).toEqual([]);
  });

  it('sorts by each whitelisted column, both ways, and ignores an unknown sort', async () => {
    const byName = refsOf((await agentA.get(`${paths.admin.tracking.list}?sort=name&dir=asc&key=${keyA2.id}`)).text);
    expect(byName).toEqual([formula.reference, dupre.reference, bulkOne.reference]);
    const byStatus = refsOf((await agentA.get(`${paths.admin.tracking.list}?sort=status&dir=asc&key=${keyA2.id}`)).text);
    expect(byStatus).toEqual([bulkOne.reference, dupre.reference, formula.reference]); // in_progress, pending_approval, approved
    const byPriority = refsOf((await agentA.get(`${paths.admin.tracking.list}?sort=priority&dir=asc&key=${keyA2.id}`)).text);
    expect(byPriority[0]).toBe(dupre.reference);
    const byChange = refsOf((await agentA.get(`${paths.admin.tracking.list}?sort=statusChangedAt&dir=desc`)).text);
    expect(byChange[0]).toBe(dupre.reference);
    const byKey = refsOf((await agentA.get(`${paths.admin.tracking.list}?sort=key&dir=asc&pageSize=50`)).text);
    expect(byKey.slice(0, 3).sort()).toEqual([dupre, formula, bulkOne].map((a) => a.reference).sort()); // Achats before Finance
    const byRef = refsOf((await agentA.get(`${paths.admin.tracking.list}?sort=reference&dir=desc&pageSize=50`)).text);
    expect(byRef).toEqual([...byRef].sort().reverse());
    const page = $((await agentA.get(`${paths.admin.tracking.list}?sort=reference&dir=desc`)).text);
    expect(page('th[aria-sort="descending"]').text()).toContain('Reference');
    const unknown = await agentA.get(`${paths.admin.tracking.list}?sort=email;drop&dir=sideways`);
    expect(unknown.status).toBe(200);
    expect(refsOf(unknown.text)[0]).toBe(newest.reference);
  });

  it('answers 404 for a key of another BC, and shows the second administrator none of the first’s applications', async () => {
    expect((await agentA.get(`${paths.admin.tracking.list}?key=${keyB.id}`)).status).toBe(404);
    expect((await agentA.get(`${paths.admin.tracking.export}?format=csv&key=${keyB.id}`)).status).toBe(404);
    const agentB = await signInAs(ctx.app, ctx.deps, adminB.email, 'fr');
    const res = await agentB.get(paths.admin.tracking.list);
    expect(refsOf(res.text)).toEqual([otherBc.reference]);
    expect((await agentB.get(`${paths.admin.tracking.list}?key=${keyA.id}`)).status).toBe(404);
    expect($(res.text)('h1').text()).toBe('Demandes de carte');
    const csv = await agentB.get(`${paths.admin.tracking.export}?format=csv`);
    expect(csv.text).toContain(otherBc.reference);
    expect(csv.text).not.toContain(dupre.reference);
  });

  it('exports the filtered list as csv: neutralised cells, headers in the page language, an audit entry without personal data', async () => {
    const before = Number((await ctx.deps.db('audit_log').where({ action: 'applications.export' }).count({ n: '*' }))[0]!.n);
    const listPage = $((await agentA.get(`${paths.admin.tracking.list}?key=${keyA2.id}&q=a`)).text);
    const href = listPage('#export a').eq(1).attr('href') as string;
    expect(href).toContain('format=csv');
    const res = await agentA.get(href).set('User-Agent', 'TrackingTest/1.0');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="applications-2026-11-24\.csv"$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['cache-control']).toContain('no-store');
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Reference number,Title,First name,Last name,Email address,Company,BC number,Access key name,Access key number,Status,Priority,Origin,Initiated on,Last status change,Submitted on',
    );
    expect(lines).toHaveLength(4);
    const dupreLine = lines.find((l) => l.startsWith(dupre.reference)) as string;
    expect(dupreLine).toContain('Mrs,Élodie,Dupré,elodie.dupre@acme.example,ACME Two');
    expect(dupreLine).toContain('Pending approval,Urgent,Controlled send,2026-11-20 11:00');
    const formulaLine = lines.find((l) => l.startsWith(formula.reference)) as string;
    expect(formulaLine).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(formulaLine).toContain(",'+Cmd,'@risky@acme.example,");
    const entries = await ctx.deps.db('audit_log').where({ action: 'applications.export' }).orderBy('id');
    expect(entries.length).toBe(before + 1);
    const entry = entries[entries.length - 1];
    expect(entry.actor_email).toBe(adminA.email);
    expect(entry.actor_id).toBe(adminA.id);
    expect(entry.user_agent).toBe('TrackingTest/1.0');
    expect(entry.ip).toBeTruthy();
    const details = JSON.parse(entry.details);
    expect(details).toMatchObject({ format: 'csv', count: 3, filters: { keyId: keyA2.id, text: true, statuses: [] } });
    expect(entry.details).not.toMatch(/elodie|Dupré|acme\.example/i);
  });

  it.each([
    ['name', 'asc'],
    ['key', 'desc'],
    ['createdAt', 'desc'],
  ] as const)('reads the export a slice at a time, in list order, only the administrator’s applications (sort %s %s)', async (sort, dir) => {
    const db = ctx.deps.db;
    const accountIds = [keyA.accountId, keyA2.accountId];
    const filters: TrackingFilters = { statuses: [], q: '' };
    const ids = await matchingIdsInOrder(db, accountIds, filters, sort, dir, 1000);
    const expected = await listPage(db, accountIds, filters, { sort, dir, limit: 1000, offset: 0 });
    expect(ids).toEqual(expected.map((r) => r.id));
    expect(ids).toHaveLength(33);
    // Another BC's id slipped into the list is left out; slices of 4 give the same rows in the same order as one read.
    const withForeign = [...ids.slice(0, 5), otherBc.id, ...ids.slice(5)];
    expect(await exportRows(db, accountIds, withForeign, 4)).toEqual(expected);
  });

  it('exports xlsx with every cell as text, formulas neutralised', async () => {
    const res = await agentA.get(`${paths.admin.tracking.export}?format=xlsx&key=${keyA2.id}&sort=name&dir=asc`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = XLSX.read(res.body as Buffer, { type: 'buffer', cellFormula: true });
    const sheet = book.Sheets[book.SheetNames[0] as string] as XLSX.WorkSheet;
    const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1 });
    expect(rows).toHaveLength(4);
    expect(rows[1]![0]).toBe(formula.reference);
    expect(rows[1]![2]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(Object.values(sheet).some((c) => typeof c === 'object' && c !== null && 'f' in c)).toBe(false);
    expect(rows.slice(1).map((r) => r[0])).toEqual([formula, dupre, bulkOne].map((a) => a.reference));
    const last = await ctx.deps.db('audit_log').where({ action: 'applications.export' }).orderBy('id', 'desc').first();
    expect(JSON.parse(last.details)).toMatchObject({ format: 'xlsx', count: 3 });
  });

  it('filters by bulk batch, linked from the batch page; another BC’s batch is a 404', async () => {
    const db = ctx.deps.db;
    const [batchRow] = await db('bulk_batch')
      .insert({
        access_key_id: keyA2.id,
        account_id: keyA2.accountId,
        file_name: 'salariés-novembre.xlsx',
        uploaded_by: adminA.id,
        row_count: 1,
        created_at: '2026-11-22T10:00:00.000Z',
      })
      .returning('id');
    const batchId = typeof batchRow === 'object' ? (batchRow as { id: number }).id : (batchRow as number);
    await db('application').where({ id: bulkOne.id }).update({ batch_id: batchId });
    const [otherBatchRow] = await db('bulk_batch')
      .insert({
        access_key_id: keyB.id,
        account_id: keyB.accountId,
        file_name: 'b.xlsx',
        uploaded_by: adminB.id,
        row_count: 1,
        created_at: '2026-11-22T10:00:00.000Z',
      })
      .returning('id');
    const otherBatchId = typeof otherBatchRow === 'object' ? (otherBatchRow as { id: number }).id : (otherBatchRow as number);

    const batchPage = $((await agentA.get(paths.admin.batches.show(batchId))).text);
    const href = batchPage('#batch-in-tracking').attr('href') as string;
    expect(href).toBe(`${paths.admin.tracking.list}?batch=${batchId}`);
    const res = await agentA.get(href);
    expect(res.status).toBe(200);
    expect(refsOf(res.text)).toEqual([bulkOne.reference]);
    const page = $(res.text);
    expect(page('#batch-filter').text()).toContain('salariés-novembre.xlsx');
    expect(page('form.tracking-filters input[name="batch"]').val()).toBe(String(batchId));
    expect(page('#export a').first().attr('href')).toContain(`batch=${batchId}`);
    const csv = await agentA.get(`${paths.admin.tracking.export}?format=csv&batch=${batchId}`);
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    expect(JSON.parse((await db('audit_log').where({ action: 'applications.export' }).orderBy('id', 'desc').first()).details).filters.batchId).toBe(batchId);
    expect((await agentA.get(`${paths.admin.tracking.list}?batch=${otherBatchId}`)).status).toBe(404);
    expect((await agentA.get(`${paths.admin.tracking.export}?format=xlsx&batch=${otherBatchId}`)).status).toBe(404);
    expect((await agentA.get(`${paths.admin.tracking.list}?batch=999999`)).status).toBe(404);
  });

  it('keeps several statuses through the language switch link', async () => {
    const page = $((await agentA.get(`${paths.admin.tracking.list}?status=pending_approval&status=approved`)).text);
    const switchHref = page('.site-header__lang').attr('href') as string;
    const switched = await agentA.get(switchHref);
    expect($(switched.text)('h1').text()).toBe('Demandes de carte');
    expect(refsOf(switched.text).sort()).toEqual([dupre, formula].map((a) => a.reference).sort());
    await agentA.get(`${paths.admin.tracking.list}?lang=en`);
  });

  it('refuses an unknown export format and is for administrators only', async () => {
    expect((await agentA.get(`${paths.admin.tracking.export}?format=pdf`)).status).toBe(400);
    const anonymous = await request(ctx.app).get(paths.admin.tracking.list);
    expect([302, 303, 401, 403]).toContain(anonymous.status);
    const anonymousExport = await request(ctx.app).get(`${paths.admin.tracking.export}?format=csv`);
    expect([302, 303, 401, 403]).toContain(anonymousExport.status);
  });
});
