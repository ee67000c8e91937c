import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { navigation, type Nav, type NavCounts } from '../../src/middleware/navigation';

const views = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-nav-'));
fs.writeFileSync(path.join(views, 'page.txt'), '');
afterAll(() => fs.rmSync(views, { recursive: true, force: true }));

/** A minimal app: an administrator on every request, a view engine that prints the tabs, as the layout gets them. */
function appWith(providers: Parameters<typeof navigation>[0], route: express.RequestHandler) {
  const app = express();
  app.engine('txt', (_file, options, cb) => {
    const { nav, navCounts } = options as { nav: Nav; navCounts?: NavCounts };
    nav.tabs(navCounts).then((tabs) => cb(null, JSON.stringify(tabs)), cb);
  });
  app.set('view engine', 'txt');
  app.set('views', views);
  app.use((req, _res, next) => {
    req.actor = { id: 1, email: 'a@test.example', displayName: 'A', role: 'admin', language: 'fr', accountIds: [7], isPlatform: false } as never;
    next();
  });
  app.use(navigation(providers));
  app.get('/admin/approvals', route);
  return app;
}

describe('navigation tabs', () => {
  it('counts when the page is rendered, and not when the page provides the count', async () => {
    let calls = 0;
    const provider = async () => {
      calls++;
      return { pending: 4 };
    };
    const counted = await request(appWith([provider], (_req, res) => res.render('page.txt'))).get('/admin/approvals');
    expect(calls).toBe(1);
    const tabs = JSON.parse(counted.text) as Array<{ href: string; count: number; current: boolean }>;
    expect(tabs.find((t) => t.href === '/admin/approvals')).toMatchObject({ count: 4, current: true });

    const provided = await request(appWith([provider], (_req, res) => res.render('page.txt', { navCounts: { pending: 9 } }))).get('/admin/approvals');
    expect(calls).toBe(1);
    expect((JSON.parse(provided.text) as Array<{ href: string; count: number }>).find((t) => t.href === '/admin/approvals')?.count).toBe(9);

    await request(appWith([provider], (_req, res) => res.redirect(303, '/elsewhere'))).get('/admin/approvals');
    expect(calls).toBe(1);
  });

  it('counts at most once a request, however often the tabs are asked for', async () => {
    let calls = 0;
    const provider = async () => {
      calls++;
      return { pending: 2 };
    };
    const res = await request(
      appWith([provider], async (_req, r) => {
        const nav = r.locals.nav as Nav;
        const [first, second] = await Promise.all([nav.tabs(), nav.tabs(null)]);
        r.json([first, second, await nav.tabs()]);
      }),
    ).get('/admin/approvals');
    expect(calls).toBe(1);
    expect((res.body as Array<Array<{ count: number }>>).map((tabs) => tabs[3]?.count)).toEqual([2, 2, 2]);
  });

  it('still shows the page, without tabs, when counting fails', async () => {
    const failing = async (): Promise<Record<string, number>> => {
      throw new Error('database unavailable');
    };
    const res = await request(appWith([failing], (_req, r) => r.status(500).render('page.txt'))).get('/admin/approvals');
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual([]);
  });
});
