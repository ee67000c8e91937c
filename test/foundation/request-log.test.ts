import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createLogger } from '../../src/platform/logger';
import { requestLog } from '../../src/middleware/request-log';
import { helmetFor, securityHeaders } from '../../src/middleware/security-headers';

function capture(): { lines: Array<Record<string, unknown>>; stream: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

describe('request log', () => {
  it('writes one line per request with the path only (no query string), the status and the request id', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestLog(createLogger('info', stream), { ignore: (p) => p.startsWith('/public/') }));
    app.get('/page', (req, res) => {
      req.log.info({ step: 'inside' }, 'handler line');
      res.send('ok');
    });
    app.get('/boom', (_req, res) => {
      res.status(500).send('no');
    });
    app.get('/public/x.css', (_req, res) => {
      res.send('');
    });
    const res = await request(app).get('/page?ref=1234567890');
    await request(app).get('/boom');
    await request(app).get('/public/x.css');
    await new Promise((r) => setImmediate(r));
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const handlerLine = lines.find((l) => l.msg === 'handler line');
    expect(handlerLine).toMatchObject({ reqId: id, step: 'inside' });
    const access = lines.filter((l) => /^request/.test(String(l.msg)));
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ reqId: id, req: { method: 'GET', path: '/page' }, res: { statusCode: 200 }, msg: 'request completed' });
    expect(access[1]).toMatchObject({ req: { path: '/boom' }, res: { statusCode: 500 }, msg: 'request errored', level: 50 });
    expect(JSON.stringify(lines)).not.toContain('1234567890');
  });
});

describe('request log: the access line is written without redaction, everything else with it', () => {
  it('keeps redacting the request’s own lines, on the same output and at the same level as the access lines', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestLog(createLogger('warn', stream)));
    app.get('/page', (req, res) => {
      req.log.warn({ email: 'zoe.martin@example.com', token: 'secret-token' }, 'handler warning');
      res.send('ok');
    });
    app.get('/boom', (_req, res) => {
      res.status(500).send('no');
    });
    await request(app).get('/page');
    await request(app).get('/boom');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['handler warning', 'request errored']);
    expect(lines[0]).toMatchObject({ email: '[redacted]', token: '[redacted]', app: 'sesame' });
    expect(lines[1]).toMatchObject({ req: { method: 'GET', path: '/boom' }, res: { statusCode: 500 }, app: 'sesame', level: 50 });
    expect(JSON.stringify(lines)).not.toContain('zoe.martin');
  });
});

describe('security headers', () => {
  const drop = ['date', 'etag', 'content-length', 'connection', 'keep-alive', 'content-type'];
  const headersOf = (res: request.Response) => Object.fromEntries(Object.entries(res.headers).filter(([k]) => !drop.includes(k)));

  it.each([false, true])('are exactly the headers helmet sets on each request (TLS %s), and strict', async (onTls) => {
    const ours = express()
      .use(securityHeaders(onTls))
      .get('/', (_req, res) => res.send('x'));
    const perRequest = express()
      .use(helmetFor(onTls))
      .get('/', (_req, res) => res.send('x'));
    const a = await request(ours).get('/');
    const b = await request(perRequest).get('/');
    expect(headersOf(a)).toEqual(headersOf(b));
    expect(a.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(a.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['referrer-policy']).toBe('no-referrer');
    expect(a.headers['x-powered-by']).toBeUndefined();
    expect(Boolean(a.headers['strict-transport-security'])).toBe(onTls);
    expect(a.headers['content-security-policy'].includes('upgrade-insecure-requests')).toBe(onTls);
  });
});
