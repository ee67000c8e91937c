import request from 'supertest';
import { createTestContext, type TestContext } from '../support/app';

/** Pages are never cached (no-store), so they carry no ETag; the static files keep theirs for revalidation. */
describe('ETags', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('a page is no-store and carries no ETag', async () => {
    const res = await request(ctx.app).get('/sign-in');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.headers.etag).toBeUndefined();
  });

  it('a static file carries its ETag and answers 304 when it has not changed', async () => {
    const first = await request(ctx.app).get('/public/css/app.css');
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBeDefined();
    const again = await request(ctx.app)
      .get('/public/css/app.css')
      .set('if-none-match', first.headers.etag as string);
    expect(again.status).toBe(304);
  });
});
